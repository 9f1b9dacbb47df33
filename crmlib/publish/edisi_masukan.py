"""What a final edition keeps so that anyone can build it again, byte for byte.

Beside its five files, an edition in ``terbitan/<YYYY-MM>/edisi-<N>/`` keeps::

    masukan/laporan.csv, koordinasi.csv, sumber.json
                      the canonical tables its figures were computed from
                      (crmlib.data.canonical: reporter columns dropped, PII masked)
    params.json       the merged params as the build used them, the previous month's
                      headline figures (``riwayat``), the renderer, and the edition
                      itself (number, who, reason, finalize time: the only time the
                      documents show besides the data's per_tanggal)
    laporan_bulanan.ipynb   the report notebook as it ran (outputs stripped, as in git)

and its manifest records their SHA-256 (:func:`keep_inputs`) beside the original
export's, with the lock's hash. :func:`stored_inputs` reads them back for
``verify --bangun-ulang`` (:mod:`crmlib.publish.bangun_ulang`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmlib.data.contract import CANONICAL_FOLDER as CANONICAL
from crmlib.errors import EditionError, StorageError
from crmlib.publish.edisi import Edition

PARAMS_FILE = "params.json"
NOTEBOOK_FILE = "laporan_bulanan.ipynb"


def as_json(value: Any) -> Any:
    """``value`` as it comes back from JSON: what a kept edition gives back, also on its first build.

    The build hands the notebook and the front matter the params and history in
    this form, so the first build and a build from the kept ``params.json`` see the
    very same values (a tuple is a list, a NumPy float a plain float).
    """
    return json.loads(json.dumps(value, ensure_ascii=False))


@dataclass
class KeptInputs:
    """What a final edition is built from, besides its canonical tables (see module doc)."""

    params: dict
    riwayat: list
    notebook: Path
    edition: Edition
    renderer: str
    # The inputs' warnings published in metrics.json (kept only when there are any).
    peringatan: list[str] = field(default_factory=list)


@dataclass
class StoredInputs:
    """A kept edition's inputs, read back (:func:`stored_inputs`)."""

    params: dict
    riwayat: list
    data: Path  # the kept canonical folder
    notebook: Path
    edition: Edition
    renderer: str
    peringatan: list[str] = field(default_factory=list)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _edition_record(e: Edition) -> dict[str, Any]:
    return {
        "edisi": e.edisi,
        "oleh": e.oleh,
        "alasan": e.alasan,
        "tanggal": e.tanggal.isoformat(),
        "waktu": e.waktu,
    }


def keep_inputs(kept: KeptInputs, month_dir: Path, edition_dir: Path) -> dict[str, Any]:
    """Write what the edition keeps into ``edition_dir``; the manifest's keys for it.

    Parameters
    ----------
    kept : KeptInputs
        Params, history, notebook, edition and renderer of the build.
    month_dir : path
        The month's temp folder, holding the canonical folder the build computed from.
    edition_dir : path
        The edition being stored (still its temporary folder).

    Returns
    -------
    dict
        ``masukan`` (SHA-256 by canonical file), ``params_sha256``, ``notebook_sha256``.
    """
    with StorageError.writing(edition_dir / CANONICAL):
        shutil.copytree(month_dir / CANONICAL, edition_dir / CANONICAL)
    record = {
        "periode": kept.edition.periode,
        "params": kept.params,
        "riwayat": kept.riwayat,
        "renderer": kept.renderer,
        "edisi": _edition_record(kept.edition),
    }
    if kept.peringatan:  # a build from the kept record publishes them again
        record["peringatan"] = list(kept.peringatan)
    # Key order kept: the notebook receives the params in the order the build had them.
    params = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    with StorageError.writing(edition_dir / PARAMS_FILE):
        (edition_dir / PARAMS_FILE).write_text(params, encoding="utf-8")
    notebook = kept.notebook.read_bytes()
    with StorageError.writing(edition_dir / NOTEBOOK_FILE):
        (edition_dir / NOTEBOOK_FILE).write_bytes(notebook)
    return {
        "masukan": {
            p.name: _sha256(p.read_bytes()) for p in sorted((edition_dir / CANONICAL).iterdir())
        },
        "params_sha256": _sha256(params.encode("utf-8")),
        "notebook_sha256": _sha256(notebook),
    }


def kept_mismatches(edition_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """Kept inputs whose SHA-256 is not the manifest's (a missing file counts), by name."""
    expected = {f"{CANONICAL}/{n}": h for n, h in (manifest.get("masukan") or {}).items()}
    expected[PARAMS_FILE] = manifest.get("params_sha256")
    expected[NOTEBOOK_FILE] = manifest.get("notebook_sha256")
    bad = []
    for name, sha in expected.items():
        path = edition_dir / name
        if not path.is_file() or _sha256(path.read_bytes()) != sha:
            bad.append(name)
    return bad


def keeps_inputs(manifest: dict[str, Any]) -> bool:
    """True when the edition was stored with its inputs (editions made before this kept none)."""
    return bool(manifest.get("masukan")) and bool(manifest.get("params_sha256"))


def stored_inputs(edition_dir: Path) -> StoredInputs:
    """The inputs a kept edition is built again from.

    Raises
    ------
    EditionError
        When ``params.json`` is missing or unreadable.
    """
    try:
        record = json.loads((edition_dir / PARAMS_FILE).read_text(encoding="utf-8"))
        e = record["edisi"]
        edition = Edition(
            record["periode"],
            int(e["edisi"]),
            e["oleh"],
            e["alasan"],
            tanggal=dt.date.fromisoformat(e["tanggal"]),
            waktu=e["waktu"],
        )
        return StoredInputs(
            params=record["params"],
            riwayat=record["riwayat"],
            data=edition_dir / CANONICAL,
            notebook=edition_dir / NOTEBOOK_FILE,
            edition=edition,
            renderer=record["renderer"],
            peringatan=list(record.get("peringatan") or []),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EditionError(
            f"{edition_dir / PARAMS_FILE} tidak dapat dibaca ({exc}); edisi ini tidak dapat "
            "dibangun ulang."
        ) from None


__all__ = [
    "KeptInputs",
    "NOTEBOOK_FILE",
    "PARAMS_FILE",
    "StoredInputs",
    "as_json",
    "keep_inputs",
    "kept_mismatches",
    "keeps_inputs",
    "stored_inputs",
]
