"""Electronic signature (tanda tangan elektronik) of a final edition's PDF, with pyHanko.

Signing: the PDF is signed PAdES (baseline B) with a PKCS#12 certificate as an
incremental update, so the PDF/A document Typst wrote stays as it is and the
signature covers it. The signature's ``/Reason`` carries the SHA-256 of the
edition's manifest (everything but the PDF's own hash and the signature block):
the signed bytes bind the manifest, and through it every other file of the
edition. The certificate must be valid now and allow signing (key usage), or
nothing is signed. The passphrase comes from the ``CRM_TTE_SANDI`` environment
variable (taken out of the environment at once, so no child process inherits
it) or an interactive prompt, never from params, the command line or git.

Validation (:func:`check_pdf_signatures`) does what a PAdES validator does, with
pyHanko's validation API: every signature of the file, the last one covering the
whole file, the certificate valid at signing time and allowed to sign, trust
judged against a configured root store (:func:`load_trust_roots`). pyHanko's own
log records (tracebacks included) go to the caller's log, never to the terminal.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmlib.errors import ParamsError, SignatureError, StorageError

SANDI_ENV = "CRM_TTE_SANDI"
FIELD_NAME = "TandaTanganElektronik"
STANDARD = "PAdES-B-B"
# A certificate allowed to sign documents has one of these key usages.
SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})
# The manifest's hash inside the signature's /Reason (shown by every PDF reader).
_BINDING = re.compile(r"manifest SHA-256 ([0-9a-f]{64})")
_LIBRARY_LOGGERS = ("pyhanko", "pyhanko_certvalidator")
_PEM_SUFFIXES = (".pem", ".crt", ".cer")


def take_passphrase() -> str | None:
    """The passphrase from ``CRM_TTE_SANDI``, removed from this process's environment.

    Every child process (the notebook kernel, Typst, pandoc, git) inherits the
    environment; once read, the passphrase is no longer in it.
    """
    return os.environ.pop(SANDI_ENV, None)


@contextmanager
def library_log(log: logging.Logger | None) -> Iterator[None]:
    """Send pyHanko's log records (tracebacks included) to ``log`` only, never the terminal.

    With ``log`` None they are dropped: what matters is reported by the caller in
    Indonesian. Python warnings raised meanwhile (deprecations) are silenced too.
    """
    loggers = [logging.getLogger(n) for n in _LIBRARY_LOGGERS]
    saved = [(lg.handlers[:], lg.propagate, lg.level) for lg in loggers]
    handler: logging.Handler = _Forward(log) if log is not None else logging.NullHandler()
    for lg in loggers:
        lg.handlers, lg.propagate = [handler], False
        lg.setLevel(logging.WARNING if log is not None else logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, (handlers, propagate, level) in zip(loggers, saved, strict=True):
            lg.handlers, lg.propagate = handlers, propagate
            lg.setLevel(level)


class _Forward(logging.Handler):
    """Hand records to another logger (the month's build.log)."""

    def __init__(self, target: logging.Logger) -> None:
        super().__init__(logging.WARNING)
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        self.target.handle(record)


# --------------------------------------------------------------------------- certificates


def subject_name(cert) -> str:
    """The certificate's common name (or its whole subject)."""
    subject = cert.subject.native
    return str(subject.get("common_name") or cert.subject.human_friendly)


def fingerprint(cert) -> str:
    """SHA-256 of the certificate (DER), hex: what the manifest records."""
    return cert.sha256.hex()


def _date(moment: dt.datetime) -> str:
    from crmlib.report.fmt import format_tanggal

    return format_tanggal(moment.date())


def certificate_problems(cert, moment: dt.datetime) -> list[str]:
    """Why ``cert`` may not sign at ``moment`` (empty: it may).

    Key usage is judged by pyHanko's :class:`KeyUsageConstraints` (one of
    digital signature / non-repudiation), the validity period the way
    pyhanko_certvalidator judges every certificate of a trusted path; here it is
    applied to the signer's certificate whether or not a path to a trusted root
    exists (a self-signed certificate has none).
    """
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator.errors import InvalidCertificateError

    problems = []
    if moment < cert.not_valid_before:
        problems.append(
            f"sertifikat belum berlaku pada waktu penandatanganan (berlaku mulai "
            f"{_date(cert.not_valid_before)})"
        )
    elif moment > cert.not_valid_after:
        problems.append(
            f"sertifikat sudah kedaluwarsa pada waktu penandatanganan (berlaku sampai "
            f"{_date(cert.not_valid_after)})"
        )
    usage = KeyUsageConstraints(key_usage=set(SIGNING_KEY_USAGES), match_all_key_usages=False)
    try:
        usage.validate(cert)
    except InvalidCertificateError:
        found = sorted(cert.key_usage_value.native) if cert.key_usage_value else []
        problems.append(
            "sertifikat tidak untuk tanda tangan (key usage: "
            f"{', '.join(found) or 'tidak ada'}; dibutuhkan digital_signature atau "
            "non_repudiation)"
        )
    return problems


def load_signer(p12: Path, sandi: bytes | None, log: logging.Logger | None = None):
    """Open the PKCS#12 certificate and check that it may sign now.

    Done before anything is rendered, so a wrong passphrase or an unusable
    certificate fails fast. pyHanko's traceback goes to ``log`` only.

    Raises
    ------
    SignatureError
        One line: the file cannot be opened (wrong passphrase, not PKCS#12), or
        the certificate is expired, not yet valid or not for signing.
    """
    with library_log(log):
        from pyhanko.sign import signers

        try:
            signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=sandi)
        except (OSError, ValueError) as e:
            if log is not None:
                log.error("sertifikat %s tidak dapat dibuka", p12, exc_info=e)
            signer = None
    if signer is None:
        raise SignatureError(
            f"Sertifikat {p12} tidak dapat dibuka: kata sandi salah atau bukan berkas PKCS#12 "
            f"(.p12); kata sandi dibaca dari variabel lingkungan {SANDI_ENV} atau ditanyakan."
        )
    problems = certificate_problems(signer.signing_cert, dt.datetime.now(dt.UTC))
    if problems:
        who = subject_name(signer.signing_cert)
        raise SignatureError(
            f"Sertifikat {p12} ({who}) tidak dipakai: {'; '.join(problems)}. Tidak ada yang "
            "ditandatangani."
        )
    return signer


def load_trust_roots(path: Path | None) -> list:
    """The trusted root (and intermediate) certificates: a PEM file or a folder of them.

    ``None`` (nothing configured) gives an empty list: then no certificate is trusted.

    Raises
    ------
    ParamsError
        When the path is missing or holds no readable certificate.
    """
    if path is None:
        return []
    from pyhanko.keys import load_certs_from_pemder

    path = Path(path)
    files = (
        sorted(p for p in path.iterdir() if p.suffix.lower() in _PEM_SUFFIXES)
        if path.is_dir()
        else [path]
    )
    try:
        roots = list(load_certs_from_pemder([str(p) for p in files]))
    except (OSError, ValueError) as e:
        raise ParamsError(
            f"Akar terpercaya {path} tidak dapat dibaca ({type(e).__name__}): isi dengan berkas "
            "PEM sertifikat CA (mis. Root CA dan CA BSrE) atau folder berisi berkas .pem/.crt."
        ) from None
    if not roots:
        raise ParamsError(f"Akar terpercaya {path} tidak berisi sertifikat (.pem/.crt/.cer).")
    return roots


def roots_label(roots: list) -> str:
    """``CA Uji, Root CA Indonesia`` or ``tidak diatur``."""
    return ", ".join(subject_name(c) for c in roots) if roots else "tidak diatur"


def roots_digest(roots: list) -> str:
    """SHA-256 over the root store's certificates (order-independent): what trust was judged by."""
    import hashlib

    return hashlib.sha256(b"".join(sorted(c.sha256 for c in roots))).hexdigest()


# --------------------------------------------------------------------------- signing


def binding_reason(periode_label: str, edisi: int, manifest_digest: str) -> str:
    """The signature's /Reason: what is signed, and the manifest it binds."""
    return (
        f"Laporan bulanan {periode_label}, edisi final {edisi}; manifest SHA-256 {manifest_digest}"
    )


def sign_pdf(pdf: Path, signer, reason: str, log: logging.Logger | None = None) -> dict[str, Any]:
    """Sign ``pdf`` in place (PAdES, incremental update); what the manifest records about it."""
    with library_log(log), open(pdf, "rb") as fh:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location="Jakarta",
        )
        writer = IncrementalPdfFileWriter(fh)
        out = io.BytesIO()
        signers.sign_pdf(writer, meta, signer=signer, output=out)
    with StorageError.writing(pdf):
        pdf.write_bytes(out.getvalue())
    cert = signer.signing_cert
    return {
        "penandatangan": subject_name(cert),
        "sertifikat_sha256": fingerprint(cert),
        "standar": STANDARD,
    }


# --------------------------------------------------------------------------- validation


@dataclass
class SignatureCheck:
    """What validation found in a signed PDF; ``masalah`` empty: nothing wrong.

    ``utuh``: exactly one signature, cryptographically valid, covering every byte
    of the file. ``sah``: its certificate was valid at signing time and allowed
    to sign. ``terpercaya``: the certificate chains to a configured root at
    signing time. ``manifest_sha256``: the manifest hash the signature binds.
    """

    jumlah: int
    penandatangan: str | None = None
    sertifikat_sha256: str | None = None
    waktu: dt.datetime | None = None
    utuh: bool = False
    sah: bool = False
    terpercaya: bool = False
    manifest_sha256: str | None = None
    kepercayaan: str = ""  # why not trusted
    masalah: list[str] = field(default_factory=list)


def check_pdf_signatures(pdf: Path, roots: list, log: logging.Logger | None = None):
    """Validate every signature of ``pdf``; ``None`` when it carries none.

    Returns
    -------
    SignatureCheck or None
    """
    try:
        with library_log(log), open(pdf, "rb") as fh:
            from pyhanko.pdf_utils.reader import PdfFileReader

            signatures = PdfFileReader(fh, strict=False).embedded_signatures
            if not signatures:
                return None
            return _check_signatures(signatures, roots)
    except Exception as e:  # a damaged file: pyHanko's many parser errors
        if log is not None:
            log.warning("tanda tangan %s tidak dapat diperiksa", pdf, exc_info=e)
        return SignatureCheck(
            jumlah=-1, masalah=[f"tanda tangan tidak dapat diperiksa ({type(e).__name__})"]
        )


def _check_signatures(signatures: list, roots: list) -> SignatureCheck:
    """Validate each signature; the verdict is about the last one, which must cover the file."""
    from pyhanko.sign.validation import validate_pdf_signature

    check = SignatureCheck(jumlah=len(signatures))
    if len(signatures) > 1:
        check.masalah.append(
            f"PDF memuat {len(signatures)} tanda tangan; edisi final ditandatangani sekali saja "
            "(tanda tangan tambahan ditambahkan setelah finalisasi)"
        )
    status = None
    for sig in signatures:
        moment = sig.self_reported_timestamp or dt.datetime.now(dt.UTC)
        status = validate_pdf_signature(sig, _context(roots, moment), key_usage_settings=_usage())
        if not (status.intact and status.valid):
            check.masalah.append(
                f"tanda tangan {subject_name(status.signing_cert)} TIDAK UTUH: isi yang "
                "ditandatangani berubah atau tanda tangannya rusak"
            )
    last, cert = signatures[-1], status.signing_cert
    check.penandatangan, check.sertifikat_sha256 = subject_name(cert), fingerprint(cert)
    check.waktu = last.self_reported_timestamp
    if status.coverage.name != "ENTIRE_FILE":
        check.masalah.append(_coverage_problem(status))
    check.utuh = not check.masalah
    cert_problems = certificate_problems(cert, check.waktu or dt.datetime.now(dt.UTC))
    check.masalah += cert_problems
    check.sah = not cert_problems
    check.terpercaya = bool(status.trusted)
    if not check.terpercaya:
        check.kepercayaan = _untrusted_reason(status, roots)
    reason = str(last.sig_object.get("/Reason", ""))
    found = _BINDING.search(reason)
    check.manifest_sha256 = found.group(1) if found else None
    return check


def _context(roots: list, moment: dt.datetime):
    """Trust judged at signing time against ``roots`` only (no system list, no network)."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=list(roots), allow_fetching=False, moment=moment)


def _usage():
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    return KeyUsageConstraints(key_usage=set(SIGNING_KEY_USAGES), match_all_key_usages=False)


def _coverage_problem(status) -> str:
    """Bytes after the signed range: an incremental update, or anything appended."""
    if status.modification_level.name != "NONE":
        return (
            "ada pembaruan inkremental setelah tanda tangan (isi PDF diubah sesudah ditandatangani)"
        )
    return "ada bait tambahan setelah bagian yang ditandatangani (mis. setelah %EOF)"


def _untrusted_reason(status, roots: list) -> str:
    if not roots:
        return "akar terpercaya belum diatur (edisi.akar_terpercaya di params/_default.yaml)"
    indic = status.trust_problem_indic
    name = indic.name if indic is not None else "tidak diketahui"
    return f"tidak berantai ke akar terpercaya {roots_label(roots)} ({name})"


__all__ = [
    "FIELD_NAME",
    "SANDI_ENV",
    "STANDARD",
    "SignatureCheck",
    "binding_reason",
    "certificate_problems",
    "check_pdf_signatures",
    "fingerprint",
    "library_log",
    "load_signer",
    "load_trust_roots",
    "roots_digest",
    "roots_label",
    "sign_pdf",
    "subject_name",
    "take_passphrase",
]
