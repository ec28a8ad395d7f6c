"""Open311 GeoReport v2 on the gateway (docs/open311.md): the SPM service types as Open311
services, reports filed by an Open311 client through the same durable path as
`POST /api/v1/reports`, and cases shown as service requests without any personal data.
`answers` renders JSON and XML as the spec shapes them, `services` the catalogue, `form` the
checked POST form, `views` a case as a service request, `query` the GET filters, `routes`
the endpoints under /open311/v2."""
