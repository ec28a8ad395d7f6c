"""What a person reads: one template per kind of notification, in Bahasa Indonesia with an
English alternative. Texts name the case by its service type, desa code and OPD, and link to
it; they never contain a citizen's personal data (events carry none to put in)."""
from string import Template

KINDS = ("new_case", "due_soon", "escalated", "resolved", "reopened", "triage", "status")
LANGUAGES = ("id", "en")
TARGET_LABELS = {"opd_head": ("Kepala OPD", "the OPD head"), "tph": ("TPH", "the TPH"),
                 "sekda": ("Sekretaris Daerah", "the Regional Secretary")}
DEADLINE_LABELS = {"acknowledge": ("tanggapan", "acknowledgement"),
                   "resolve": ("tindak lanjut", "follow-up"),
                   "triage": ("penugasan oleh TPH", "assignment by the TPH")}
STATUS_LABELS = {
    "routed": ("diteruskan ke OPD", "forwarded to the agency"),
    "unroutable": ("menunggu penugasan TPH", "awaiting assignment by the TPH"),
    "rejected": ("dikembalikan ke TPH", "returned to the TPH"),
    "acknowledged": ("diterima OPD", "acknowledged by the agency"),
    "in_progress": ("sedang ditangani", "in progress"),
    "resolved": ("selesai ditangani, menunggu konfirmasi", "resolved, awaiting confirmation"),
    "reopened": ("dibuka kembali", "reopened"),
    "closed": ("ditutup", "closed"),
    "linked": ("digabung dengan kasus yang masih terbuka", "joined to an open case"),
}

_T = {
    "new_case": {
        "id": ("Kasus baru: $service_type di $desa_code",
               "Kasus baru dari Posyandu $posyandu_id untuk $opd_name: $service_type "
               "($kind) di desa/kelurahan $desa_code. Batas tindak lanjut: $due.\n$url"),
        "en": ("New case: $service_type in $desa_code",
               "A new case from Posyandu $posyandu_id for $opd_name: $service_type ($kind) in "
               "desa/kelurahan $desa_code. Follow-up due: $due.\n$url"),
    },
    "due_soon": {
        "id": ("Segera jatuh tempo: $service_type di $desa_code",
               "Batas $deadline_id kasus $service_type di $desa_code berakhir $due. "
               "Mohon segera ditindaklanjuti.\n$url"),
        "en": ("Due soon: $service_type in $desa_code",
               "The $deadline_en deadline of the $service_type case in $desa_code ends $due. "
               "Please act on it.\n$url"),
    },
    "escalated": {
        "id": ("Eskalasi tingkat $level ($target_id): $service_type di $desa_code",
               "Kasus $service_type di $desa_code melewati batas $deadline_id ($overdue_since) "
               "dan dieskalasi ke $target_id.\n$url"),
        "en": ("Escalation level $level ($target_en): $service_type in $desa_code",
               "The $service_type case in $desa_code missed its $deadline_en deadline "
               "($overdue_since) and is escalated to $target_en.\n$url"),
    },
    "resolved": {
        "id": ("Selesai ditangani, mohon konfirmasi: $service_type",
               "$opd_name menyelesaikan kasus $service_type di $desa_code. Mohon konfirmasi "
               "ke warga, lalu konfirmasi atau buka kembali kasusnya.\n$url"),
        "en": ("Resolved, please confirm: $service_type",
               "$opd_name resolved the $service_type case in $desa_code. Please check with the "
               "citizen, then confirm or reopen the case.\n$url"),
    },
    "reopened": {
        "id": ("Kasus dibuka kembali: $service_type di $desa_code",
               "Kader membuka kembali kasus $service_type di $desa_code; kasus kembali ke "
               "$opd_name. Batas tindak lanjut baru: $due.\n$url"),
        "en": ("Case reopened: $service_type in $desa_code",
               "The kader reopened the $service_type case in $desa_code; it is back with "
               "$opd_name. New follow-up deadline: $due.\n$url"),
    },
    "triage": {
        "id": ("Perlu penugasan TPH: $service_type di $desa_code",
               "Kasus $service_type di $desa_code $status_id. Mohon tugaskan ke OPD yang "
               "tepat.\n$url"),
        "en": ("TPH assignment needed: $service_type in $desa_code",
               "The $service_type case in $desa_code is $status_en. Please assign it to the "
               "right agency.\n$url"),
    },
    "status": {
        "id": ("Status laporan: $status_id", "Laporan $service_type di $desa_code: $status_id."),
        "en": ("Report status: $status_en", "Report $service_type in $desa_code: $status_en."),
    },
}


def render(kind: str, facts: dict, language: str = "id") -> tuple[str, str]:
    """(subject, body) of `kind` in `language`, from the notification's facts."""
    values = {k: ("-" if v is None else v) for k, v in facts.items()}
    values.update(_labels(facts))
    subject, body = _T[kind][language]
    return Template(subject).safe_substitute(values), Template(body).safe_substitute(values)


def bilingual(kind: str, facts: dict) -> tuple[str, str]:
    """An e-mail: the Indonesian text, then the English one."""
    subject_id, body_id = render(kind, facts, "id")
    _, body_en = render(kind, facts, "en")
    return subject_id, f"{body_id}\n\n— English —\n{body_en}\n\n-- \nSimpul: Posyandu, pintu layanan SPM"


def _labels(facts: dict) -> dict:
    labels = {}
    for source, table in (("target", TARGET_LABELS), ("deadline", DEADLINE_LABELS),
                          ("status", STATUS_LABELS)):
        pair = table.get(facts.get(source) or "")
        if pair:
            labels[f"{source}_id"], labels[f"{source}_en"] = pair
    return labels
