"""A citizen's personal data as intake answers it for one reader (docs/privacy.md): sealed
with the data key, so it never crosses the broker in clear, and opened here, just before the
answer leaves the gateway."""
from simpul_common import sealing


def opened(report: dict, key: bytes) -> dict:
    """`report` with the full citizen and the description intake sealed for this reader (if it
    did) in place of the masked or absent ones."""
    report = dict(report)
    citizen = report.pop("sealed_citizen", None)
    description = report.pop("sealed_description", None)
    if citizen:
        report["citizen"] = sealing.open_sealed(key, citizen, sealing.reveal_context(report["id"]))
    if description:
        report["description"] = sealing.open_sealed(
            key, description, sealing.reveal_context(report["id"], "description"))["text"]
    return report


def masked_nik(nik: str) -> str:
    """A NIK as intake masks it: its province and kabupaten/kota, and its last two digits."""
    return nik[:4] + "*" * 10 + nik[-2:]
