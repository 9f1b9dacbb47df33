"""Final editions shared by the edition tests: throwaway certificates and two finalized projects.

Like :mod:`fixtures_built`, each is made once per test run across xdist workers
(under a file lock in the run's shared temporary folder) and never changed:
tests copy it (``copy_of``) before they change anything.

- :func:`tte_certificates`: a throwaway CA and PKCS#12 certificates made with
  ``cryptography``: one it issued to "Walikota Jakarta Timur", a self-signed one
  with the same name (the forger's), and three it issued that may not sign now
  (expired, not yet valid, key encipherment only).
- :func:`finalized_project`: 2022-05 draft and 2022-06 final edition 1, signed with
  the CA's certificate, the CA configured as trusted root, in a git repository
  whose identity has an e-mail address, under a home-like path, finalized without
  ``--oleh`` (the role comes from params). Committed.
- :func:`revised_project`: the same with 2022-06 revised once, unsigned (edition 2).
  Committed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock
from fixtures_built import built_two_months

SANDI = "sandi-uji"
PENANDATANGAN = "Walikota Jakarta Timur"
PERAN = "Kasubbag Pelayanan Publik"
GIT_NAME, GIT_EMAIL = "Budi Analis", "budi.pribadi@gmail.com"
ALASAN = "Data <b>UKPD</b> dikoreksi *ulang* #set"
# Where the shared finalized project lives below the run's folder: a home-like path.
HOME_PATH = Path("home") / "budi.pribadi" / "proyek" / "crm-report"


def shared(tmp_path_factory, name: str, make) -> Path:
    """``base/name`` made once per run (``make(path)``), whichever worker asks first."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    target, done = base / name, base / f"{name}.done"
    with FileLock(str(base / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            make(target)
            done.write_text("")
    return target


def copy_of(project: Path, dest: Path) -> Path:
    """A private copy of a shared project (git history included)."""
    shutil.copytree(project, dest, symlinks=True)
    return dest


def run_cli(args: list[str], cwd: Path | None = None) -> tuple[int, str, str]:
    """``crm-report ARGS`` in this process (optionally in ``cwd``): exit code, stdout, stderr."""
    from crmlib.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(args)
    finally:
        os.chdir(previous)
    return rc, out.getvalue(), err.getvalue()


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A", ".")
    git(root, "commit", "-q", "-m", message)


# ------------------------------------------------------------------ certificates


@dataclass(frozen=True)
class Tte:
    """The throwaway certificates (passphrase :data:`SANDI`)."""

    folder: Path

    @property
    def ca_pem(self) -> Path:
        return self.folder / "ca-uji.pem"

    def p12(self, name: str) -> Path:
        """``walikota``, ``palsu``, ``kedaluwarsa``, ``belum_berlaku``, ``bukan_tanda_tangan``."""
        return self.folder / f"{name}.p12"


def tte_certificates(tmp_path_factory) -> Tte:
    return Tte(shared(tmp_path_factory, "tte-uji", _make_certificates))


def _make_certificates(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    # RSA, as BSrE issues: pyHanko marks a PDF signed with an EC key as PDF 2.0 (ISO 32002).
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA Uji Sekali Pakai")])
    ca = _certificate(
        ca_name, ca_key, ca_name, ca_key, now - dt.timedelta(days=3650), 7300, ca=True
    )
    (folder / "ca-uji.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, PENANDATANGAN)])
    issued = {
        "walikota": _certificate(name, key, ca_name, ca_key, now - dt.timedelta(days=1), 365),
        "palsu": _certificate(name, key, name, key, now - dt.timedelta(days=1), 365),
        "kedaluwarsa": _certificate(
            name, key, ca_name, ca_key, dt.datetime(2020, 1, 1, tzinfo=dt.UTC), 730
        ),
        "belum_berlaku": _certificate(
            name, key, ca_name, ca_key, dt.datetime(2036, 1, 1, tzinfo=dt.UTC), 365
        ),
        "bukan_tanda_tangan": _certificate(
            name, key, ca_name, ca_key, now - dt.timedelta(days=1), 365, signing=False
        ),
    }
    for label, cert in issued.items():
        blob = pkcs12.serialize_key_and_certificates(
            label.encode(), key, cert, [ca], serialization.BestAvailableEncryption(SANDI.encode())
        )
        (folder / f"{label}.p12").write_bytes(blob)


def _certificate(subject, key, issuer, issuer_key, start, days, ca=False, signing=True):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    usage = x509.KeyUsage(
        digital_signature=signing and not ca,
        content_commitment=signing and not ca,
        key_encipherment=not signing,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
    )
    return builder.sign(issuer_key, hashes.SHA256())


# ------------------------------------------------------------------ finalized projects


class _SpawnWatch:
    """Audit hook: which child processes were started with the passphrase in their environment."""

    active: str | None = None
    leaked: list[str] = []
    spawned = 0

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if cls.active is None or event not in ("subprocess.Popen", "os.posix_spawn", "os.fork"):
            return
        cls.spawned += 1
        position = {"subprocess.Popen": 3, "os.posix_spawn": 2}.get(event)
        env = args[position] if position is not None else None
        seen = env if env is not None else os.environ  # None: the child inherits os.environ
        if any(cls.active in str(v) for v in dict(seen).values()):
            cls.leaked.append(event)


_hooked = False


def _watch_spawns() -> type[_SpawnWatch]:
    global _hooked
    if not _hooked:
        sys.addaudithook(_SpawnWatch.hook)
        _hooked = True
    return _SpawnWatch


def finalized_project(tmp_path_factory) -> Path:
    """The shared project with 2022-06 signed final edition 1 (see the module docstring)."""
    tte = tte_certificates(tmp_path_factory)
    built = built_two_months(tmp_path_factory)

    def make(base: Path) -> None:
        root = base / HOME_PATH
        root.parent.mkdir(parents=True)
        shutil.copytree(built, root, symlinks=True)
        (root / "sertifikat").mkdir()
        shutil.copy(tte.ca_pem, root / "sertifikat" / "akar-uji.pem")
        defaults = root / "params" / "_default.yaml"
        text = defaults.read_text(encoding="utf-8")
        text = text.replace("  difinalkan_oleh: ", f"  difinalkan_oleh: {PERAN}", 1)
        text = text.replace("  akar_terpercaya: ", "  akar_terpercaya: sertifikat/akar-uji.pem", 1)
        defaults.write_text(text, encoding="utf-8")
        git(root, "init", "-q")
        git(root, "config", "user.name", GIT_NAME)
        git(root, "config", "user.email", GIT_EMAIL)
        commit_all(root, "proyek")
        watch = _watch_spawns()
        os.environ["CRM_TTE_SANDI"] = SANDI
        watch.active, watch.leaked, watch.spawned = SANDI, [], 0
        try:
            args = ["finalize", "2022-06", "--renderer", "embedded", "--izinkan-perubahan"]
            rc, out, err = run_cli([*args, "--tandatangan", str(tte.p12("walikota"))], root)
        finally:
            watch.active = None
            os.environ.pop("CRM_TTE_SANDI", None)
        assert rc == 0, out + err
        (base / "finalize.json").write_text(
            json.dumps({"out": out, "err": err, "leaked": watch.leaked, "spawned": watch.spawned})
        )
        commit_all(root, "Laporan 2022-06 edisi 1 (final)")

    return shared(tmp_path_factory, "difinalkan", make) / HOME_PATH


def finalize_record(project: Path) -> dict:
    """What the shared finalize printed, and the child processes that saw the passphrase."""
    base = project
    for _ in HOME_PATH.parts:
        base = base.parent
    return json.loads((base / "finalize.json").read_text())


def revised_project(tmp_path_factory) -> Path:
    """:func:`finalized_project` with 2022-06 revised once, unsigned (edition 2), committed."""
    source = finalized_project(tmp_path_factory)

    def make(base: Path) -> None:
        root = copy_of(source, base / "proj")
        rc, out, err = run_cli(
            [
                "revise",
                "2022-06",
                "--alasan",
                ALASAN,
                "--renderer",
                "embedded",
                "--izinkan-perubahan",
                # The same data and params as edition 1 (issue 24: refused without it).
                "--paksa",
            ],
            root,
        )
        assert rc == 0, out + err
        commit_all(root, "Laporan 2022-06 edisi 2")

    return shared(tmp_path_factory, "direvisi", make) / "proj"
