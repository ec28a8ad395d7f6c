"""Create or update an admin outside demo mode: `simpul-registry-admin --username U --name N
[--kabupaten 33.25] [--password-stdin]`. The password is read from the terminal (or one line
of standard input), never from the command line, where it would be seen in the process list.

Writes straight to the registry database, like the other registry commands: nothing is
announced, so a running gateway sees the change once its short cache expires."""
import argparse
import getpass
import sys

from simpul_common.audit import AuditLog, operator

from . import usecases
from .repository import add_storage_arguments, opened


def _quiet(entity, region, ids) -> None:
    """No broker here: nobody to announce to."""


def ensure_admin(repo, username: str, name: str, kabupaten_code, password: str) -> dict:
    """The admin with this username, created or brought up to date (name, binding, active,
    password); an error result if the username belongs to someone who is no admin."""
    holder = repo.username_holder(username)
    if holder is None:
        return usecases.create_person(repo, _quiet, {
            "name": name, "role": "admin", "kabupaten_code": kabupaten_code,
            "username": username, "password": password})
    if repo.get("people", holder)["role"] != "admin":
        return {"status": 409, "errors": [{"field": "username", "message":
                f"nama pengguna {username} dipakai orang yang bukan admin"}]}
    updated = usecases.update_person(repo, _quiet, holder, {
        "name": name, "kabupaten_code": kabupaten_code, "active": True})
    return updated if "errors" in updated else usecases.set_password(repo, _quiet, holder, password)


def _password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Kata sandi admin: ")
    return password if getpass.getpass("Ulangi kata sandi: ") == password else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Buat atau perbarui admin Simpul.")
    parser.add_argument("--username", required=True)
    parser.add_argument("--name", required=True, help="nama lengkap admin")
    parser.add_argument("--kabupaten", default=None,
                        help="kode kabupaten/kota (33.25); tanpa ini: admin nasional")
    parser.add_argument("--password-stdin", action="store_true",
                        help="baca kata sandi dari satu baris masukan standar")
    add_storage_arguments(parser)
    args = parser.parse_args(argv)
    password = _password(args.password_stdin)
    if password is None:
        print("Gagal: kedua kata sandi tidak sama.", file=sys.stderr)
        return 2
    with opened(args) as repo:
        result = ensure_admin(repo, args.username, args.name, args.kabupaten, password)
        if "errors" not in result:
            AuditLog(repo.db, "registry").record(
                operator(), "admin.ensure", "person", result["item"]["id"],
                kabupaten_code=args.kabupaten)
    if "errors" in result:
        for error in result["errors"]:
            print(f"Gagal: {error['field']}: {error['message']}", file=sys.stderr)
        return 2
    person = result["item"]
    print(f"Admin {person['username']} ({person['id']}) siap.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
