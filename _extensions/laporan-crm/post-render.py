"""Quarto post-render step of the project (``project: post-render`` in ``_quarto.yml``).

Quarto copies ``laporan-layout.typ`` beside every document it renders to Typst
(``format-resources`` in ``_extension.yml``: the Typst partials import it from
there) and leaves the copy behind. In ``output/<YYYY-MM>/`` that copy is not part
of the published month, so after a render this script removes every copy that is
byte-identical to the extension's own file (a file an analyst changed by hand is
kept). ``crmlib.render`` does the same after its own Quarto renders.

Standard library only: Quarto runs it with the ``python`` on PATH, which need not
be the project's environment. Run it by hand as ``python
_extensions/laporan-crm/post-render.py [PROJECT_DIR]``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

LAYOUT = "laporan-layout.typ"


def month_dirs(project: Path, output_files: str) -> set[Path]:
    """Folders that may hold a copy: those of the rendered files, and every ``output/*/``."""
    folders = {p.parent for p in project.glob(f"output/*/{LAYOUT}")}
    for line in output_files.splitlines():
        if line.strip():
            path = Path(line.strip())
            folders.add((path if path.is_absolute() else project / path).parent)
    return folders


def remove_layout_copies(project: Path, output_files: str = "") -> list[Path]:
    """Delete the copies of the layout file Quarto left beside rendered documents.

    Returns
    -------
    list of Path
        The files removed.
    """
    original = project / "_extensions" / "laporan-crm" / LAYOUT
    if not original.is_file():
        return []
    content = original.read_bytes()
    removed = []
    for folder in sorted(month_dirs(project, output_files)):
        copy = folder / LAYOUT
        if copy.resolve() != original.resolve() and copy.is_file():
            if copy.read_bytes() == content:
                copy.unlink()
                removed.append(copy)
    return removed


if __name__ == "__main__":
    root = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("QUARTO_PROJECT_DIR", ".")
    ).resolve()
    for path in remove_layout_copies(root, os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")):
        print(f"dihapus: {path.relative_to(root)}")
