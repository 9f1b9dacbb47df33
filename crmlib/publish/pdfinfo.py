"""What a report PDF says about itself besides PDF/A: title, keywords, attachments.

Read with pyHanko's PDF reader from the document as a whole (the document
information, the embedded-files name tree), so :mod:`crmlib.publish.verify` can
recompute an edition's facts from its PDF; its PDF/A identification is
:mod:`crmlib.publish.pdfa`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# A draft's Typst document carries this keyword (laporan-layout.typ) beside its watermark.
DRAFT_KEYWORD = "DRAF"


@dataclass
class PdfFacts:
    """A PDF's title, keywords and attached files (name → bytes)."""

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
            info = reader.trailer["/Info"].get_object() if "/Info" in reader.trailer else {}
            facts.title = str(info.get("/Title", ""))
            facts.keywords = str(info.get("/Keywords", ""))
            facts.attachments = _attachments(reader.root)
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


__all__ = ["DRAFT_KEYWORD", "PdfFacts", "read_pdf_facts"]
