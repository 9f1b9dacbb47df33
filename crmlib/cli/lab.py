"""JupyterLab's save, kept to the notebook as committed (``make lab`` installs the hook).

JupyterLab writes the kernel's ``language_info`` (version, mimetype, lexer, ...) into the
notebook's metadata on every save, so opening and saving the report notebook made a diff
that nobody wrote (and a different one on every Python version). The committed notebook
keeps only ``language_info.name``; this hook keeps it so. Outputs of cells run in Lab
are left alone: the analyst sees them, and nbstripout removes them at commit.
"""

from __future__ import annotations

from typing import Any


def sebelum_simpan(model: dict[str, Any], **kwargs: Any) -> None:
    """Jupyter server pre-save hook: drop what Lab adds to the notebook's metadata."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    metadata = model["content"].get("metadata")
    info = metadata.get("language_info") if isinstance(metadata, dict) else None
    if isinstance(info, dict):
        metadata["language_info"] = {k: v for k, v in info.items() if k == "name"}


__all__ = ["sebelum_simpan"]
