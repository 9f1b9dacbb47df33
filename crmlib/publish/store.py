"""Making a final edition in the store: prepared beside it, then put there with one rename.

An edition is prepared in ``terbitan/.tmp-<YYYY-MM>-edisi-<N>-<pid>-<random>/edisi-<N>/``,
outside the month's folder, so ``git add terbitan/<YYYY-MM>`` never picks up a half-made
one; it is signed there (the signature binding the manifest, :func:`crmlib.publish.edisi.manifest_digest`)
and checked by the caller, then :func:`commit_edition` renames it into
``terbitan/<YYYY-MM>/``. A killed run's temporary edition is removed by the next
run (:func:`remove_stale_temps`, under ``output/``'s lock).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmlib.errors import BuildError
from crmlib.publish.edisi import (
    MANIFEST,
    SIGNATURE_KEY,
    STORE_DIR,
    TMP_PREFIX,
    Edition,
    build_manifest,
    copy_file,
    edition_dir,
    files_of,
    manifest_digest,
    periode_label,
    sha256,
    write_manifest,
)


@dataclass
class PreparedEdition:
    """An edition written, signed and ready in a temporary folder, not yet in the store."""

    tmp: Path  # terbitan/.tmp-<periode>-edisi-<N>-<pid>-<random>/
    folder: Path  # tmp/edisi-<N>/: the edition's files and manifest
    target: Path  # terbitan/<periode>/edisi-<N>/
    manifest: dict[str, Any]

    def discard(self) -> None:
        """Remove the temporary folder (the store is untouched)."""
        shutil.rmtree(self.tmp, ignore_errors=True)


def remove_stale_temps(root: Path) -> None:
    """Drop temporary editions a killed finalize left (call only under ``output/``'s lock)."""
    store = Path(root) / STORE_DIR
    for stale in store.glob(f"{TMP_PREFIX}*") if store.is_dir() else []:
        shutil.rmtree(stale, ignore_errors=True)
    # Before this layout a killed run could leave one inside the month folder.
    for stale in store.glob(f"*/{TMP_PREFIX}edisi-*") if store.is_dir() else []:
        shutil.rmtree(stale, ignore_errors=True)


def prepare_edition(
    root: Path,
    edition: Edition,
    rendered: Path,
    signer=None,
    log: logging.Logger | None = None,
    keep: Callable[[Path], dict[str, Any]] | None = None,
) -> PreparedEdition:
    """Copy a freshly rendered final month into a temporary edition, with its manifest.

    When ``signer`` is given the PDF is signed, its signature binding the manifest
    (:func:`manifest_digest`); then the PDF's hash and the signature block complete
    the manifest. ``keep(folder)`` writes what the edition keeps to be built again
    into the temporary edition folder and returns the manifest keys that record it
    (:func:`crmlib.publish.edisi_masukan.keep_inputs`); they are part of what the
    signature binds. Nothing is in the store yet: :func:`commit_edition` puts it there.

    Raises
    ------
    BuildError
        When the edition already exists in the store (editions are never rewritten).
    """
    target = edition_dir(root, edition.periode, edition.edisi)
    if target.exists():
        raise BuildError(f"{target} sudah ada; edisi final tidak ditimpa.")
    store = Path(root) / STORE_DIR
    store.mkdir(parents=True, exist_ok=True)
    name = (
        f"{TMP_PREFIX}{edition.periode}-edisi-{edition.edisi}-{os.getpid()}-{secrets.token_hex(4)}"
    )
    prepared = PreparedEdition(store / name, store / name / target.name, target, {})
    prepared.folder.mkdir(parents=True)
    try:
        for f in files_of(edition.periode):
            copy_file(rendered / f, prepared.folder / f)
        manifest = build_manifest(root, edition, prepared.folder)
        if keep is not None:
            manifest.update(keep(prepared.folder))
        if signer is not None:
            from crmlib.publish import tandatangan

            reason = tandatangan.binding_reason(
                periode_label(edition.periode), edition.edisi, manifest_digest(manifest)
            )
            signature = tandatangan.sign_pdf(prepared.folder / "laporan.pdf", signer, reason, log)
            manifest["berkas"] = {f: sha256(prepared.folder / f) for f in files_of(edition.periode)}
            manifest[SIGNATURE_KEY] = {**signature, "manifest_sha256": manifest_digest(manifest)}
        write_manifest(prepared.folder / MANIFEST, manifest)
        prepared.manifest = manifest
    except BaseException:
        prepared.discard()
        raise
    return prepared


def commit_edition(prepared: PreparedEdition) -> Path:
    """Put a prepared edition into the store with one rename; its folder there.

    The month's folder is created by the same rename when this is its first
    edition, so a stop before it leaves nothing under ``terbitan/<periode>/``.
    """
    month = prepared.target.parent
    if month.is_dir() and any(month.iterdir()):
        os.rename(prepared.folder, prepared.target)
        shutil.rmtree(prepared.tmp, ignore_errors=True)
    else:
        os.rename(prepared.tmp, month)  # replaces an empty month folder, if any
    return prepared.target


__all__ = ["PreparedEdition", "commit_edition", "prepare_edition", "remove_stale_temps"]
