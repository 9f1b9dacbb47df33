"""The report's look on disk: the ``laporan-crm`` extension and the project folder holding it.

Both renderers read the extension (``_extensions/laporan-crm/``: formats, layout,
template, stylesheet, Lua filters) from the project root that :func:`find_project_root`
finds; :func:`_ekor` trims a tool's diagnostic for their error messages.
"""

from __future__ import annotations

from pathlib import Path

from crmlib.errors import RenderError

EXTENSION = "laporan-crm"
FORMAT_HTML = f"{EXTENSION}-html"
FORMAT_TYPST = f"{EXTENSION}-typst"
LAYOUT = "laporan-layout.typ"


def _is_project_root(path: Path) -> bool:
    return (path / "_quarto.yml").is_file() and (
        path / "_extensions" / EXTENSION / "_extension.yml"
    ).is_file()


def find_project_root(start: Path | str) -> Path:
    """Find the folder holding ``_quarto.yml`` and ``_extensions/laporan-crm/``.

    Walks up from ``start``; falls back to the parent of the ``crmlib`` package
    (the source checkout), so month folders outside the project still render.

    Raises
    ------
    RenderError
        If neither place has the extension.
    """
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if _is_project_root(folder):
            return folder
    cadangan = Path(__file__).resolve().parents[2]
    if _is_project_root(cadangan):
        return cadangan
    raise RenderError(
        f"Folder proyek (berisi _quarto.yml dan _extensions/{EXTENSION}/) tidak ditemukan "
        f"dari {start} maupun di {cadangan}."
    )


def _ekor(teks: str, n: int = 25) -> str:
    """The last ``n`` non-blank lines of a tool's output (its diagnostic)."""
    baris = [b for b in teks.strip().splitlines() if b.strip()]
    return "\n".join(baris[-n:])
