"""What a report PDF says about itself: PDF/A identification, title, keywords, attachments.

Read with pyHanko's PDF reader from the document as a whole (the catalog's XMP
metadata, the document information, the embedded-files name tree), so
:mod:`crmlib.publish.verify` can recompute an edition's facts from its PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_PART = re.compile(rb"pdfaid:part(?:>|=\")(\d)")
_LEVEL = re.compile(rb"pdfaid:conformance(?:>|=\")([ABUabu])")
# A draft's Typst document carries this keyword (laporan-layout.typ) beside its watermark.
DRAFT_KEYWORD = "DRAF"


def pdfa_identification(xmp: bytes) -> str | None:
    """The PDF/A identification in XMP metadata, e.g. ``PDF/A-3a``; ``None`` if absent."""
    part = _PART.search(xmp)
    if not part:
        return None
    level = _LEVEL.search(xmp)
    return f"PDF/A-{part.group(1).decode()}{(level.group(1).decode() if level else '').lower()}"


@dataclass
class PdfFacts:
    """A PDF's identification, title, keywords and attached files (name → bytes)."""

    pdfa: str | None = None
    title: str = ""
    keywords: str = ""
    attachments: dict[str, bytes] = field(default_factory=dict)
    error: str = ""  # the file could not be read


def read_pdf_facts(pdf: Path) -> PdfFacts:
    """Read :class:`PdfFacts` from ``pdf``; a file pyHanko cannot parse gives ``error``."""
    from crmlib.publish.tandatangan import library_log

    facts = PdfFacts()
    try:
        with library_log(None), open(pdf, "rb") as fh:
            from pyhanko.pdf_utils.reader import PdfFileReader

            reader = PdfFileReader(fh, strict=False)
            root = reader.root
            if "/Metadata" in root:
                facts.pdfa = pdfa_identification(root["/Metadata"].get_object().data)
            info = reader.trailer["/Info"].get_object() if "/Info" in reader.trailer else {}
            facts.title = str(info.get("/Title", ""))
            facts.keywords = str(info.get("/Keywords", ""))
            facts.attachments = _attachments(root)
    except Exception as e:  # a damaged or foreign file: pyHanko's many parser errors
        facts.error = type(e).__name__
    return facts


def _attachments(root) -> dict[str, bytes]:
    """The embedded files of a flat name tree (what Typst writes)."""
    try:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return {}
    found = {}
    for i in range(0, len(names) - 1, 2):
        spec = names[i + 1].get_object()
        found[str(names[i])] = spec["/EF"]["/F"].get_object().data
    return found


__all__ = ["DRAFT_KEYWORD", "PdfFacts", "pdfa_identification", "read_pdf_facts"]
