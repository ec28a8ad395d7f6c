"""The plain parts of the Open311 endpoints: the XML the spec shapes, W3C dates, the 90-day
window, and the reading of routing's newest-first list from the first case of a window."""
import datetime as dt
from xml.etree import ElementTree

import pytest

from simpul_gateway.open311.answers import xml_document
from simpul_gateway.open311.query import MOST_REQUESTS, RequestQuery, between, window
from simpul_gateway.open311.views import w3

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.timezone.utc)


def test_xml_writes_lists_as_item_elements_flags_as_words_and_nulls_empty():
    document = xml_document("service_requests", [{"service_request_id": "a", "lat": None,
                                                  "metadata": True, "code": 3}])
    assert document == (b'<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request>'
                        b'<service_request_id>a</service_request_id><lat /><metadata>true'
                        b'</metadata><code>3</code></request></service_requests>')
    assert b"&lt;b&gt;" in xml_document("errors", [{"code": 400, "description": "<b>"}])
    echoed = xml_document("errors", [{"code": 400, "description": "attribute[a\x01]: ?"}])
    assert ElementTree.fromstring(echoed).findtext("error/description") == "attribute[a\ufffd]: ?"


@pytest.mark.parametrize("stored, shown", [
    ("2026-11-30T03:12:45.123+00:00", "2026-11-30T03:12:45+00:00"),
    ("2026-11-30T10:12:45Z", "2026-11-30T10:12:45+00:00"),
    ("2026-11-30T10:12:45+07:00", "2026-11-30T10:12:45+07:00"), (None, None)])
def test_instants_are_w3c_with_seconds_and_an_offset(stored, shown):
    assert w3(stored) == shown


def test_the_window_is_90_days_up_to_now_or_from_or_up_to_the_date_given():
    days = dt.timedelta(days=90)
    assert window(None, None, NOW) == (NOW - days, NOW)
    assert window(NOW - 2 * days, None, NOW) == (NOW - 2 * days, NOW - days)
    assert window(None, NOW - days, NOW) == (NOW - 2 * days, NOW - days)


class Listing:
    """`count` cases routed an hour apart, newest first, read as routing pages them."""

    def __init__(self, count: int):
        self.cases = [{"id": str(n), "routed_at": (NOW - dt.timedelta(hours=n)).isoformat(),
                       "status": "routed", "service_type": "kesehatan.balita"} for n in range(count)]
        self.reads = []

    def __call__(self, page: int, per_page: int) -> dict:
        self.reads.append((page, per_page))
        return {"items": self.cases[(page - 1) * per_page:page * per_page], "total": len(self.cases)}


def query(start_hours: float, end_hours: float) -> RequestQuery:
    return RequestQuery((), frozenset(), frozenset(), NOW - dt.timedelta(hours=start_hours),
                        NOW - dt.timedelta(hours=end_hours))


def test_a_window_deep_in_the_list_reads_from_its_first_case_on():
    listing = Listing(5000)
    found = between(listing, query(3410, 3390))
    assert [case["id"] for case in found] == [str(n) for n in range(3390, 3411)]
    assert len(listing.reads) < 20 and (3390 // 200 + 1, 200) in listing.reads


def test_at_most_1000_requests_and_none_from_an_empty_list():
    assert len(between(Listing(3000), query(2500, 0))) == MOST_REQUESTS
    assert between(Listing(0), query(24, 0)) == []
    assert between(Listing(10), query(200, 100)) == []
