"""The open-loop load generator: POSTs reports to the gateway at an offered rate, as many kader
apps would, in a process of its own (so its CPU never skews the observer's clock).

Open loop: report i is due at `start + i / rate` whatever happened to the ones before, and its
latency counts from that instant, not from when a busy client got round to it (no coordinated
omission). In-flight requests are bounded; each has a timeout; the step is bounded in time.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass

import httpx

KINDS = (("service_need", 70), ("complaint", 22), ("aspiration", 8))
NAMES = ("Ayu", "Bima", "Citra", "Dimas", "Eka", "Fajar", "Gita", "Hana", "Intan", "Joko")
NEEDS = ("{nama} (RT {rt}) membutuhkan layanan {label}; mohon tindak lanjut dari dinas terkait",
         "Keluarga {nama} di RW {rw} belum mendapat layanan {label} sejak {hari} hari lalu",
         "Kader mencatat kebutuhan {label} untuk warga bernama {nama}, RT {rt}/RW {rw}")
TIMEOUT_S = 10.0
MAX_IN_FLIGHT = 256


@dataclass(frozen=True)
class Place:
    desa_code: str
    posyandu_id: str


def nik_for(desa_code: str, rng: random.Random) -> str:
    """A well-formed NIK of the desa's kecamatan: region, birth date (women +40), serial."""
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    return (desa_code.replace(".", "")[:6] + f"{day:02d}{rng.randint(1, 12):02d}"
            f"{rng.randint(50, 99):02d}{rng.randint(1, 9999):04d}")


def reports(places: list[Place], types: list[str], count: int, seed: int) -> list[dict]:
    """`count` realistic report bodies: Posyandu of both regions, every service type, most of
    them with a citizen (NIK and phone, which the gateway seals)."""
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        place = rng.choice(places)
        service_type = rng.choice(types)
        text = rng.choice(NEEDS).format(nama=rng.choice(NAMES), rt=f"{rng.randint(1, 12):02d}",
                                        rw=f"{rng.randint(1, 8):02d}", hari=rng.randint(2, 30),
                                        label=service_type.split(".", 1)[1].replace("_", " "))
        body = {"desa_code": place.desa_code, "posyandu_id": place.posyandu_id,
                "service_type": service_type, "description": text,
                "kind": rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]}
        if rng.random() < 0.7:
            body["citizen"] = {"name": rng.choice(NAMES), "nik": nik_for(place.desa_code, rng),
                               "phone": f"08{rng.randint(10 ** 9, 10 ** 10 - 1)}"}
        bodies.append(body)
    return bodies


def drive(urls: list[str], token: str, items: list[tuple[str, dict]], rate: float) -> list[tuple]:
    """POST every (idempotency key, body) at `rate` per second, round-robin over the gateways
    in `urls`; one (key, due, answered, status) per report, times as `time.time()`."""
    return asyncio.run(_drive(urls, token, items, rate))


async def _drive(urls, token, items, rate):
    limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT)
    headers = {"Authorization": f"Bearer {token}"}
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)
    async with httpx.AsyncClient(limits=limits, timeout=TIMEOUT_S, headers=headers) as client:
        start = time.time() + 0.2
        tasks = []
        for index, (key, body) in enumerate(items):
            due = start + index / rate
            await asyncio.sleep(max(0.0, due - time.time()))
            url = urls[index % len(urls)] + "/api/v1/reports"
            tasks.append(asyncio.create_task(_post(client, gate, url, key, body, due)))
        return await asyncio.gather(*tasks)


async def _post(client, gate, url, key, body, due):
    async with gate:
        try:
            response = await client.post(url, json=body, headers={"Idempotency-Key": key})
            status = response.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
    return key, due, time.time(), status
