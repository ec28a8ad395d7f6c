import pytest

from simpul_registry.domain.checks import Rejected
from simpul_registry.domain.posyandu_csv import parse, plan

DESA = {"33.25.01.2001": {"code": "33.25.01.2001"}}
STORED = {"id": "P332501200101", "registration_number": "REG-001", "name": "Posyandu Mawar",
          "desa_code": "33.25.01.2001", "kecamatan_code": "33.25.01", "kabupaten_code": "33.25",
          "ilp": True, "six_spm": True, "active": True, "kader": ["Siti"]}


def file_error(text):
    with pytest.raises(Rejected) as rejected:
        parse(text)
    assert rejected.value.status == 422
    [error] = rejected.value.errors
    assert error["field"] == "file"
    return error["message"]


def test_a_comma_file_with_kader_separated_by_semicolons():
    rows = parse("registration_number,name,desa_code,ilp,kader\n"
                 "REG-001, Posyandu Mawar ,33.25.01.2001,Ya,Siti; Ani ;\n")
    assert rows == [(2, {"registration_number": "REG-001", "name": "Posyandu Mawar",
                         "desa_code": "33.25.01.2001", "ilp": True, "kader": ["Siti", "Ani"]})]


def test_a_semicolon_file_with_a_bom_and_kader_separated_by_commas():
    rows = parse("\ufeffRegistration_Number ; NAME;desa_code;active;kader\r\n"
                 "REG-001;Mawar;33.25.01.2001;tidak;Siti, Ani\r\n")
    assert rows[0][1]["kader"] == ["Siti", "Ani"]
    assert rows[0][1]["active"] is False and rows[0][1]["registration_number"] == "REG-001"


def test_blank_lines_are_skipped_and_rows_keep_their_line_numbers():
    rows = parse("registration_number,name,desa_code\n\nA-1,Mawar,33.25.01.2001\n , , \n"
                 "B-2,Melati,33.25.01.2001\n")
    assert [line for line, _ in rows] == [3, 5]


def test_blank_cells_are_none_and_unknown_flags_are_kept_for_the_checks():
    [(_, row)] = parse("registration_number,name,desa_code,ilp,six_spm,kader\n"
                       "A-1,,33.25.01.2001,,mungkin,\n")
    assert row == {"registration_number": "A-1", "name": None, "desa_code": "33.25.01.2001",
                   "ilp": None, "six_spm": "mungkin", "kader": None}


def test_cells_beyond_the_header_are_kept_apart():
    [(_, row)] = parse("registration_number,name,desa_code\nA-1,Mawar,33.25.01.2001,lebih\n")
    assert row["extra"] == ["lebih"]


@pytest.mark.parametrize("text", ["", "\ufeff", "  \nA-1,Mawar,33.25.01.2001\n"])
def test_an_empty_file_is_refused(text):
    assert "berkas kosong" in file_error(text)


@pytest.mark.parametrize("header, says", [
    ("registration_number,name", "tidak ada: desa_code"),
    ("registration_number,name,desa_code,colour", "tidak dikenal: colour"),
    ("registration_number,name,desa_code,name", "judul kolom harus dari")])
def test_a_bad_header_refuses_the_whole_file(header, says):
    assert says in file_error(header + "\nA-1,Mawar,33.25.01.2001\n")


def test_a_header_without_rows_is_refused():
    assert "tidak berisi baris data" in file_error("registration_number,name,desa_code\n\n")


def test_good_rows_are_created_with_fresh_ids_and_bad_rows_say_why():
    rows = parse("registration_number,name,desa_code\nA-1,Mawar,33.25.01.2001\n"
                 "B-2,Melati,33.25.09.2001\nC-3,Anggrek,33.25.01.2001\nD-4,Dahlia,33.25.01.2001,x\n")
    taken = {"P332501200101"}
    report, documents = plan(rows, DESA.get, {}, taken)
    assert [(r["row"], r["status"], r["id"]) for r in report] == [
        (2, "created", "P332501200102"), (3, "rejected", None), (4, "created", "P332501200103"),
        (5, "rejected", None)]
    assert [e["field"] for e in report[1]["errors"]] == ["desa_code"]
    assert [e["field"] for e in report[3]["errors"]] == ["file"]
    assert [d["_id"] for d in documents] == ["P332501200102", "P332501200103"]
    assert documents[0]["kabupaten_code"] == "33.25"
    assert taken == {"P332501200101", "P332501200102", "P332501200103"}


def test_a_registration_number_repeated_in_the_file_is_rejected_naming_the_first_row():
    rows = parse("registration_number,name,desa_code\nA-1,Mawar,33.25.01.2001\n"
                 "A-1,Mawar Dua,33.25.01.2001\n")
    report, documents = plan(rows, DESA.get, {}, set())
    assert report[1]["status"] == "rejected"
    assert report[1]["errors"] == [{"field": "registration_number",
                                    "message": "nomor registrasi sama dengan baris 2"}]
    assert len(documents) == 1


def test_an_update_keeps_stored_values_for_columns_left_out_or_blank():
    rows = parse("registration_number,name,desa_code,ilp,kader\nREG-001,,33.25.01.2001,,Ani\n")
    report, documents = plan(rows, DESA.get, {"REG-001": STORED}, set())
    assert report == [{"row": 2, "registration_number": "REG-001", "status": "updated",
                       "id": "P332501200101", "errors": []}]
    [document] = documents
    assert document["_id"] == "P332501200101"
    assert (document["name"], document["ilp"], document["six_spm"], document["kader"]) == (
        "Posyandu Mawar", True, True, ["Ani"])


def test_an_update_is_checked_like_any_row():
    rows = parse("registration_number,name,desa_code,active\nREG-001,Mawar,33.25.01.2001,mungkin\n")
    report, documents = plan(rows, DESA.get, {"REG-001": STORED}, set())
    assert report[0]["status"] == "rejected" and documents == []
    assert [e["field"] for e in report[0]["errors"]] == ["active"]
