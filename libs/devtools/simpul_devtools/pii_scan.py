"""Finds citizens' personal data in text that must never carry it: the log files of the
running system and the messages on its broker (docs/security.md, "the scan").

Two nets. `known` values: the exact NIKs, phone numbers and names a test filed (a phone is
searched by its national number, `phone_needle`, so 0812…, 62812… and +62812… all hit). And
patterns for any NIK or Indonesian mobile number, aligned with the log filter of
`simpul_common.logs` (whatever they find, that filter masks) but stricter, because they run over
ids, timestamps, metrics and sealed tokens: a NIK must pass `lokal.is_valid_nik` (a real
province, a real birth date), and neither may touch a letter, digit, `+`, `.`, `-` or `/`
before it nor a letter or digit after it: so a float's fractional digits, a uuid's groups
(taken out first), a hex digest and a digit run inside a base64url sealed token are no hit.
"""
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

import lokal

UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_ALONE = r"(?<![\w+./-])"
NIK = re.compile(_ALONE + r"\d{16}(?!\w)")
PHONE = re.compile(_ALONE + r"(?:\+62|62|0)[ -]?8(?:[ -]?\d){7,11}(?!\w)")


@dataclass(frozen=True)
class Hit:
    where: str
    kind: str       # "nik", "phone" or "known"
    masked: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} {self.masked}"


def summary(hits: list[Hit]) -> str:
    """One line per distinct hit, most frequent first: a value polled ten times is one line."""
    counts = Counter(map(str, hits))
    return "\n".join(f"{line} (×{n})" if n > 1 else line for line, n in counts.most_common())


def masked(value: str) -> str:
    """Enough of a value to recognise it in a report, not enough to leak it."""
    keep = 4 if len(value) > 8 else 1
    return value[:keep] + "*" * max(len(value) - keep - 2, 1) + value[-2:]


def phone_needle(phone: str) -> str:
    """What every spelling of a phone number contains (0812…, 62812…, +62812…): its national
    number, the digits after 0 or 62."""
    return lokal.normalize_phone(phone).removeprefix("+62")


def find(text: str, known: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Every piece of personal data in `text`: (kind, value). `known` values are searched as
    they are (pass a phone through `phone_needle`)."""
    found = [("known", value) for value in dict.fromkeys(known) if value in text]
    text = UUID.sub("<uuid>", text)
    found += [("nik", m.group()) for m in NIK.finditer(text) if lokal.is_valid_nik(m.group())]
    found += [("phone", m.group()) for m in PHONE.finditer(text)]
    return found


def scan(where: str, text: str, known: Iterable[str] = ()) -> list[Hit]:
    return [Hit(where, kind, masked(value)) for kind, value in find(text, known)]


def scan_logs(log_dir, known: Iterable[str] = ()) -> list[Hit]:
    """Every line of every `*.log` under `log_dir`, each hit named by file and line."""
    hits = []
    for path in sorted(log_dir.glob("*.log")):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            hits += scan(f"{path.name}:{number}", line, known)
    return hits


def scan_messages(records: list[dict], known: Iterable[str] = ()) -> list[Hit]:
    """Every tapped message (`broker_tap` records), body and headers, each hit named by
    exchange and routing key; an RPC reply by the method it answers."""
    calls = {props["correlation_id"]: record["routing_keys"][0] for record in records
             if (props := record["trace"].get("properties", {})).get("reply_to")}
    hits = []
    for record in records:
        where = f"{record['exchange'] or '(default exchange)'} {','.join(record['routing_keys'])}"
        if is_rpc_reply(record):
            answered = calls.get(record["trace"]["properties"].get("correlation_id"), "?")
            where = f"{record['exchange']} reply to {answered}"
        hits += scan(f"{where} body", record["body"], known)
        hits += scan(f"{where} headers", repr(record["trace"]), known)
    return hits


def is_rpc_reply(record: dict) -> bool:
    """nameko answers a call on its RPC exchange, routed to the caller's `rpc.reply-…` queue."""
    return any(queue.startswith("rpc.reply-") for queue in record["trace"].get("routed_queues", []))
