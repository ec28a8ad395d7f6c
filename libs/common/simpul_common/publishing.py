"""How use cases publish a batch's events, whatever publisher they are handed."""


def publish_all(publish, envelopes: list[dict]) -> None:
    """Publish `envelopes` in order: all sent, then one wait for every confirm where the
    publisher can (`publish.many`, the services' own); one by one otherwise (unit tests'
    fakes). Raises if any of them was not confirmed: the caller handles its batch again."""
    if not envelopes:
        return
    many = getattr(publish, "many", None)
    if many is not None:
        many(envelopes)
        return
    for envelope in envelopes:
        publish(envelope)
