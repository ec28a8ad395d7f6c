from simpul_common.catalogue import SERVICE_TYPES
from simpul_registry.domain import catalogue


def entries_by_code():
    return {e["_id"]: e for e in catalogue.service_type_entries()}


def test_there_is_one_entry_per_service_type():
    entries = catalogue.service_type_entries()
    assert [e["_id"] for e in entries] == list(SERVICE_TYPES)


def test_every_entry_is_labelled_in_both_languages():
    for entry in catalogue.service_type_entries():
        for field in ("label_id", "label_en", "area_label_id", "area_label_en"):
            assert entry[field].strip(), (entry["_id"], field)


def test_the_area_of_an_entry_is_the_prefix_of_its_code():
    for code, entry in entries_by_code().items():
        assert code.startswith(entry["spm_area"] + ".")


def test_ordinary_service_types_follow_the_lapor_norms():
    entry = entries_by_code()["pendidikan.paud"]
    assert entry["acknowledge_working_days"] == 3
    assert entry["follow_up_working_days"] == 5
    assert entry["resolve_days"] == 60


def test_life_threatening_service_types_are_followed_up_the_next_working_day():
    entries = entries_by_code()
    for code in ("trantibumlinmas.penyelamatan_kebakaran", "trantibumlinmas.penyelamatan_bencana",
                 "kesehatan.ibu_bersalin", "kesehatan.odgj_berat"):
        assert entries[code]["acknowledge_working_days"] == 1, code
        assert entries[code]["follow_up_working_days"] == 1, code


def test_urgent_types_are_real_service_types():
    assert catalogue.URGENT <= set(SERVICE_TYPES)


def test_only_health_types_carry_an_ilp_cluster():
    for code, entry in entries_by_code().items():
        assert (entry["ilp_cluster"] is not None) == code.startswith("kesehatan."), code
