"""A month's final edition prepared beside the store by the month pipeline, and checked.

:func:`crmlib.publish.month.build_month` renders the month, prepares its edition here
(:func:`prepare_final`, then :func:`check_final`) and returns it unstored as a
:class:`FinalReady`; :func:`crmlib.publish.finalize.finalize` stores and publishes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmlib.errors import EditionError
from crmlib.publish.edisi import Edition
from crmlib.publish.edisi_masukan import KeptInputs
from crmlib.publish.fingerprint import lock_sha256


@dataclass
class FinalReady:
    """A final edition rendered and prepared, waiting to be stored and published."""

    prepared: Any  # store.PreparedEdition
    rendered: Path  # the month's temp folder in output/ (its build.log)
    state: dict  # build-info.json of the published month, without status/edition


def prepare_final(
    root: Path, edition: Edition, tmp: Path, kept: KeptInputs, signer, log: logging.Logger
):
    """Prepare the final edition rendered in ``tmp`` beside the store (signed when ``signer``).

    The edition keeps its inputs (:mod:`crmlib.publish.edisi_masukan`), and its
    manifest records them, the lock's hash and the changes the finalizer allowed;
    the signature binds all of it. Returns the prepared edition
    (:class:`crmlib.publish.store.PreparedEdition`), which the caller discards on failure.
    """
    from crmlib.publish import store
    from crmlib.publish.edisi_masukan import keep_inputs

    def keep(edition_dir: Path) -> dict:
        return {
            **keep_inputs(kept, tmp, edition_dir),
            "lock_sha256": lock_sha256(root),
            "perubahan_diizinkan": edition.perubahan,
        }

    return store.prepare_edition(root, edition, tmp, signer, log, keep)


def check_final(prepared, periode: str, edition: Edition, roots: list, log: logging.Logger) -> None:
    """Check a prepared edition as ``verify`` does (git aside): one that would not verify is never stored.

    Raises
    ------
    EditionError
        The edition failed a check (the message lists them).
    """
    from crmlib.publish import verify

    # pyHanko's own records (tracebacks for an untrusted chain) stay out of the published log.
    check = verify.check_edition(prepared.folder, periode, edition.edisi, roots)
    for line in check.lines:
        log.info("periksa %s", line.strip())
    if not check.ok:
        hint = ""
        if any(p.startswith("PDF/A") for p in check.masalah):
            hint = (
                " Bila dibuat dengan Quarto: pakai Quarto 1.10 (conda env update -f "
                "environment.yml) atau finalkan dengan --renderer embedded."
            )
        raise EditionError(
            f"Edisi {edition.edisi} {periode} tidak disimpan karena tidak lolos "
            f"pemeriksaan: {'; '.join(p.rstrip('.') for p in check.masalah)}.{hint}"
        )
