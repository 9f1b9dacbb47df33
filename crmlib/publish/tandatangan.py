"""Electronic signature (tanda tangan elektronik) of a final edition's PDF, with pyHanko.

The PDF is signed PAdES (baseline B) with a PKCS#12 certificate as an
incremental update, so the PDF/A document Typst wrote stays as it is and the
signature covers it. The passphrase comes from the ``CRM_TTE_SANDI`` environment
variable or an interactive prompt (the CLI asks), never from params, the
command line or git.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crmlib.errors import SignatureError, StorageError

SANDI_ENV = "CRM_TTE_SANDI"
FIELD_NAME = "TandaTanganElektronik"


def _subject_name(cert) -> str:
    subject = cert.subject.native
    return str(subject.get("common_name") or cert.subject.human_friendly)


def load_signer(p12: Path, sandi: bytes | None):
    """Open the PKCS#12 certificate (before anything is rendered, so a wrong passphrase fails fast).

    Raises
    ------
    SignatureError
        When the certificate cannot be opened (wrong passphrase, not PKCS#12).
    """
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=sandi)
    except (OSError, ValueError) as e:
        signer, reason = None, str(e)
    else:
        reason = "kata sandi salah atau bukan berkas PKCS#12 (.p12)"
    if signer is None:
        raise SignatureError(
            f"Sertifikat {p12} tidak dapat dibuka: {reason}. Kata sandi dibaca dari variabel "
            f"lingkungan {SANDI_ENV} atau ditanyakan."
        )
    return signer


def sign_pdf(pdf: Path, signer) -> dict[str, Any]:
    """Sign ``pdf`` in place (PAdES, incremental update); the signer's name and the standard."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Laporan bulanan final",
        location="Jakarta",
    )
    with open(pdf, "rb") as fh:
        writer = IncrementalPdfFileWriter(fh)
        out = io.BytesIO()
        signers.sign_pdf(writer, meta, signer=signer, output=out)
    with StorageError.writing(pdf):
        pdf.write_bytes(out.getvalue())
    return {"penandatangan": _subject_name(signer.signing_cert), "standar": "PAdES-B-B"}


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence libraries' loggers: an untrusted (self-signed) certificate is reported by
    :func:`check_signature`, not as pyHanko's traceback on the terminal."""
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def check_signature(pdf: Path) -> dict[str, Any] | None:
    """Validate the PDF's signature; ``None`` when it carries none.

    Returns
    -------
    dict or None
        ``penandatangan`` (certificate name), ``utuh`` (the signed bytes are
        unchanged and the signature is cryptographically valid), ``terpercaya``
        (the certificate chains to a trusted root: False for a self-signed
        certificate), ``mencakup_seluruh`` (the signature covers the whole file).
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        with open(pdf, "rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            signatures = reader.embedded_signatures
            if not signatures:
                return None
            sig = signatures[-1]
            with warnings.catch_warnings(), _quiet("pyhanko", "pyhanko_certvalidator"):
                # Trust is judged against the system's trust list (reported, not required).
                warnings.simplefilter("ignore", DeprecationWarning)
                status = validate_pdf_signature(sig, ValidationContext(allow_fetching=False))
            return {
                "penandatangan": _subject_name(status.signing_cert),
                "utuh": bool(status.intact and status.valid),
                "terpercaya": bool(status.trusted),
                "mencakup_seluruh": status.coverage.name == "ENTIRE_FILE",
            }
    except Exception as e:  # a damaged file: pyHanko's many parser errors
        return {
            "penandatangan": None,
            "utuh": False,
            "terpercaya": False,
            "mencakup_seluruh": False,
            "galat": f"{type(e).__name__}: {e}",
        }
