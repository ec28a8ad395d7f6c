import pytest

from simpul_common.catalogue import ILP_CLUSTERS, REPORT_KINDS, SERVICE_TYPES, SPM_AREAS, spm_area_of


def test_there_are_six_spm_areas_and_29_service_types():
    assert len(SPM_AREAS) == 6
    assert len(SERVICE_TYPES) == 29
    assert len(set(SERVICE_TYPES)) == 29


def test_every_service_type_is_prefixed_with_its_area():
    for code in SERVICE_TYPES:
        area, name = code.split(".")
        assert name in SPM_AREAS[area]


def test_report_kinds_are_the_three_of_the_domain():
    assert set(REPORT_KINDS) == {"service_need", "complaint", "aspiration"}


def test_spm_area_of_a_known_type():
    assert spm_area_of("kesehatan.terduga_tb") == "kesehatan"
    assert spm_area_of("trantibumlinmas.penyelamatan_kebakaran") == "trantibumlinmas"


@pytest.mark.parametrize("code", ["kesehatan.flu", "kesehatan", "kesehatan.*", "", "x.balita"])
def test_spm_area_of_an_unknown_type_is_refused(code):
    with pytest.raises(ValueError):
        spm_area_of(code)


def test_korban_bencana_exists_in_two_areas_as_two_distinct_types():
    assert spm_area_of("perumahan.korban_bencana") == "perumahan"
    assert spm_area_of("sosial.korban_bencana") == "sosial"


def test_ilp_clusters_cover_exactly_the_health_types():
    health = {code for code in SERVICE_TYPES if code.startswith("kesehatan.")}
    assert set(ILP_CLUSTERS) == health
    assert set(ILP_CLUSTERS.values()) == {"ibu_anak", "usia_dewasa_lansia", "penyakit_menular"}


def test_communicable_disease_cluster_holds_tb_and_hiv():
    assert ILP_CLUSTERS["kesehatan.terduga_tb"] == "penyakit_menular"
    assert ILP_CLUSTERS["kesehatan.risiko_hiv"] == "penyakit_menular"


def test_the_catalogue_cannot_be_changed_at_runtime():
    with pytest.raises(TypeError):
        SPM_AREAS["baru"] = ("x",)
