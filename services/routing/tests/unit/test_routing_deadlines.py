import datetime as dt

import pytest

from simpul_routing.domain.deadlines import add_working_days, due_at, local_date

WIB = "Asia/Jakarta"


def test_a_monday_plus_five_working_days_is_the_next_monday():
    assert add_working_days(dt.date(2026, 11, 2), 5) == dt.date(2026, 11, 9)


def test_a_friday_plus_one_working_day_skips_the_weekend():
    assert add_working_days(dt.date(2026, 6, 5), 1) == dt.date(2026, 6, 8)


def test_christmas_and_its_cuti_bersama_are_not_working_days():
    # Wed 23 Dec 2026: 24 is cuti bersama, 25 Christmas, then the weekend
    assert add_working_days(dt.date(2026, 12, 23), 1) == dt.date(2026, 12, 28)


def test_the_idulfitri_holidays_are_skipped():
    # Tue 17 Mar 2026: 18-24 March are Nyepi, Idulfitri and cuti bersama
    assert add_working_days(dt.date(2026, 3, 17), 3) == dt.date(2026, 3, 27)


def test_a_year_without_holiday_data_counts_weekends_only():
    # 17 Aug 2028 (a Thursday) is Independence Day, but 2028 has no official calendar yet
    assert add_working_days(dt.date(2028, 8, 16), 1) == dt.date(2028, 8, 17)
    assert add_working_days(dt.date(2028, 8, 18), 1) == dt.date(2028, 8, 21)


def test_counting_across_into_a_year_without_holiday_data():
    assert add_working_days(dt.date(2027, 12, 30), 3) == dt.date(2028, 1, 4)


def test_zero_working_days_is_the_same_day():
    assert add_working_days(dt.date(2026, 11, 2), 0) == dt.date(2026, 11, 2)


def test_an_evening_instant_in_utc_is_already_the_next_day_in_wib():
    assert local_date("2026-12-17T18:00:00+00:00", WIB) == "2026-12-18"
    assert local_date("2026-12-17T16:59:59.999+00:00", WIB) == "2026-12-17"


def test_local_date_accepts_a_z_suffix():
    assert local_date("2026-12-17T18:00:00Z", WIB) == "2026-12-18"


def test_due_at_is_the_end_of_the_last_working_day_in_local_time():
    # Mon 2 Nov 2026 10:00 WIB + 5 working days → Mon 9 Nov 23:59:59.999 WIB = 16:59:59.999 UTC
    assert due_at("2026-11-02T03:00:00+00:00", 5, WIB) == "2026-11-09T16:59:59.999+00:00"


def test_due_at_counts_from_the_local_day_not_the_utc_day():
    # Thu 17 Dec 18:00 UTC is Fri 18 Dec 01:00 WIB: one working day later is Monday 21 Dec
    assert due_at("2026-12-17T18:00:00+00:00", 1, WIB) == "2026-12-21T16:59:59.999+00:00"
    # the same day, earlier: still Thursday in WIB, so due on Friday
    assert due_at("2026-12-17T10:00:00+00:00", 1, WIB) == "2026-12-18T16:59:59.999+00:00"


def test_due_at_skips_christmas():
    assert due_at("2026-12-23T03:00:00+00:00", 1, WIB) == "2026-12-28T16:59:59.999+00:00"


@pytest.mark.parametrize("zone, end_utc", [
    ("Asia/Jakarta", "2026-11-09T16:59:59.999+00:00"),    # UTC+7
    ("Asia/Makassar", "2026-11-09T15:59:59.999+00:00"),   # UTC+8
    ("Asia/Jayapura", "2026-11-09T14:59:59.999+00:00"),   # UTC+9
])
def test_due_at_ends_at_local_midnight_of_each_time_zone(zone, end_utc):
    assert due_at("2026-11-02T03:00:00+00:00", 5, zone) == end_utc
