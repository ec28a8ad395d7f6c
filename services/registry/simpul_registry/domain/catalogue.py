"""Labels, ILP clusters and follow-up norms of the 29 SPM service types; an admin edits them,
the codes themselves are fixed by PP 2/2018."""
from simpul_common.catalogue import ILP_CLUSTERS, SERVICE_TYPES, spm_area_of

from .checks import only

AREA_LABELS = {
    "pendidikan": ("Pendidikan", "Education"),
    "kesehatan": ("Kesehatan", "Health"),
    "pekerjaan_umum": ("Pekerjaan Umum", "Public works"),
    "perumahan": ("Perumahan Rakyat", "Public housing"),
    "trantibumlinmas": ("Ketenteraman, Ketertiban Umum dan Perlindungan Masyarakat",
                        "Public order and community protection"),
    "sosial": ("Sosial", "Social affairs"),
}

TYPE_LABELS = {
    "pendidikan.paud": ("Pendidikan anak usia dini", "Early childhood education"),
    "pendidikan.dasar": ("Pendidikan dasar", "Basic education"),
    "pendidikan.kesetaraan": ("Pendidikan kesetaraan", "Equivalency education"),
    "kesehatan.ibu_hamil": ("Pelayanan kesehatan ibu hamil", "Antenatal care"),
    "kesehatan.ibu_bersalin": ("Pelayanan kesehatan ibu bersalin", "Delivery care"),
    "kesehatan.bayi_baru_lahir": ("Pelayanan kesehatan bayi baru lahir", "Newborn care"),
    "kesehatan.balita": ("Pelayanan kesehatan balita", "Under-five child health"),
    "kesehatan.usia_pendidikan_dasar": ("Pelayanan kesehatan usia pendidikan dasar",
                                        "School-age health"),
    "kesehatan.usia_produktif": ("Pelayanan kesehatan usia produktif", "Productive-age health"),
    "kesehatan.usia_lanjut": ("Pelayanan kesehatan usia lanjut", "Elderly health"),
    "kesehatan.hipertensi": ("Pelayanan kesehatan penderita hipertensi", "Hypertension care"),
    "kesehatan.diabetes_melitus": ("Pelayanan kesehatan penderita diabetes melitus",
                                   "Diabetes care"),
    "kesehatan.odgj_berat": ("Pelayanan kesehatan orang dengan gangguan jiwa berat",
                             "Severe mental illness care"),
    "kesehatan.terduga_tb": ("Pelayanan kesehatan orang terduga tuberkulosis",
                             "Presumptive tuberculosis care"),
    "kesehatan.risiko_hiv": ("Pelayanan kesehatan orang dengan risiko terinfeksi HIV",
                             "HIV risk care"),
    "pekerjaan_umum.air_minum": ("Pemenuhan kebutuhan pokok air minum sehari-hari",
                                 "Daily drinking water"),
    "pekerjaan_umum.air_limbah": ("Penyediaan pelayanan pengolahan air limbah domestik",
                                  "Domestic wastewater treatment"),
    "perumahan.korban_bencana": ("Penyediaan dan rehabilitasi rumah layak huni bagi korban bencana",
                                 "Housing for disaster victims"),
    "perumahan.relokasi": ("Fasilitasi penyediaan rumah layak huni bagi yang terkena relokasi",
                           "Housing for relocated households"),
    "trantibumlinmas.ketertiban_umum": ("Pelayanan ketenteraman dan ketertiban umum",
                                        "Public order"),
    "trantibumlinmas.informasi_rawan_bencana": ("Pelayanan informasi rawan bencana",
                                                "Disaster risk information"),
    "trantibumlinmas.pencegahan_kesiapsiagaan_bencana": (
        "Pelayanan pencegahan dan kesiapsiagaan terhadap bencana",
        "Disaster prevention and preparedness"),
    "trantibumlinmas.penyelamatan_bencana": ("Pelayanan penyelamatan dan evakuasi korban bencana",
                                             "Disaster rescue and evacuation"),
    "trantibumlinmas.penyelamatan_kebakaran": (
        "Pelayanan penyelamatan dan evakuasi korban kebakaran", "Fire rescue and evacuation"),
    "sosial.disabilitas_terlantar": ("Rehabilitasi sosial penyandang disabilitas terlantar",
                                     "Neglected persons with disabilities"),
    "sosial.anak_terlantar": ("Rehabilitasi sosial anak terlantar", "Neglected children"),
    "sosial.lansia_terlantar": ("Rehabilitasi sosial lanjut usia terlantar", "Neglected elderly"),
    "sosial.gelandangan_pengemis": ("Rehabilitasi sosial gelandangan dan pengemis",
                                    "Homeless people and beggars"),
    "sosial.korban_bencana": ("Perlindungan dan jaminan sosial korban bencana",
                              "Social protection for disaster victims"),
}

# SP4N-LAPOR! norms: acknowledge within 3 working days, follow up within 5. Life-threatening
# situations are acknowledged and acted upon the next working day.
URGENT = {"trantibumlinmas.penyelamatan_bencana", "trantibumlinmas.penyelamatan_kebakaran",
          "kesehatan.ibu_bersalin", "kesehatan.odgj_berat"}


def service_type_entries() -> list[dict]:
    entries = []
    for code in SERVICE_TYPES:
        area = spm_area_of(code)
        urgent = code in URGENT
        entries.append({
            "_id": code, "spm_area": area,
            "label_id": TYPE_LABELS[code][0], "label_en": TYPE_LABELS[code][1],
            "area_label_id": AREA_LABELS[area][0], "area_label_en": AREA_LABELS[area][1],
            "ilp_cluster": ILP_CLUSTERS.get(code),
            "acknowledge_working_days": 1 if urgent else 3,
            "follow_up_working_days": 1 if urgent else 5,
            "resolve_days": 60,
        })
    return entries


EDITABLE = {"label_id", "label_en", "ilp_cluster", "acknowledge_working_days",
            "follow_up_working_days", "resolve_days"}


def edited(current: dict, changes: dict) -> dict:
    """The service type after an admin's `changes`, or `Rejected` naming every bad field."""
    problems = only(changes, EDITABLE)
    merged = {**current, **{k: v for k, v in changes.items() if k in EDITABLE}}
    for field in ("label_id", "label_en"):
        if field in changes:
            merged[field] = problems.text(changes, field, 2, 200)
    if "ilp_cluster" in changes:
        cluster = changes["ilp_cluster"]
        if cluster is not None and current["spm_area"] != "kesehatan":
            problems.add("ilp_cluster", "klaster ILP hanya untuk layanan kesehatan")
        elif cluster is not None and (not isinstance(cluster, str) or
                                      cluster not in set(ILP_CLUSTERS.values())):
            problems.add("ilp_cluster", "harus ibu_anak, usia_dewasa_lansia atau penyakit_menular")
    limits = {"acknowledge_working_days": 30, "follow_up_working_days": 60, "resolve_days": 365}
    for field, high in limits.items():
        if field in changes:
            problems.number(changes, field, 1, high)
    if problems.ok("acknowledge_working_days") and problems.ok("follow_up_working_days") and \
            merged["follow_up_working_days"] < merged["acknowledge_working_days"]:
        problems.add("follow_up_working_days", "tidak boleh lebih pendek dari batas tanggapan")
    problems.raise_if_any()
    return merged
