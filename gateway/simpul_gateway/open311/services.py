"""The SPM catalogue as Open311 services (GET services, GET a service definition): one service
per service type, its code the type's code (`kesehatan.balita`), grouped by SPM area. Every
service has the same definition: the desa/kelurahan it concerns (required: a report belongs to
a desa) and the kind of report (optional: an Open311 request is a `service_need` unless the
client says otherwise). Plain functions over the registry's catalogue entries."""
from simpul_common.catalogue import REPORT_KINDS

DEFAULT_KIND = "service_need"
KIND_NAMES = {"service_need": "Kebutuhan layanan", "complaint": "Pengaduan",
              "aspiration": "Aspirasi"}
ATTRIBUTES = (
    {"variable": True, "code": "desa_code", "datatype": "string", "required": True,
     "datatype_description": "Kode Kemendagri desa/kelurahan, mis. 33.25.01.2001",
     "order": 1, "description": "Desa/kelurahan tempat warga membutuhkan layanan"},
    {"variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False,
     "datatype_description": f"Bila kosong: {DEFAULT_KIND}", "order": 2,
     "description": "Jenis laporan",
     "values": [{"key": kind, "name": KIND_NAMES[kind]} for kind in REPORT_KINDS]},
)
ATTRIBUTE_CODES = frozenset(attribute["code"] for attribute in ATTRIBUTES)


def service(entry: dict) -> dict:
    """One service of the list, from a catalogue entry (registry `service_types`)."""
    keywords = (entry["label_en"], entry["area_label_en"], entry["spm_area"], entry.get("ilp_cluster"))
    return {"service_code": entry["id"], "service_name": entry["label_id"],
            "description": f"{entry['label_id']} (SPM {entry['area_label_id']}). {notice(entry)}",
            "metadata": True, "type": "realtime",
            "keywords": ", ".join(word for word in keywords if word),
            "group": entry["area_label_id"] or entry["spm_area"]}


def definition(entry: dict) -> dict:
    return {"service_code": entry["id"], "attributes": [dict(a) for a in ATTRIBUTES]}


def notice(entry: dict) -> str:
    """What the service's norms promise (docs/case-lifecycle.md, "Deadlines in working days")."""
    return (f"Diteruskan ke OPD yang berwenang; ditanggapi dalam "
            f"{entry['acknowledge_working_days']} hari kerja dan ditindaklanjuti dalam "
            f"{entry['follow_up_working_days']} hari kerja.")
