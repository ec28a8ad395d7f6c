from simpul_registry.domain.search import anchor, matches, prefix_range, rank, search_words, words


def region(code, name, region_type, level):
    return {"code": code, "name": name, "type": region_type, "level": level,
            "search": search_words(name, region_type)}


BATANG = region("33.25", "Kabupaten Batang", "kabupaten", "kabupaten")
BATANGHARI = region("15.04", "Kabupaten Batanghari", "kabupaten", "kabupaten")
KECAMATAN_BATANG = region("33.25.10", "Batang", "kecamatan", "kecamatan")
JAWA_TENGAH = region("33", "Jawa Tengah", "provinsi", "province")


def test_words_fold_case_and_accents_and_drop_apostrophes_and_punctuation():
    assert words("Kab. Ma’rang (Baru)") == ["kab", "marang", "baru"]
    assert words("Jawá Téngah") == ["jawa", "tengah"]
    assert words("D'Arcy `O`") == ["darcy", "o"]


def test_words_of_nothing_are_none():
    assert words("") == [] and words(None) == [] and words(" .- ") == []


def test_a_region_is_found_by_its_name_and_every_word_of_its_type():
    assert search_words("Kabupaten Batang", "kabupaten") == ["batang", "kab", "kabupaten"]
    assert search_words("Batu Selicin", "kelurahan") == ["batu", "kel", "kelurahan", "selicin"]
    assert search_words("Tanjung", "unknown_type") == ["tanjung"]


def test_the_anchor_is_the_longest_word_that_is_not_a_region_type():
    assert anchor(["kabupaten", "batang"]) == "batang"
    assert anchor(["kel", "batu", "selicin"]) == "selicin"


def test_a_query_of_only_type_words_anchors_on_the_longest_of_them():
    assert anchor(["kab", "kabupaten"]) == "kabupaten"


def test_the_prefix_range_bounds_exactly_the_words_starting_with_the_prefix():
    low, high = prefix_range("batang")
    assert (low, high) == ("batang", "batanh")
    assert low <= "batanghari" < high
    assert not low <= "batani" < high
    assert prefix_range("z") == ("z", "{")


def test_kab_batang_matches_the_kabupaten_and_ranks_it_before_batanghari():
    query = words("kab. batang")
    assert matches(BATANG, query) and matches(BATANGHARI, query)
    ordered = sorted([BATANGHARI, BATANG], key=lambda r: rank(r, query))
    assert [r["code"] for r in ordered] == ["33.25", "15.04"]


def test_an_accented_query_matches_the_plain_name():
    assert matches(JAWA_TENGAH, words("Jawá Téngah"))
    assert matches(JAWA_TENGAH, words("prov jawa"))


def test_a_kecamatan_abbreviation_does_not_match_a_kabupaten():
    query = words("kec batang")
    assert not matches(BATANG, query)
    assert matches(KECAMATAN_BATANG, query)


def test_every_query_word_must_start_some_word_of_the_region():
    assert not matches(BATANG, words("batang tengah"))
    assert not matches(BATANG, words("atang"))


def test_of_two_exact_names_the_higher_level_comes_first():
    query = words("batang")
    ordered = sorted([KECAMATAN_BATANG, BATANG], key=lambda r: rank(r, query))
    assert [r["code"] for r in ordered] == ["33.25", "33.25.10"]


def test_an_exact_name_comes_before_a_higher_level_prefix_match():
    query = words("batang")
    assert rank(KECAMATAN_BATANG, query) < rank(BATANGHARI, query)


def test_a_type_abbreviation_does_not_match_the_start_of_a_name_word():
    kelurahan = region("13.71.11.1010", "Batang Kabung Ganting", "kelurahan", "desa")
    assert not matches(kelurahan, words("kab. batang"))
    assert matches(kelurahan, words("batang kabu"))   # still typing a name


def test_a_type_word_that_is_part_of_a_desa_name_still_finds_it():
    desa = region("12.01.01.2001", "Kota Baru", "desa", "desa")
    assert matches(desa, words("kota baru"))
