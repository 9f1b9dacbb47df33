"""Checks on the notebooks crm-report writes: nbformat's format, and what Quarto makes of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from quarto_standin import notebook_markdown


def assert_written_by_nbformat(path: Path) -> None:
    """The file is a valid notebook, byte for byte as nbformat writes it (sources as lines)."""
    from crmlib.report.ipynb import _nbformat

    nbformat = _nbformat()
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    strings = [i for i, c in enumerate(json.loads(text)["cells"]) if isinstance(c["source"], str)]
    assert strings == [], f"{path.name}: cells whose source is one string: {strings}"
    # nbformat.write ends the file with a line end, nbformat.writes (papermill) does not.
    assert text.removesuffix("\n") == nbformat.writes(nb), f"{path.name}: not nbformat's writing"


def cell_text(cell: dict[str, Any]) -> str:
    source = cell.get("source") or ""
    return "".join(source) if isinstance(source, list) else source


def lines_quarto_runs_together(nb: dict[str, Any]) -> list[str]:
    """Lines of the Markdown cells that are no line of the Markdown Quarto receives.

    Empty for a sound notebook: every heading, paragraph line and list item the
    analyst wrote stays on its own line. A cell stored as one string loses its
    line ends in Quarto 1.10 and its lines run into each other.
    """
    received = set(notebook_markdown(nb).splitlines())
    return [
        line
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for line in cell_text(cell).splitlines()
        if line.strip() and line not in received
    ]


def _inline_text(inlines: list[dict[str, Any]]) -> str:
    parts = []
    for item in inlines:
        if item["t"] == "Str":
            parts.append(item["c"])
        elif item["t"] in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif isinstance(item.get("c"), list):  # Emph, Strong, Span, ...: their inlines last
            inner = item["c"][-1]
            parts.append(_inline_text(inner) if isinstance(inner, list) else "")
    return "".join(parts)


def blocks(markdown: str) -> list[tuple[str, str]]:
    """Pandoc's reading of ``markdown``: ``(kind, text)`` of every heading (``H1``...),
    paragraph (``Para``) and list (``OrderedList``/``BulletList``), inside divs too."""
    import pypandoc

    found: list[tuple[str, str]] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for block in items:
            kind, content = block["t"], block.get("c")
            if kind == "Header":
                found.append((f"H{content[0]}", _inline_text(content[2])))
            elif kind == "Para":
                found.append(("Para", _inline_text(content)))
            elif kind in ("OrderedList", "BulletList"):
                items_ = content[1] if kind == "OrderedList" else content
                found.append((kind, str(len(items_))))
            elif kind == "Div":
                walk(content[1])

    walk(json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))["blocks"])
    return found
