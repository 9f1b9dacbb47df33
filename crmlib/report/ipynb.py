"""Notebook files as crm-report writes them: through nbformat, validated, in one format.

Every notebook the project writes goes through :func:`write_notebook`: the build's
``laporan.ipynb`` once its Markdown templates are filled and its front matter is
merged, the annual report's, the working copy ``crm-report render`` hands to the
renderer, and the preview's draft. So each one is stored as nbformat (and
JupyterLab) store notebooks: cell sources and text outputs as lists of lines,
keys sorted, one space of indent, and each one passes ``nbformat.validate``.

Why one format: Quarto 1.10 reads a cell whose ``source`` is a single string as
lines without their line ends, so every heading, paragraph and list of a filled
Markdown cell ran into one giant heading (issue 22). Notebooks are *read* as plain
JSON (:func:`json.loads`); only writing needs nbformat.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crmlib.errors import RenderError, StorageError


def _nbformat():
    """nbformat, imported without ``rfc3987_syntax`` (see ``execute._import_papermill``).

    jsonschema imports that package when it is installed and it compiles a grammar
    for two seconds, for format checks nbformat's notebook schema never makes.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # None: "import rfc3987_syntax" fails
    import nbformat

    return nbformat


def _check_cell_ids(node: Any, name: str) -> None:
    """Refuse missing or repeated cell ids: ``nbformat.validate`` would invent random ones."""
    if (node.get("nbformat"), node.get("nbformat_minor", 0)) < (4, 5):
        return
    seen: set[str] = set()
    for number, cell in enumerate(node.get("cells") or [], start=1):
        cell_id = cell.get("id")
        if not cell_id or cell_id in seen:
            what = "tanpa id" if not cell_id else f"dengan id ganda {cell_id!r}"
            raise RenderError(f"Notebook {name}: sel ke-{number} {what}.")
        seen.add(cell_id)


def write_notebook(nb: Mapping[str, Any], path: Path | str) -> None:
    """Write the notebook ``nb`` to ``path`` as nbformat writes it, atomically.

    Readers see the old file or the new one, never half of one. ``nb`` itself is
    not changed (nbformat works on a copy).

    Parameters
    ----------
    nb : mapping
        The notebook JSON (nbformat 4), sources as strings or lists of lines.
    path : path
        Where to write it.

    Raises
    ------
    RenderError
        The notebook is not a valid nbformat 4 notebook (the message names the
        first problem), or a cell id is missing or repeated.
    """
    nbformat = _nbformat()
    path = Path(path)
    node = nbformat.from_dict(dict(nb))  # new containers: ``nb`` stays as it is
    _check_cell_ids(node, path.name)
    try:
        nbformat.validate(node)
    except nbformat.ValidationError as exc:
        first = str(exc.message if hasattr(exc, "message") else exc).splitlines()[0]
        raise RenderError(f"Notebook {path.name} tidak sah menurut nbformat 4: {first}") from None
    text = nbformat.writes(node)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with StorageError.writing(path):  # a full disk names the notebook, not the temp name
            tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
