"""Has a final month's input changed since its current edition? (``status`` and ``revise``).

A final edition keeps what it was made from (:mod:`crmlib.publish.edisi_masukan`):
the merged params in ``params.json``, the notebook's SHA-256 and the export's
SHA-256 in its manifest. Comparing the project's current inputs with those says
whether a revision would change anything: ``status`` then hints "gunakan revise",
and ``revise`` with nothing changed asks for ``--paksa``.

Compared: the export files (when they are present: exports are not in git), the
merged params key by key (project-level keys such as ``edisi`` aside) and the
report notebook. Not compared: crmlib, the templates and the lock, which concern
every month (a revision for a code fix is made with ``--paksa``), and the previous
month's figures (computing them means reading its export).
"""

from __future__ import annotations

import hashlib
import json

from crmlib.data.params import DEFAULT_ONLY, load_params, resolve_data_path
from crmlib.errors import CrmReportError
from crmlib.project import Project
from crmlib.publish.edisi import current_edition, edition_dir, read_manifest
from crmlib.publish.edisi_masukan import PARAMS_FILE, as_json


def changed_inputs(project: Project, periode: str) -> list[str] | None:
    """What differs between the month's inputs now and its current final edition's.

    Returns
    -------
    list of str or None
        Indonesian reasons (``"data berubah"``, ``"params berubah: catatan, kendala"``,
        ``"notebook berubah"``); empty when nothing differs; ``None`` for a draft
        month or an edition that kept no inputs (nothing to compare with).
    """
    n = current_edition(project.root, periode)
    if n is None:
        return None
    folder = edition_dir(project.root, periode, n)
    try:
        manifest = read_manifest(project.root, periode, n)
        kept = json.loads((folder / PARAMS_FILE).read_text(encoding="utf-8"))["params"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        params = as_json(load_params(project.params_dir, periode))
    except CrmReportError as e:
        return [f"params tidak valid: {e}"]
    reasons = []
    if _data_changed(project, params, manifest):
        reasons.append("data berubah")
    keys = sorted(
        k for k in {*params, *kept} if k not in DEFAULT_ONLY and params.get(k) != kept.get(k)
    )
    if keys:
        reasons.append(f"params berubah: {', '.join(keys)}")
    try:
        notebook = hashlib.sha256(project.notebook.read_bytes()).hexdigest()
    except OSError:
        notebook = None
    if notebook != manifest.get("notebook_sha256"):
        reasons.append("notebook berubah")
    return reasons


def _data_changed(project: Project, params: dict, manifest: dict) -> bool:
    """True when the export files now differ from those the edition read (absent: unknown, False)."""
    from crmlib.data.sources import locate_sources, sha256_file

    try:
        files = {
            src.path for src in locate_sources(resolve_data_path(params, project.root)).values()
        }
        now = sorted(sha256_file(f) for f in files)
    except (CrmReportError, OSError):
        return False
    recorded = sorted(str(i.get("sha256")) for i in manifest.get("input") or [])
    return bool(recorded) and now != recorded


def revise_hint(periode: str, reasons: list[str]) -> str:
    """``final, tetapi masukan berubah: gunakan revise (…)`` for ``status``."""
    return (
        f"final, tetapi masukan berubah: gunakan revise ({'; '.join(reasons)}): "
        f'crm-report revise {periode} --alasan "..."'
    )


__all__ = ["changed_inputs", "revise_hint"]
