"""simpul-demo-load: realistic activity for a running Simpul, through its HTTP API only.

Files reports at Posyandu of Kabupaten Batang (33.25) and Kota Batam (21.71) — single
reports, multi-need visits of one household, a few duplicates of a household's open case —
then, signed in as the demo users of each kabupaten/kota (docs/security.md, password
`--password`), follows the cases up: the OPD officers acknowledge, work on and resolve most of
them, reject a few that the TPH then assigns to a fitting OPD, and the kader of the demo
Posyandu confirms or reopens what was resolved there; some cases stay open, so a backlog
exists. The demo kader files what is filed at their Posyandu; the demo admin files the rest,
standing in for the kader of the other Posyandu, who have no demo users.

Every choice comes from `--seed`, every report carries an `Idempotency-Key` derived from the
seed, the number of reports and its index, and every case follows a plan derived from the
same: running the command again with the same arguments files nothing twice and makes no move
twice (it only finishes what a previous run left undone).
"""
import argparse
import datetime as dt
import email.utils
import os
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Optional

import httpx

from simpul_common.progress import Progress
from simpul_registry.domain.demo import DEMO_PASSWORD, OPD_TEMPLATES, PLACES

DEFAULT_URL = "http://127.0.0.1:8000"
KABUPATEN = {"33.25": "Kab. Batang", "21.71": "Kota Batam"}
SHARE = {"33.25": 2, "21.71": 1}            # Batang : Batam
TIMEOUT = 15.0
RATE_LIMITED_TRIES = 20   # sent this often while the answer is 429 (after its Retry-After)
CLOCK_TOLERANCE = dt.timedelta(seconds=2)   # what an HTTP `Date` header can say about a clock
POSYANDU_PAGES = 3                          # pages of 200 Posyandu sampled per kabupaten/kota
VISIT_SHARE, DUPLICATE_SHARE, KADER_SHARE, HOUSEHOLD_SHARE = 0.15, 0.05, 0.12, 0.5
KINDS = (("service_need", 70), ("complaint", 22), ("aspiration", 8))
# follow-up mix, per routed case
REJECT, ACKNOWLEDGE, RESOLVE = 0.03, 0.85, 0.70
START, UPDATE, BY_HEAD, EVIDENCE = 0.5, 0.3, 0.1, 0.4
KADER_REOPEN, KADER_CONFIRM, CONFIRM_AFTER_REOPEN = 0.5, 0.4, 0.5   # of the kader's resolved cases
MOVES = frozenset({"acknowledge", "start", "update", "resolve", "reject", "transfer", "assign",
                   "confirm", "reopen"})

# --- what people say -------------------------------------------------------------------------

WEIGHTS = {   # health first, as at a Posyandu table; every other type weighs 1
    "kesehatan.balita": 14, "kesehatan.ibu_hamil": 10, "kesehatan.usia_lanjut": 8,
    "kesehatan.hipertensi": 8, "kesehatan.diabetes_melitus": 4, "kesehatan.bayi_baru_lahir": 4,
    "kesehatan.ibu_bersalin": 3, "kesehatan.terduga_tb": 3, "kesehatan.usia_pendidikan_dasar": 3,
    "kesehatan.usia_produktif": 3, "kesehatan.odgj_berat": 2,
    "pendidikan.paud": 3, "pendidikan.dasar": 3, "pekerjaan_umum.air_minum": 4,
    "pekerjaan_umum.air_limbah": 3, "sosial.lansia_terlantar": 3, "sosial.disabilitas_terlantar": 2,
    "sosial.anak_terlantar": 2, "trantibumlinmas.ketertiban_umum": 2,
}

TEMPLATES = {
    "kesehatan.balita": (
        "Balita {nama} belum mendapat imunisasi campak",
        "Balita {nama} ({bulan} bulan) berat badannya tidak naik tiga bulan berturut-turut",
        "Balita di RT {rt} belum pernah ditimbang sejak lahir",
        "Balita {nama} diare sejak {hari} hari dan terlihat lemas",
        "Balita {nama} tampak gizi kurang, perlu diperiksa tenaga kesehatan"),
    "kesehatan.ibu_hamil": (
        "Ibu hamil {hamil} bulan di RT {rt} belum pernah periksa kehamilan",
        "Ibu hamil pucat dan lemas, belum mendapat tablet tambah darah",
        "Ibu hamil risiko tinggi perlu pendampingan periksa ke Puskesmas"),
    "kesehatan.ibu_bersalin": (
        "Ibu hamil tua belum punya rencana bersalin di fasilitas kesehatan",
        "Ibu melahirkan di rumah tanpa bidan, perlu kunjungan nifas"),
    "kesehatan.bayi_baru_lahir": (
        "Bayi baru lahir belum mendapat kunjungan neonatal",
        "Bayi usia dua minggu kuning dan malas menyusu",
        "Bayi baru lahir belum mendapat imunisasi HB0"),
    "kesehatan.usia_pendidikan_dasar": (
        "Anak SD kelas {kelas} belum mendapat penjaringan kesehatan sekolah",
        "Beberapa murid SD di RW {rw} sakit gigi dan belum pernah diperiksa"),
    "kesehatan.usia_produktif": (
        "Warga usia produktif di RT {rt} minta skrining gula darah dan kolesterol",
        "Buruh pabrik minta pemeriksaan kesehatan berkala di desa"),
    "kesehatan.usia_lanjut": (
        "Lansia {lansia} tahun belum pernah skrining kesehatan",
        "Lansia di RT {rt} sulit datang ke Posbindu, minta kunjungan rumah",
        "Lansia {nama} sering pusing dan pernah jatuh, perlu pemeriksaan"),
    "kesehatan.hipertensi": (
        "Warga dengan tekanan darah tinggi putus obat sejak {hari} hari",
        "Tensi lansia {nama} 180/100 saat Posyandu, belum berobat",
        "Penderita hipertensi minta kontrol rutin di Puskesmas pembantu"),
    "kesehatan.diabetes_melitus": (
        "Penderita kencing manis di RT {rt} kehabisan obat dan belum kontrol",
        "Gula darah warga tinggi saat skrining Posbindu, perlu rujukan",
        "Luka di kaki penderita kencing manis tidak kunjung sembuh"),
    "kesehatan.odgj_berat": (
        "Warga dengan gangguan jiwa berat putus obat dan gelisah",
        "Keluarga minta pendampingan untuk anggota keluarga dengan gangguan jiwa"),
    "kesehatan.terduga_tb": (
        "Warga batuk lebih dari dua minggu, belum diperiksa dahak",
        "Kontak serumah penderita TBC belum diskrining",
        "Penderita TBC berhenti minum obat sebelum enam bulan"),
    "kesehatan.risiko_hiv": (
        "Ibu hamil belum mendapat tes HIV",
        "Warga berisiko minta tes HIV secara rahasia"),
    "pendidikan.paud": (
        "Anak usia {paud} tahun di RT {rt} belum ikut PAUD",
        "Orang tua tidak mampu membayar iuran PAUD"),
    "pendidikan.dasar": (
        "Anak {nama} putus sekolah di kelas {kelas} karena membantu orang tua",
        "Anak usia SD belum terdaftar sekolah karena belum punya akta kelahiran",
        "Atap ruang kelas SD di RW {rw} bocor saat hujan"),
    "pendidikan.kesetaraan": (
        "Remaja putus sekolah ingin ikut Paket B",
        "Warga dewasa minta kelas Paket C di desa"),
    "pekerjaan_umum.air_minum": (
        "Sumur warga di RT {rt} keruh sejak {minggu} minggu",
        "Air PDAM tidak mengalir ke RW {rw} sejak {hari} hari",
        "{kk} KK di RT {rt} belum punya akses air bersih"),
    "pekerjaan_umum.air_limbah": (
        "{kk} rumah di RT {rt} belum punya jamban sehat",
        "Saluran limbah rumah tangga meluap ke jalan di RW {rw}",
        "Tangki septik komunal penuh dan berbau"),
    "perumahan.korban_bencana": (
        "Rumah warga di RT {rt} rusak berat akibat angin kencang",
        "Rumah korban banjir di RW {rw} perlu diperbaiki"),
    "perumahan.relokasi": (
        "Warga di bantaran sungai RT {rt} menanyakan kejelasan relokasi",
        "Rumah di lereng rawan longsor perlu dipindahkan"),
    "trantibumlinmas.ketertiban_umum": (
        "Balap liar setiap malam di jalan desa RW {rw}",
        "Pedagang menutup jalan masuk gang RT {rt}"),
    "trantibumlinmas.informasi_rawan_bencana": (
        "Warga belum tahu jalur evakuasi banjir di RW {rw}",
        "Papan peringatan rawan longsor di tebing desa belum dipasang"),
    "trantibumlinmas.pencegahan_kesiapsiagaan_bencana": (
        "Tanggul sungai di RT {rt} retak, warga khawatir banjir",
        "Desa minta pelatihan siaga bencana untuk kader"),
    "trantibumlinmas.penyelamatan_bencana": (
        "Pohon tumbang menutup jalan RW {rw} setelah hujan deras",
        "Warga RT {rt} terisolasi banjir dan perlu dievakuasi"),
    "trantibumlinmas.penyelamatan_kebakaran": (
        "Hidran di pasar desa tidak berfungsi",
        "Kabel listrik rumah padat di RT {rt} semrawut dan rawan kebakaran",
        "Sarang tawon besar di rumah warga RT {rt} perlu dievakuasi"),
    "sosial.disabilitas_terlantar": (
        "Penyandang disabilitas di RT {rt} tidak punya kursi roda",
        "Warga disabilitas tinggal sendiri tanpa pendamping"),
    "sosial.anak_terlantar": (
        "Anak {nama} ditinggal orang tua bekerja ke luar kota, diasuh tetangga",
        "Anak usia {anak} tahun sering tidak makan dan tidak sekolah"),
    "sosial.lansia_terlantar": (
        "Lansia tinggal sendiri tanpa pendamping",
        "Lansia {lansia} tahun tidak punya keluarga dan kesulitan makan",
        "Lansia di RT {rt} belum menerima bantuan sosial"),
    "sosial.gelandangan_pengemis": (
        "Ada anak mengemis di perempatan jalan desa",
        "Gelandangan tidur di teras balai desa"),
    "sosial.korban_bencana": (
        "Keluarga korban kebakaran di RT {rt} butuh bantuan logistik",
        "Keluarga korban banjir belum menerima bantuan sembako"),
}
ASPIRATIONS = {
    "kesehatan": ("Warga mengusulkan jadwal Posbindu sore hari agar pekerja bisa datang",
                  "Kader mengusulkan timbangan digital baru untuk Posyandu"),
    "pendidikan": ("Warga mengusulkan PAUD di dusun yang jauh dari sekolah",
                   "Orang tua mengusulkan antar-jemput sekolah untuk anak di RW {rw}"),
    "pekerjaan_umum": ("Warga mengusulkan sumur bor bersama di RW {rw}",
                       "Warga mengusulkan saluran air hujan di RT {rt}"),
    "perumahan": ("Warga mengusulkan bantuan bedah rumah untuk rumah tidak layak huni",),
    "trantibumlinmas": ("Warga mengusulkan lampu jalan dan ronda malam di RT {rt}",
                        "Warga mengusulkan simulasi evakuasi bencana tiap tahun"),
    "sosial": ("Kader mengusulkan pendataan ulang lansia penerima bantuan",
               "Warga mengusulkan kegiatan rutin untuk penyandang disabilitas"),
}
COMPLAINT_TAILS = ("; sudah disampaikan ke desa tetapi belum ada tindak lanjut",
                   "; warga mengeluh belum ada petugas yang datang", "")
REPEAT_OPENINGS = ("Dilaporkan lagi oleh keluarga: ", "Keluarga kembali menanyakan: ")
NAMES = ("Ayu", "Bima", "Citra", "Dimas", "Eka", "Fajar", "Gita", "Hana", "Intan", "Joko",
         "Kirana", "Lestari", "Mega", "Nanda", "Putri", "Raka", "Sari", "Tono", "Wulan", "Yusuf")

ACK_NOTES = ("Diterima, petugas dijadwalkan berkunjung", "Sudah dicatat dan diteruskan ke petugas lapangan",
             "Diterima, akan ditindaklanjuti minggu ini")
UPDATE_NOTES = ("Kunjungan rumah dijadwalkan minggu ini", "Petugas sudah berkoordinasi dengan kepala desa",
                "Menunggu ketersediaan bahan dan petugas")
RESOLUTIONS = {
    "kesehatan": ("Petugas Puskesmas sudah kunjungan rumah dan memberi layanan",
                  "Sudah diperiksa di Puskesmas dan dijadwalkan kontrol",
                  "Layanan sudah diberikan bidan desa saat Posyandu"),
    "pendidikan": ("Anak sudah didaftarkan ke sekolah terdekat",
                   "Sekolah sudah dihubungi dan bantuan perlengkapan diberikan"),
    "pekerjaan_umum": ("Petugas sudah memeriksa dan memperbaiki saluran",
                       "Air bersih dikirim dengan tangki sambil menunggu perbaikan"),
    "perumahan": ("Rumah sudah didata untuk program bantuan perbaikan",
                  "Survei lokasi sudah dilakukan bersama pemerintah desa"),
    "trantibumlinmas": ("Petugas sudah turun ke lokasi dan menertibkan",
                        "Sosialisasi dan pemasangan rambu sudah dilakukan"),
    "sosial": ("Pendamping sosial sudah berkunjung dan bantuan diberikan",
               "Sudah didaftarkan sebagai penerima bantuan sosial"),
}
REOPEN_REASONS = ("Warga menyampaikan masalahnya belum selesai", "Petugas belum datang ke rumah warga",
                  "Layanan baru dijanjikan, belum diberikan")
CONFIRM_NOTES = ("Warga membenarkan sudah ditangani", "Sudah dicek kader saat kunjungan rumah")
OPD_NAMES = {short: name for short, name, _ in OPD_TEMPLATES}
# where a case rejected by one OPD fits better, as the TPH sees it
FITTING = {"dinkes": "dinsos", "dinsos": "dinkes", "disdik": "dinsos", "dpupr": "disperkim",
           "disperkim": "dpupr", "satpolpp": "bpbd", "bpbd": "satpolpp", "damkar": "bpbd"}


ADMIN = "admin"   # the demo's national admin: reads everything, files for Posyandu without a user


class Unreachable(Exception):
    """The gateway did not answer, or not as Simpul's gateway."""


def user(role: str, kabupaten: str, opd: Optional[str] = None) -> str:
    """The demo username of a role (docs/security.md): `tph.batang`, `kader.batam`,
    `dinkes.batang` (officer), `kepala.dinkes.batang` (head)."""
    place = PLACES[kabupaten]
    short = opd.split("/", 1)[1] if opd else None
    return {"opd_officer": f"{short}.{place}", "opd_head": f"kepala.{short}.{place}"}.get(
        role, f"{role}.{place}")


# --- the HTTP side -------------------------------------------------------------------------

class Api:
    """One `httpx.Client` per thread against the gateway; every request signed in as a demo
    user, who signs in once (and again when the token has expired). A client that behaves: a
    429 of the gateway's rate limits is waited out and sent again (docs/security.md)."""

    def __init__(self, url: str, password: str = DEMO_PASSWORD):
        self.url = url.rstrip("/")
        self.password = password
        self.local = threading.local()
        self.clients: list[httpx.Client] = []
        self.lock = threading.Lock()
        self.tokens: dict[str, str] = {}

    def client(self) -> httpx.Client:
        client = getattr(self.local, "client", None)
        if client is None:
            client = self.local.client = httpx.Client(base_url=self.url, timeout=TIMEOUT)
            with self.lock:
                self.clients.append(client)
        return client

    def sign_in(self, username: str) -> Optional[str]:
        """The token of `username`, or None when the gateway refuses the sign-in."""
        with self.lock:
            token = self.tokens.get(username)
        if token is None:
            response = self.request("POST", "/api/v1/auth/token", data={
                "username": username, "password": self.password})
            if response.status_code != 200:
                return None
            token = response.json()["access_token"]
            with self.lock:
                self.tokens[username] = token
        return token

    def send(self, method: str, path: str, who: str, headers: Optional[dict] = None,
             **kwargs) -> httpx.Response:
        """A request as `who`; an expired token is replaced once."""
        for fresh in (False, True):
            token = self.sign_in(who)
            if token is None:
                return httpx.Response(401, json={"detail": f"{who} tidak dapat masuk"})
            response = self.request(method, path, **kwargs, headers={
                **(headers or {}), "Authorization": f"Bearer {token}"})
            if response.status_code != 401 or fresh:
                return response
            with self.lock:
                self.tokens.pop(who, None)
        raise AssertionError("unreachable")

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """One request; a 429 is waited out for as long as its `Retry-After` says, and sent
        again: the gateway did nothing with it, so repeating it is always safe."""
        for attempt in range(1, RATE_LIMITED_TRIES + 1):
            response = self.client().request(method, path, **kwargs)
            if response.status_code != 429 or attempt == RATE_LIMITED_TRIES:
                return response
            time.sleep(retry_after(response))
        raise AssertionError("unreachable")

    def get(self, path: str, who: str = ADMIN, **params) -> httpx.Response:
        return self.send("GET", path, who, params=params or None)

    def post(self, path: str, body: dict, who: str, headers: Optional[dict] = None,
             retries: int = 0) -> httpx.Response:
        """POST; with `retries`, a 503 or a lost connection is tried again (only for requests
        that are safe to repeat, like a report with its idempotency key)."""
        for attempt in range(retries + 1):
            try:
                response = self.send("POST", path, who, headers=headers, json=body)
                if response.status_code != 503 or attempt == retries:
                    return response
            except httpx.TransportError:
                if attempt == retries:
                    raise
            time.sleep(0.5 * 2 ** attempt)
        raise AssertionError("unreachable")

    def close(self) -> None:
        for client in self.clients:
            client.close()


def retry_after(response: httpx.Response) -> float:
    """The seconds a 429 asks to wait: its `Retry-After` (seconds; 1 if missing or a date)."""
    value = response.headers.get("retry-after", "")
    return min(float(value), 60.0) if value.isdigit() else 1.0


def check_gateway(api: Api) -> dt.timedelta:
    """The gateway answers and Simpul is healthy; returns how far its clock is ahead of ours
    when that is clearly more than the second its `Date` header can tell, else zero."""
    try:
        response = api.client().get("/healthz")
        body = response.json()
    except httpx.TransportError as error:
        raise Unreachable(f"gateway Simpul di {api.url} tidak dapat dihubungi "
                          f"({type(error).__name__}: {error}).") from None
    except ValueError:
        raise Unreachable(f"{api.url} menjawab, tetapi bukan gateway Simpul "
                          f"(/healthz bukan JSON).") from None
    if not isinstance(body, dict) or "status" not in body:
        raise Unreachable(f"{api.url} menjawab, tetapi bukan gateway Simpul.")
    if body["status"] != "ok":
        down = [name for name in ("broker", "storage") if not body.get(name)]
        down += [name for name, ok in (body.get("services") or {}).items() if not ok]
        raise Unreachable(f"Simpul di {api.url} belum sehat: {', '.join(down) or body['status']} "
                          f"tidak menjawab.")
    if api.sign_in(ADMIN) is None:
        raise Unreachable(f"pengguna demo `{ADMIN}` tidak dapat masuk ke {api.url}: Simpul harus "
                          f"berjalan dalam mode demo (`make run`), dengan kata sandi --password.")
    stamp = response.headers.get("date")
    if not stamp:
        return dt.timedelta(0)
    ahead = email.utils.parsedate_to_datetime(stamp) - dt.datetime.now(dt.timezone.utc)
    return ahead if abs(ahead) > CLOCK_TOLERANCE else dt.timedelta(0)


def fetch_places(api: Api, kabupaten: str, rng: random.Random) -> list[dict]:
    """Active Posyandu of a kabupaten/kota: the first page and a few others, chosen by seed."""
    first = api.get("/api/v1/posyandu", kabupaten_code=kabupaten, active="true", per_page=200)
    first.raise_for_status()
    page = first.json()
    pages = max(1, -(-page["total"] // 200))
    others = rng.sample(range(2, pages + 1), min(POSYANDU_PAGES - 1, pages - 1))
    items = list(page["items"])
    for number in sorted(others):
        more = api.get("/api/v1/posyandu", kabupaten_code=kabupaten, active="true",
                       per_page=200, page=number)
        more.raise_for_status()
        items += more.json()["items"]
    return [{"posyandu_id": p["id"], "desa_code": p["desa_code"]} for p in items]


def kader_place(api: Api, kabupaten: str) -> Optional[dict]:
    """The Posyandu of the demo kader of a kabupaten/kota, where they file, confirm and reopen."""
    person = api.get("/api/v1/auth/me", who=user("kader", kabupaten))
    if person.status_code != 200 or not person.json().get("posyandu_id"):
        return None
    posyandu = api.get(f"/api/v1/posyandu/{person.json()['posyandu_id']}")
    if posyandu.status_code != 200 or not posyandu.json().get("active"):
        return None
    return {"posyandu_id": posyandu.json()["id"], "desa_code": posyandu.json()["desa_code"]}


# --- what gets filed -----------------------------------------------------------------------

@dataclass
class Need:
    service_type: str
    kind: str
    description: str


@dataclass
class Unit:
    """One POST: a single report, or a visit with several needs."""
    kabupaten: str
    place: dict
    needs: list[Need]
    household_id: Optional[str] = None
    visit: bool = False
    duplicate_of: Optional["Unit"] = None
    key: str = ""
    report_ids: list[str] = field(default_factory=list)

    def filer(self, kader: dict) -> str:
        """Who files it: the demo kader at their Posyandu, the demo admin elsewhere."""
        return user("kader", self.kabupaten) if self.place == kader.get(self.kabupaten) else ADMIN

    def body(self) -> dict:
        citizen = {"household_id": self.household_id} if self.household_id else None
        if self.visit:
            return {**self.place, "citizen": citizen,
                    "needs": [{"service_type": n.service_type, "kind": n.kind,
                               "description": n.description} for n in self.needs]}
        need = self.needs[0]
        return {**self.place, "service_type": need.service_type, "kind": need.kind,
                "description": need.description, "citizen": citizen}


class Writer:
    """Service types, kinds and descriptions, drawn from one seeded generator."""

    def __init__(self, rng: random.Random, catalogue: list[dict]):
        self.rng = rng
        self.types = [t["id"] for t in catalogue]
        self.area = {t["id"]: t["spm_area"] for t in catalogue}
        self.label = {t["id"]: t.get("label_id") or t["id"] for t in catalogue}
        self.areas = sorted(set(self.area.values()))

    def service_type(self, areas: Optional[list[str]] = None) -> str:
        choices = [t for t in self.types if areas is None or self.area[t] in areas]
        return self.rng.choices(choices, [WEIGHTS.get(t, 1) for t in choices])[0]

    def kind(self) -> str:
        return self.rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]

    def fill(self, template: str) -> str:
        r = self.rng
        return template.format(
            nama=r.choice(NAMES), rt=f"{r.randint(1, 12):02d}", rw=f"{r.randint(1, 8):02d}",
            bulan=r.randint(6, 59), hari=r.randint(2, 10), minggu=r.choice(("dua", "tiga", "empat")),
            hamil=r.randint(3, 8), lansia=r.randint(65, 88), kelas=r.randint(1, 6),
            paud=r.randint(3, 6), anak=r.randint(6, 14), kk=r.randint(3, 15))

    def need(self, service_type: str, kind: Optional[str] = None, repeat: bool = False) -> Need:
        kind = kind or self.kind()
        if kind == "aspiration" and self.area[service_type] in ASPIRATIONS:
            text = self.fill(self.rng.choice(ASPIRATIONS[self.area[service_type]]))
        else:
            templates = TEMPLATES.get(service_type) or (f"Warga membutuhkan {self.label[service_type]}",)
            text = self.fill(self.rng.choice(templates))
            if kind == "complaint":
                text += self.rng.choice(COMPLAINT_TAILS)
        if repeat:
            text = self.rng.choice(REPEAT_OPENINGS) + text[0].lower() + text[1:]
        return Need(service_type, kind, text)

    def household(self) -> str:
        return f"KK-{self.rng.randrange(10 ** 9, 10 ** 10)}"


def visit_sizes(rng: random.Random, reports: int) -> list[int]:
    sizes = []
    while reports >= 2:
        size = 3 if reports == 3 or (reports >= 5 and rng.random() < 0.4) else 2
        sizes.append(size)
        reports -= size
    return sizes


def plan_units(rng: random.Random, writer: Writer, total: int, places: dict, kader: dict,
               seed: int) -> list[Unit]:
    """Every POST of the run, in the order filed; duplicates last (they need the open case)."""
    counts = {"33.25": round(total * SHARE["33.25"] / sum(SHARE.values()))}
    counts["21.71"] = total - counts["33.25"]
    units, duplicates = [], []
    for kabupaten, count in counts.items():
        n_duplicates = round(count * DUPLICATE_SHARE)
        sizes = visit_sizes(rng, round(count * VISIT_SHARE))
        n_single = count - n_duplicates - sum(sizes)
        n_kader = round(n_single * KADER_SHARE) if kader.get(kabupaten) else 0
        # one service type per single report; every SPM area appears when there is room
        types = [writer.service_type() for _ in range(n_single)]
        for area, slot in zip([a for a in writer.areas if a not in {writer.area[t] for t in types}],
                              rng.sample(range(n_single), n_single)):
            types[slot] = writer.service_type([area])
        own = []
        for n, service_type in enumerate(types):
            place = kader[kabupaten] if n < n_kader else rng.choice(places[kabupaten])
            household = writer.household() if rng.random() < HOUSEHOLD_SHARE else None
            own.append(Unit(kabupaten, place, [writer.need(service_type)], household))
        for size in sizes:   # one household, needs in different SPM areas where possible
            needs, used = [], set()
            for _ in range(size):
                free = [a for a in writer.areas if a not in {writer.area[t] for t in used}]
                service_type = writer.service_type(free or None)
                while service_type in used:
                    service_type = writer.service_type()
                used.add(service_type)
                needs.append(writer.need(service_type, kind="service_need"))
            own.append(Unit(kabupaten, rng.choice(places[kabupaten]), needs, writer.household(),
                            visit=True))
        # the same household and service type again, while its first case is open
        originals = [u for u in own if u.household_id]
        for original in rng.sample(originals, min(n_duplicates, len(originals))):
            need = rng.choice(original.needs)
            duplicates.append(Unit(kabupaten, original.place,
                                   [writer.need(need.service_type, kind="complaint", repeat=True)],
                                   original.household_id, duplicate_of=original))
        units += own
    rng.shuffle(units)
    units += duplicates
    for index, unit in enumerate(units):
        unit.key = f"simpul-demo-load-{seed}-{total}-{index:05d}"
    return units


# --- following a case up --------------------------------------------------------------------

def fitting_opd(service_type: str, kabupaten: str) -> Optional[str]:
    """The demo OPD whose routing templates cover a service type (for unroutable cases)."""
    area = service_type.split(".", 1)[0]
    for short, _, patterns in OPD_TEMPLATES:
        if service_type in patterns or f"{area}.*" in patterns:
            return f"{kabupaten}/{short}"
    return None


def plan_case(case: dict, seed: int, key: str, kader_posyandu: Optional[str]) -> list[tuple]:
    """The moves a case will see: (action, demo username, body). Decided from the seed, the
    report's key and how routing first decided, so a later run plans the same moves."""
    first = case["history"][0]
    if first.get("action") != "route":
        return []                                   # linked to a household's open case
    rng = random.Random(f"{seed}|{key}|{case['id']}")
    kabupaten, area = case["kabupaten_code"], case["spm_area"]
    tph = user("tph", kabupaten)
    steps = []
    opd = first.get("opd_code")
    if opd and opd.split("/", 1)[-1] not in OPD_NAMES:
        return []                                   # not a demo OPD: nobody here acts for it
    if first.get("to") == "unroutable" or not opd:
        opd = fitting_opd(case["service_type"], kabupaten)
        if opd is None:
            return []
        steps.append(("assign", tph, {"opd_code": opd, "note": "Ditetapkan TPH sesuai kewenangan"}))
    elif rng.random() < REJECT and opd.split("/", 1)[1] in FITTING:
        short = opd.split("/", 1)[1]
        better = f"{kabupaten}/{FITTING[short]}"
        steps.append(("reject", user("opd_officer", kabupaten, opd),
                      {"reason": f"Bukan kewenangan {OPD_NAMES.get(short, short)}; lebih tepat "
                                 f"{OPD_NAMES.get(FITTING[short], FITTING[short])}"}))
        steps.append(("assign", tph, {"opd_code": better, "note": "Dialihkan TPH sesuai kewenangan"}))
        opd = better
    officer, head = user("opd_officer", kabupaten, opd), user("opd_head", kabupaten, opd)

    def resolve():
        body = {"resolution": rng.choice(RESOLUTIONS.get(area, RESOLUTIONS["kesehatan"]))}
        if rng.random() < EVIDENCE:
            body["evidence"] = [f"https://simpul.example/bukti/{case['id'][:8]}-{len(steps)}.jpg"]
        steps.append(("resolve", head if rng.random() < BY_HEAD else officer, body))

    if rng.random() >= ACKNOWLEDGE:
        return steps                                 # still waiting for the OPD
    steps.append(("acknowledge", officer, {"note": rng.choice(ACK_NOTES)}))
    if rng.random() < START:
        steps.append(("start", officer, {}))
    if rng.random() < UPDATE:
        steps.append(("update", officer, {"note": rng.choice(UPDATE_NOTES)}))
    if rng.random() >= RESOLVE / ACKNOWLEDGE:
        return steps                                 # being worked on
    resolve()
    if case["posyandu_id"] != kader_posyandu:
        return steps                                 # awaiting a confirmation nobody here gives
    kader, choice = user("kader", kabupaten), rng.random()
    if choice < KADER_REOPEN:
        steps.append(("reopen", kader, {"reason": rng.choice(REOPEN_REASONS)}))
        steps.append(("acknowledge", officer, {}))
        resolve()
        if rng.random() < CONFIRM_AFTER_REOPEN:
            steps.append(("confirm", kader, {"note": rng.choice(CONFIRM_NOTES)}))
    elif choice < KADER_REOPEN + KADER_CONFIRM:
        steps.append(("confirm", kader, {"note": rng.choice(CONFIRM_NOTES)}))
    return steps


def moves_made(case: dict) -> list[str]:
    return [h["action"] for h in case.get("history") or [] if h.get("action") in MOVES]


@dataclass
class Outcome:
    case: Optional[dict] = None
    done: list[str] = field(default_factory=list)     # moves this run made
    problem: Optional[str] = None


def follow(api: Api, case: dict, plan: list[tuple]) -> Outcome:
    """Makes the planned moves a case has not seen yet; stops when someone else moved it."""
    outcome = Outcome(case)
    conflicts = 0
    while True:
        made = moves_made(case)
        if made != [step[0] for step in plan[:len(made)]]:
            return outcome                           # moved by someone else: leave it
        if len(made) == len(plan):
            return outcome
        action, who, body = plan[len(made)]
        try:
            response = api.post(f"/api/v1/cases/{case['id']}/{action}", body, who)
        except httpx.TransportError as error:
            outcome.problem = f"{action} {case['id']}: {type(error).__name__}"
            return outcome
        if response.status_code == 200:
            case = outcome.case = response.json()
            outcome.done.append(action)
            continue
        if response.status_code == 409 and conflicts < 3:   # a sweep or a race: look again
            conflicts += 1
            again = api.get(f"/api/v1/cases/{case['id']}")
            if again.status_code == 200:
                case = outcome.case = again.json()
                if action in case.get("allowed_actions", []) or moves_made(case) != made:
                    continue
            return outcome                           # the case moved on (e.g. deemed closed)
        outcome.problem = f"{action} {case['id']} sebagai {who}: {response.status_code} {response.text[:200]}"
        return outcome


class Patience:
    """How long to wait for cases: a report waits until no new case has appeared for
    `seconds` (counted from when it began waiting) — a slow system gets the time it needs;
    once one report was given up on, the others are looked at once, not waited for."""

    def __init__(self, seconds: float):
        self.seconds, self.last, self.given_up = seconds, time.monotonic(), False

    def seen(self) -> None:
        self.last, self.given_up = time.monotonic(), False

    def exhausted(self, since: float) -> bool:
        if not self.given_up and time.monotonic() - max(self.last, since) > self.seconds:
            self.given_up = True
        return self.given_up


def wait_case(api: Api, case_id: str, patience: Patience) -> Optional[dict]:
    """The case of a report, once routing made it; polled gently, so a busy system is not
    slowed down further by the asking."""
    pause, since = 0.2, time.monotonic()
    while True:
        try:
            response = api.get(f"/api/v1/cases/{case_id}")
            if response.status_code == 200:
                patience.seen()
                return response.json()
        except httpx.TransportError:
            pass
        if patience.exhausted(since):
            return None
        time.sleep(pause)
        pause = min(pause * 1.5, 1.0)


# --- the run --------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="simpul-demo-load",
        description="Mengisi Simpul yang sedang berjalan dengan aktivitas realistis (laporan, "
                    "kunjungan, duplikat, tindak lanjut kasus) untuk Kab. Batang dan Kota Batam, "
                    "hanya lewat API HTTP.")
    parser.add_argument("--url", default=os.environ.get("SIMPUL_URL", DEFAULT_URL),
                        help=f"alamat gateway (bawaan: $SIMPUL_URL atau {DEFAULT_URL})")
    parser.add_argument("--reports", type=int, default=400, help="jumlah laporan (bawaan 400)")
    parser.add_argument("--seed", type=int, default=2026, help="benih acak (bawaan 2026)")
    parser.add_argument("--concurrency", type=int, default=8, help="permintaan paralel (bawaan 8)")
    parser.add_argument("--password", default=DEMO_PASSWORD,
                        help=f"kata sandi pengguna demo (bawaan {DEMO_PASSWORD})")
    parser.add_argument("--no-followup", action="store_true",
                        help="hanya mengirim laporan, tanpa tindak lanjut kasus")
    parser.add_argument("--wait", type=float, default=60.0,
                        help="berhenti menunggu kasus bila selama sekian detik tidak ada kasus "
                             "baru yang muncul (bawaan 60)")
    args = parser.parse_args(argv)
    if args.reports < 1 or args.concurrency < 1:
        parser.error("--reports dan --concurrency harus minimal 1")
    return args


def run(args: argparse.Namespace, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    started = time.monotonic()
    api = Api(args.url, args.password)
    try:
        ahead = check_gateway(api)
        rng = random.Random(args.seed)
        catalogue = api.get("/api/v1/service-types")
        catalogue.raise_for_status()
        writer = Writer(rng, catalogue.json())
        places = {k: fetch_places(api, k, rng) for k in KABUPATEN}
        empty = [k for k, found in places.items() if not found]
        if empty:
            raise Unreachable(f"tidak ada Posyandu aktif untuk {', '.join(empty)}: data demo belum "
                              f"dimuat (jalankan `make run`).")
        kader = {k: kader_place(api, k) for k in KABUPATEN}
        units = plan_units(rng, writer, args.reports, places, kader, args.seed)
    except httpx.TransportError as error:
        return fail(err, f"gateway Simpul di {args.url} tidak dapat dihubungi "
                         f"({type(error).__name__}: {error}).")
    except (Unreachable, httpx.HTTPStatusError) as error:
        return fail(err, str(error))

    followup = "tanpa tindak lanjut" if args.no_followup else "dengan tindak lanjut"
    out.write(f"simpul-demo-load: {args.reports} laporan ke {api.url} (seed {args.seed}, "
              f"{args.concurrency} paralel, {followup})\n")
    out.flush()
    problems: list[str] = []
    # a case routed from now on (by the server's clock) is one this run filed
    filing_started = dt.datetime.now(dt.timezone.utc) + ahead
    pool = ThreadPoolExecutor(max_workers=args.concurrency)
    try:
        filed = file_all(api, pool, units, args, kader, problems, err)
        if filed:
            outcomes = follow_all(api, pool, units, args, kader, problems, err)
        pool.shutdown()
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        err.write("\n")
        return fail(err, "dihentikan; menjalankan lagi dengan seed yang sama melanjutkan tanpa "
                         "mengirim ulang.", code=130)
    finally:
        api.close()
    if not filed:
        return fail(err, problems[0] if problems else "laporan tidak terkirim.")
    summary(out, units, outcomes, filing_started, args, time.monotonic() - started)
    for problem in problems[:10]:
        err.write(f"  ! {problem}\n")
    if problems:
        return fail(err, f"{len(problems)} masalah (lihat di atas); yang lain sudah dimuat.")
    return 0


def fail(err, message: str, code: int = 1) -> int:
    err.write(f"Gagal: {message}\n")
    if "tidak dapat dihubungi" in message:
        err.write("Jalankan Simpul dulu (`make run`), atau tunjuk gateway lain dengan --url atau "
                  "SIMPUL_URL.\n")
    return code


def file_all(api: Api, pool: ThreadPoolExecutor, units: list[Unit], args, kader, problems,
             err) -> bool:
    """POSTs every unit; duplicates once the case they repeat exists. False if nothing got in."""
    progress = Progress(args.reports, "laporan", err)

    def post(unit: Unit) -> None:
        path = "/api/v1/visits" if unit.visit else "/api/v1/reports"
        try:
            response = api.post(path, unit.body(), unit.filer(kader),
                                headers={"Idempotency-Key": unit.key}, retries=3)
        except httpx.TransportError as error:
            problems.append(f"{unit.key}: {type(error).__name__}: {error}")
        else:
            if response.status_code == 202:
                answer = response.json()
                unit.report_ids = [r["id"] for r in answer["reports"]] if unit.visit else [answer["id"]]
            else:
                problems.append(f"{unit.key}: {response.status_code} {response.text[:300]}")
        progress.advance(len(unit.needs))

    first = [u for u in units if u.duplicate_of is None]
    list(pool.map(post, first))
    # a duplicate joins an open case only once that case exists
    patience = Patience(args.wait)
    awaited = {report_id for u in units if u.duplicate_of is not None
               for report_id in u.duplicate_of.report_ids}
    list(pool.map(lambda report_id: wait_case(api, report_id, patience), sorted(awaited)))
    list(pool.map(post, [u for u in units if u.duplicate_of is not None]))
    progress.close()
    return any(u.report_ids for u in units)


def follow_all(api: Api, pool: ThreadPoolExecutor, units: list[Unit], args, kader, problems, err):
    """Waits for each report's case, then makes its planned moves (unless --no-followup)."""
    reports = [(unit, report_id) for unit in units for report_id in unit.report_ids]
    progress = Progress(len(reports), "kasus", err)
    patience = Patience(args.wait)
    kader_posyandu = {k: (p or {}).get("posyandu_id") for k, p in kader.items()}

    def one(item) -> tuple[str, Outcome]:
        unit, report_id = item
        try:
            case = wait_case(api, report_id, patience)
            if case is None:
                problems.append(f"laporan {report_id} belum menjadi kasus (tidak ada kasus baru "
                                f"selama {args.wait:.0f} s)")
                return report_id, Outcome()
            if args.no_followup:
                return report_id, Outcome(case)
            plan = plan_case(case, args.seed, unit.key, kader_posyandu.get(unit.kabupaten))
            outcome = follow(api, case, plan)
            outcome.case = outcome.case or case
            if outcome.problem:
                problems.append(outcome.problem)
            return report_id, outcome
        except httpx.TransportError as error:
            problems.append(f"kasus {report_id}: {type(error).__name__}: {error}")
            return report_id, Outcome()
        finally:
            progress.advance()

    outcomes = dict(pool.map(one, reports))
    progress.close()
    return outcomes


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


COLUMNS = ("filed", "routed", "linked", "acknowledged", "resolved", "closed", "reopened",
           "rejected", "backlog")
BACKLOG = ("routed", "unroutable", "rejected", "acknowledged", "in_progress", "reopened")


def summary(out, units: list[Unit], outcomes: dict, filing_started: dt.datetime, args,
            seconds: float) -> None:
    """Per kabupaten/kota: what this run filed and did, and where its cases stand now."""
    kabupaten_of = {rid: u.kabupaten for u in units for rid in u.report_ids}
    rows = {k: Counter() for k in KABUPATEN}
    statuses = {k: Counter() for k in KABUPATEN}
    existing = 0
    for report_id, outcome in outcomes.items():
        row, case = rows[kabupaten_of[report_id]], outcome.case
        if case is None:
            continue
        statuses[kabupaten_of[report_id]][case["status"]] += 1
        if _instant(case["routed_at"]) >= filing_started:
            row["filed"] += 1
            first = case["history"][0] if case.get("history") else {}
            row["routed"] += first.get("to") == "routed"
            row["linked"] += first.get("action") == "link"
        else:
            existing += 1
        done = set(outcome.done)
        row["acknowledged"] += "acknowledge" in done
        row["resolved"] += "resolve" in done
        row["closed"] += "confirm" in done
        row["reopened"] += "reopen" in done
        row["rejected"] += "reject" in done
        row["backlog"] += case["status"] in BACKLOG
    width = max(len(f"{k} {n}") for k, n in KABUPATEN.items())
    out.write(f"{'':{width}}  " + "  ".join(f"{c:>{max(len(c), 5)}}" for c in COLUMNS) + "\n")
    for k, name in KABUPATEN.items():
        out.write(f"{f'{k} {name}':{width}}  "
                  + "  ".join(f"{rows[k][c]:>{max(len(c), 5)}}" for c in COLUMNS) + "\n")
    out.write("(filed: laporan baru run ini; acknowledged…rejected: kasus yang digerakkan run ini; "
              "backlog: kasus yang masih di OPD atau TPH)\n")
    for k, name in KABUPATEN.items():
        now = ", ".join(f"{s} {n}" for s, n in sorted(statuses[k].items(), key=lambda x: -x[1]))
        out.write(f"status kasus {k} sekarang: {now or '-'}\n")
    sent = sum(len(u.report_ids) for u in units)
    visits = sum(1 for u in units if u.visit and u.report_ids)
    duplicates = sum(1 for u in units if u.duplicate_of is not None and u.report_ids)
    moves = sum(len(o.done) for o in outcomes.values())
    out.write(f"selesai dalam {seconds:.1f} s: {sent} laporan dikirim ({sent - existing} baru, "
              f"{existing} sudah ada dari run sebelumnya), {visits} kunjungan multi-kebutuhan, "
              f"{duplicates} laporan ulang rumah tangga, {moves} langkah tindak lanjut.\n")
    if not args.no_followup:
        out.write("lihat: GET /api/v1/cases?kabupaten_code=33.25&queue=awaiting_confirmation, "
                  "GET /api/v1/triage?kabupaten_code=33.25, "
                  "GET /api/v1/reporting/summary?region=33.25\n")
    out.flush()


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except KeyboardInterrupt:
        return fail(sys.stderr, "dihentikan.", code=130)


if __name__ == "__main__":
    sys.exit(main())
