"""End to end: `simpul-demo-load` fills the running system with reports and case follow-up
through the HTTP API only, shows its progress and what it did, and a second run with the same
seed files nothing and moves nothing (idempotency keys and plans derived from the seed)."""
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from simpul_devtools.pytest_fixtures import wait_until

COMMAND = str(Path(sys.executable).parent / "simpul-demo-load")
KABUPATEN = ("33.25", "21.71")
STATUSES = ("routed", "unroutable", "rejected", "acknowledged", "in_progress", "resolved",
            "reopened", "closed", "linked")
REPORTS, SEED = 40, 7


def load(system, *extra):
    started = time.monotonic()
    done = subprocess.run([COMMAND, "--url", system.gateway_url, "--reports", str(REPORTS),
                           "--seed", str(SEED), *extra], capture_output=True, timeout=90)
    # bytes, decoded here: text mode would turn the progress bar's "\r" into newlines
    done.stdout, done.stderr = done.stdout.decode(), done.stderr.decode()
    return done, time.monotonic() - started


def summary(stdout: str) -> dict:
    """The per-kabupaten rows and status lines of the command's summary."""
    lines = stdout.splitlines()
    columns = next(line for line in lines if "filed" in line and "acknowledged" in line).split()
    rows, statuses = {}, {}
    for line in lines:
        for code in KABUPATEN:
            if line.startswith(f"{code} "):
                rows[code] = dict(zip(columns, map(int, line.split()[-len(columns):])))
            if line.startswith(f"status kasus {code} sekarang:"):
                statuses[code] = Counter({s: int(n) for s, n in
                                          re.findall(r"([a-z_]+) (\d+)", line.split(":", 1)[1])})
    assert set(rows) == set(statuses) == set(KABUPATEN), stdout
    return {"rows": rows, "statuses": statuses}


def case_counts(api) -> dict:
    """Cases per kabupaten/kota and status, as the API counts them."""
    def total(**params):
        response = api.get("/api/v1/cases", params={"per_page": 1, **params})
        assert response.status_code == 200, response.text
        return response.json()["total"]
    counts = {}
    for code in KABUPATEN:
        counts[code] = Counter({s: total(kabupaten_code=code, status=s) for s in STATUSES})
        counts[code]["all"] = total(kabupaten_code=code)
    return counts


def reported(api) -> dict:
    return {code: api.get("/api/v1/reporting/summary", params={"region": code}).json()["total"]
            for code in KABUPATEN}


def test_demo_load_fills_batang_and_batam_and_a_second_run_files_nothing(system, api):
    before, counted_before = case_counts(api), reported(api)

    first, seconds = load(system)
    assert first.returncode == 0, first.stdout + first.stderr
    assert seconds < 60
    assert "\r[" in first.stderr and f"{REPORTS}/{REPORTS} laporan" in first.stderr
    assert f"{REPORTS}/{REPORTS} kasus" in first.stderr and first.stderr.endswith("\n")
    assert f"{REPORTS} laporan dikirim ({REPORTS} baru, 0 sudah ada" in first.stdout
    done = summary(first.stdout)
    rows = done["rows"]
    assert rows["33.25"]["filed"] + rows["21.71"]["filed"] == REPORTS
    assert rows["33.25"]["filed"] > rows["21.71"]["filed"] > 0          # about 2 : 1
    for code in KABUPATEN:
        assert rows[code]["routed"] + rows[code]["linked"] == rows[code]["filed"]
        assert rows[code]["acknowledged"] >= rows[code]["resolved"] > 0
    assert sum(r["linked"] for r in rows.values()) >= 1                  # a household's repeat

    after = case_counts(api)
    for code in KABUPATEN:   # the API shows exactly the cases filed and the statuses reached
        assert after[code]["all"] == before[code]["all"] + rows[code]["filed"]
        grown = Counter({s: after[code][s] - before[code][s] for s in STATUSES})
        assert +grown == done["statuses"][code], (code, grown, done["statuses"][code])
    grown = sum((Counter({s: after[c][s] - before[c][s] for s in STATUSES}) for c in KABUPATEN),
                Counter())
    assert grown["resolved"] > 0 and grown["acknowledged"] + grown["in_progress"] > 0
    assert grown["routed"] > 0   # a backlog the OPD has not picked up yet

    # reporting counts every report too (and has caught up before the next tests count)
    wait_until(lambda: reported(api) == {c: counted_before[c] + rows[c]["filed"] for c in KABUPATEN},
               seconds=30, interval=0.5, what="reporting counts the demo reports")

    again, seconds = load(system)
    assert again.returncode == 0, again.stdout + again.stderr
    assert seconds < 60
    assert f"{REPORTS} laporan dikirim (0 baru, {REPORTS} sudah ada" in again.stdout
    assert "0 langkah tindak lanjut" in again.stdout
    repeated = summary(again.stdout)
    for code in KABUPATEN:
        assert repeated["rows"][code]["filed"] == 0 and repeated["rows"][code]["acknowledged"] == 0
        assert repeated["statuses"][code] == done["statuses"][code]
    assert case_counts(api) == after


def test_demo_load_says_clearly_when_the_gateway_is_not_there(tmp_path):
    from simpul_devtools.local import free_port
    done = subprocess.run([COMMAND, "--url", f"http://127.0.0.1:{free_port()}", "--reports", "5"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "tidak dapat dihubungi" in done.stderr and "make run" in done.stderr
