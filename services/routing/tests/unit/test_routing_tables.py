from simpul_routing.tables import TableCache


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class Registry:
    def __init__(self):
        self.asked = []

    def routing_table(self, kabupaten_code):
        self.asked.append(kabupaten_code)
        return {"kabupaten_code": kabupaten_code, "version": len(self.asked)}


def test_a_table_is_fetched_once_within_the_ttl():
    clock, registry = Clock(), Registry()
    cache = TableCache(5, clock=clock)

    first = cache.get("33.25", registry.routing_table)
    clock.now += 4.9
    again = cache.get("33.25", registry.routing_table)

    assert again is first
    assert registry.asked == ["33.25"]


def test_a_table_is_fetched_again_after_the_ttl():
    clock, registry = Clock(), Registry()
    cache = TableCache(5, clock=clock)

    cache.get("33.25", registry.routing_table)
    clock.now += 5
    fresh = cache.get("33.25", registry.routing_table)

    assert fresh["version"] == 2
    assert registry.asked == ["33.25", "33.25"]


def test_each_kabupaten_has_its_own_table():
    clock, registry = Clock(), Registry()
    cache = TableCache(5, clock=clock)

    batang = cache.get("33.25", registry.routing_table)
    batam = cache.get("21.71", registry.routing_table)

    assert (batang["kabupaten_code"], batam["kabupaten_code"]) == ("33.25", "21.71")
    assert registry.asked == ["33.25", "21.71"]


def test_a_failed_fetch_is_not_cached():
    clock, registry = Clock(), Registry()
    cache = TableCache(5, clock=clock)

    def unavailable(code):
        raise ConnectionError("registry down")

    try:
        cache.get("33.25", unavailable)
    except ConnectionError:
        pass
    assert cache.get("33.25", registry.routing_table)["version"] == 1
