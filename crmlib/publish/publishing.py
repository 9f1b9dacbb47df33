"""Atomic publishing in ``output/``: months swapped in whole, and what a killed run left behind.

A month (or a year) is built in a temporary folder ``output/.tmp-<name>-<pid>-<suffix>``
and swapped in with one atomic directory exchange, so readers see the old or the new
month, never a mix. A run killed mid-build or mid-swap leaves ``.tmp-``/``.old-``
folders that the next run recovers (:func:`recover_output`) under ``output/``'s lock
(:func:`writing_output`). The archive index is refreshed from what is published.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crmlib.errors import BuildError, CrmReportError
from crmlib.project import Project
from crmlib.publish.lock import DEFAULT_WAIT, hold_output_lock
from crmlib.publish.navigation import write_nav_pages
from crmlib.publish.store import remove_stale_temps

TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def publish(tmp_dir: Path, final_dir: Path) -> None:
    """Replace ``final_dir`` by ``tmp_dir`` so that readers see the old or the new month, never a mix.

    Never unpublishes: when ``tmp_dir`` is missing, the live month is left as it is.

    Raises
    ------
    BuildError
        When ``tmp_dir`` is not a folder (it was removed under the build).
    """
    if not tmp_dir.is_dir():
        raise BuildError(
            f"Folder sementara {tmp_dir} hilang sebelum diterbitkan; "
            f"{final_dir.name} yang sudah terbit tidak diubah."
        )
    if not final_dir.exists():
        os.rename(tmp_dir, final_dir)
        return
    if _exchange(tmp_dir, final_dir):
        shutil.rmtree(tmp_dir, ignore_errors=True)  # now holds the old month
        return
    # Fallback: two renames; recover_output() restores the old month if we die in between.
    old = final_dir.parent / f"{OLD_PREFIX}{final_dir.name}-{_unique()}"
    os.rename(final_dir, old)
    try:
        os.rename(tmp_dir, final_dir)
    except BaseException:
        os.rename(old, final_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _unique() -> str:
    """A name part no other process or call uses: pid and a random suffix."""
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def temp_folder(output_dir: Path, name: str) -> Path:
    """A fresh ``.tmp-`` path in ``output_dir`` to build ``name`` in before :func:`publish` (not created)."""
    return output_dir / f"{TMP_PREFIX}{name}-{_unique()}"


def recover_output(output_dir: Path) -> list[str]:
    """Clean up after a killed build: drop half-built temp folders, restore a month caught mid-swap.

    Only call it while holding ``output/``'s lock (:func:`writing_output`): the
    temp folders it deletes would otherwise be a running build's.
    """
    notes = []
    if not output_dir.is_dir():
        return notes
    for p in sorted(output_dir.iterdir()):
        if p.name.startswith(OLD_PREFIX) and p.is_dir():
            name = p.name[len(OLD_PREFIX) :].split("-")
            final = output_dir / "-".join(name[:2])  # .old-YYYY-MM[-pid-suffix]
            if not final.exists():
                os.rename(p, final)
                notes.append(f"{final.name}: hasil lama dipulihkan setelah build terhenti")
            else:
                shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(TMP_PREFIX) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(".") and p.name.endswith(".tmp") and p.is_file():
            p.unlink(missing_ok=True)  # e.g. a killed archive write's .index.html.*.tmp
    return notes


@contextmanager
def writing_output(
    project: Project, command: str, wait: float = DEFAULT_WAIT, notify=None
) -> Iterator[None]:
    """Hold ``output/``'s lock, after cleaning up what a killed run left there.

    Every command that writes ``output/`` runs inside this block, so a cleanup
    never deletes a running build's temp folders and two builds never interleave.
    """
    with hold_output_lock(project.output_dir, command, wait, notify):
        for note in recover_output(project.output_dir):
            if notify:
                notify(note)
        remove_stale_temps(project.root)  # a killed finalize's edition, outside terbitan/<month>/
        yield


def refresh_archive(project: Project) -> Path:
    """Rebuild ``output/index.html`` from the published months."""
    from crmlib.data.params import DEFAULT_FILE, read_raw
    from crmlib.data.refdata import city_identity
    from crmlib.publish import hashcache
    from crmlib.publish.archive import build_archive_index
    from crmlib.publish.arsip_sidik import SidikArsip
    from crmlib.publish.fingerprint import lock_sha256

    kota = "jakarta-timur"
    try:
        # As written: the city's code is all the archive needs (no schema, no pydantic).
        kota = str(read_raw(project.params_dir / DEFAULT_FILE).get("kota") or kota)
    except CrmReportError:
        pass
    label = city_identity(kota).get("nama_resmi", "")
    cache = hashcache.for_project(project)
    sidik = SidikArsip(project.cache_dir, cache, lock_sha256(project.root, cache))
    index = build_archive_index(project.output_dir, label, sidik_arsip=sidik)
    cache.save()
    write_nav_pages(project.output_dir)
    return index


def load_params_default(project: Project) -> dict:
    """Only ``params/_default.yaml`` (for commands that are not about one month)."""
    from crmlib.data.params import DEFAULT_FILE, read_yaml

    return read_yaml(project.params_dir / DEFAULT_FILE)


__all__ = [
    "OLD_PREFIX",
    "TMP_PREFIX",
    "load_params_default",
    "publish",
    "recover_output",
    "refresh_archive",
    "temp_folder",
    "writing_output",
]
