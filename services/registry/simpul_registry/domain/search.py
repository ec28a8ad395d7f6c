"""Region name search: case- and accent-insensitive, word prefixes, with the usual abbreviations
of the region types, so `kab. batang` finds `33.25` and `kel batu selicin` a kelurahan of Batam.

Every region stores `search`: the words of its name plus the words of its type; a query matches
when each of its words starts one of those words (a type word must be the region's type)."""
import re
import unicodedata

TYPE_WORDS = {
    "provinsi": ("provinsi", "propinsi", "prov"),
    "kabupaten": ("kabupaten", "kab"),
    "kota": ("kota",),
    "kecamatan": ("kecamatan", "kec"),
    "distrik": ("distrik", "kecamatan", "kec"),
    "desa": ("desa", "ds"),
    "desa_adat": ("desa", "adat", "ds"),
    "kelurahan": ("kelurahan", "kel"),
}
_ALL_TYPE_WORDS = {word for words in TYPE_WORDS.values() for word in words}
_APOSTROPHES = re.compile(r"['’`]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")
LEVEL_ORDER = {"province": 0, "kabupaten": 1, "kecamatan": 2, "desa": 3}


def words(text: str) -> list[str]:
    """`Kab. Ma’rang (Baru)` → [`kab`, `marang`, `baru`]."""
    folded = unicodedata.normalize("NFKD", text or "")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    return [w for w in _SEPARATORS.split(_APOSTROPHES.sub("", folded)) if w]


def search_words(name: str, region_type: str) -> list[str]:
    """What a region is found by: its name's words and its type's words."""
    return sorted(set(words(name)) | set(TYPE_WORDS.get(region_type, ())))


def anchor(query_words: list[str]) -> str:
    """The word to look up in the index: the longest that is not just a region type."""
    names = [w for w in query_words if w not in _ALL_TYPE_WORDS] or query_words
    return max(names, key=len)


def prefix_range(word: str) -> tuple[str, str]:
    """Index bounds of the words that start with `word`."""
    return word, word[:-1] + chr(ord(word[-1]) + 1)


def matches(region: dict, query_words: list[str]) -> bool:
    """Each query word starts a word of the region; a region type word (`kab`, `kota`, `desa`)
    must be that region's type, or a whole word of its name (desa "Kota Baru")."""
    type_words = set(TYPE_WORDS.get(region["type"], ()))
    return all(q in type_words or q in region["search"] if q in _ALL_TYPE_WORDS
               else any(w.startswith(q) for w in region["search"]) for q in query_words)


def rank(region: dict, query_words: list[str]) -> tuple:
    """Exact names first, then higher levels (a kabupaten before a desa of the same name)."""
    exact = set(words(region["name"])) <= set(query_words) | _ALL_TYPE_WORDS
    return (not exact, LEVEL_ORDER[region["level"]], region["code"])
