import pytest

from simpul_common.cache import TtlCache


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Loader:
    def __init__(self, value="desa"):
        self.calls = 0
        self.value = value

    def __call__(self):
        self.calls += 1
        return {"value": self.value, "call": self.calls}


def test_a_value_is_loaded_once_within_its_lifetime():
    clock, load = Clock(), Loader()
    cache = TtlCache(30, clock=clock)

    first = cache.get(("region", "33.25.01.2001"), load)
    clock.now += 29.9
    again = cache.get(("region", "33.25.01.2001"), load)

    assert again is first
    assert load.calls == 1


def test_a_value_is_loaded_again_once_it_expires():
    clock, load = Clock(), Loader()
    cache = TtlCache(30, clock=clock)

    cache.get("k", load)
    clock.now += 30
    assert cache.get("k", load)["call"] == 2


def test_keys_are_cached_separately():
    clock = Clock()
    cache = TtlCache(30, clock=clock)

    region = cache.get(("region", "33.25.01.2001"), Loader("desa"))
    posyandu = cache.get(("posyandu", "33.25.01.2001"), Loader("posyandu"))

    assert (region["value"], posyandu["value"]) == ("desa", "posyandu")


def test_an_unknown_answer_is_cached_too():
    clock, calls = Clock(), []
    cache = TtlCache(30, clock=clock)

    def unknown():
        calls.append(1)
        return None

    assert cache.get("k", unknown) is None
    assert cache.get("k", unknown) is None
    assert len(calls) == 1


def test_a_failed_load_is_not_cached():
    clock, load = Clock(), Loader()
    cache = TtlCache(30, clock=clock)

    def failing():
        raise TimeoutError("registry did not answer")

    with pytest.raises(TimeoutError):
        cache.get("k", failing)
    assert cache.get("k", load)["call"] == 1


def test_a_missing_value_can_be_asked_again_instead_of_remembered():
    answers = iter([None, "found"])
    cache = TtlCache(60)
    assert cache.get("P1", lambda: next(answers), remember_none=False) is None
    assert cache.get("P1", lambda: next(answers), remember_none=False) == "found"


def test_forget_drops_one_entry_or_all_of_them():
    cache = TtlCache(60)
    loads = []

    def load(key):
        return lambda: loads.append(key) or key

    for key in ("33.25", "21.71"):
        cache.get(key, load(key))
    cache.forget("33.25")
    cache.get("33.25", load("33.25"))
    cache.get("21.71", load("21.71"))
    assert loads == ["33.25", "21.71", "33.25"]
    cache.forget()
    cache.get("21.71", load("21.71"))
    assert loads[-1] == "21.71" and len(loads) == 4
