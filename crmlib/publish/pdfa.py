"""Is a final edition's PDF a PDF/A file? Read from the PDF itself, never from a manifest.

A PDF declares its PDF/A conformance in the XMP metadata stream of its document
catalog (``pdfaid:part`` and ``pdfaid:conformance``, ISO 19005). A final edition
must be PDF/A-3 (attachments are allowed from part 3 on), level "a" (tagged) or
"b" (the embedded renderer's fallback when Typst cannot tag). ``finalize`` and
``revise`` refuse to store a PDF without it and ``verify`` fails on one
(:func:`pdfa_problem`), whichever renderer made it.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

# Declared PDF/A identifications a final edition may carry (Typst's a-3a, or its a-3b fallback).
FINAL_PDFA = ("PDF/A-3a", "PDF/A-3b")
_PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


def _xmp_pdfaid(xmp: bytes) -> dict[str, str]:
    """``part`` and ``conformance`` from an XMP packet (element or attribute form)."""
    found: dict[str, str] = {}
    for element in ElementTree.fromstring(xmp).iter():
        for name, value in element.attrib.items():
            if name.startswith(_PDFAID):
                found[name[len(_PDFAID) :]] = value.strip()
        if isinstance(element.tag, str) and element.tag.startswith(_PDFAID):
            found[element.tag[len(_PDFAID) :]] = (element.text or "").strip()
    return found


def pdf_standard(pdf: Path | str) -> str | None:
    """The PDF/A identification a PDF declares, e.g. ``PDF/A-3a``; ``None`` if it declares none.

    Read from the XMP metadata of the document catalog (the latest revision, so a
    signature's incremental update is taken into account). A file that cannot be
    parsed declares nothing.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        with open(pdf, "rb") as fh:
            metadata = PdfFileReader(fh, strict=False).root.get("/Metadata")
            xmp = metadata.get_object().data if metadata is not None else None
        found = _xmp_pdfaid(xmp) if xmp else {}
    except Exception:  # a damaged file or packet: pyHanko's and expat's many errors
        return None
    part = found.get("part", "")
    if not part.isdigit():
        return None
    return f"PDF/A-{part}{found.get('conformance', '').lower()}"


def pdfa_problem(pdf: Path | str) -> str | None:
    """Why ``pdf`` cannot be a final edition's PDF (an Indonesian sentence), or ``None``.

    The one PDF/A check of the final editions: ``finalize``/``revise`` refuse to
    store the edition and ``verify`` fails when it returns a reason.
    """
    found = pdf_standard(pdf)
    if found in FINAL_PDFA:
        return None
    name = Path(pdf).name
    what = (
        f"{name} berstandar {found}"
        if found
        else f"{name} bukan PDF/A (metadatanya tidak menyebut PDF/A)"
    )
    return f"{what}; edisi final harus {' atau '.join(FINAL_PDFA)}."
