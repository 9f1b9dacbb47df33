"""The project's git state as an edition records it: its commit, what is not committed, worktrees.

A final edition records the commit it was built at; building it again
(``verify --bangun-ulang``) checks that commit out into a temporary worktree. That
only re-derives the edition if the files that shape a report were committed when it
was finalized, so ``finalize`` refuses a tree where they were not
(:func:`uncommitted_changes`), unless the analyst says ``--izinkan-perubahan``, and
the manifest then lists what was not committed.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import crmlib
from crmlib.errors import EditionError

#: What shapes a report besides its data and its kept params: the notebooks, the params
#: files, the templates, crmlib, and the environment's lock.
TRACKED = (
    "crmlib",
    "notebooks",
    "params",
    "_extensions",
    "_quarto.yml",
    "pyproject.toml",
    "requirements.lock",
)


def _git(root: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, timeout=timeout, check=False
    )


def head_commit(root: Path) -> str | None:
    """The full commit of ``root``'s checkout; ``None`` outside git."""
    try:
        out = _git(root, "rev-parse", "--verify", "-q", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None


def uncommitted_changes(root: Path) -> list[str]:
    """What in :data:`TRACKED` differs from the commit (edited, new, deleted), sorted.

    Not being a git checkout, or running a crmlib from somewhere else than the
    project, is a change too: the recorded commit would not describe what ran.
    """
    root = Path(root).resolve()
    if head_commit(root) is None:
        return ["folder proyek bukan checkout git (tidak ada commit yang dapat dicatat)"]
    out = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *TRACKED)
    changed = sorted({entry[3:] for entry in out.stdout.split("\0") if len(entry) > 3})
    package = Path(crmlib.__file__).resolve().parent
    if not package.is_relative_to(root) and not same_as_committed(root, package):
        # No path here: the list goes into the manifest, which names no folder of the analyst.
        changed.append(
            "crmlib yang berjalan ada di luar folder proyek dan berbeda dari crmlib/ commit-nya"
        )
    return changed


def same_as_committed(root: Path, package: Path) -> bool:
    """Whether the crmlib running from ``package`` (outside ``root``) is, file for file, the
    ``crmlib/`` of ``root``'s commit.

    A practice copy of the project (``git clone . ../latihan-crm``) runs the crmlib of the
    project's ``.venv``: the recorded commit still describes what ran when that crmlib's
    files are the commit's own (compared by git blob hash; ``__pycache__`` left out).
    """
    out = _git(root, "ls-tree", "-r", "-z", "HEAD", "--", "crmlib")
    committed = {}
    for entry in out.stdout.split("\0"):
        meta, _, path = entry.partition("\t")
        if path and meta.split()[1:2] == ["blob"]:
            committed[path] = meta.split()[2]
    running = {}
    for f in sorted(Path(package).rglob("*")):
        if "__pycache__" in f.parts or f.suffix == ".pyc" or not f.is_file():
            continue
        data = f.read_bytes()
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False)
        running[f"crmlib/{f.relative_to(package).as_posix()}"] = blob.hexdigest()
    return bool(committed) and committed == running


@contextlib.contextmanager
def worktree_at(root: Path, commit: str) -> Iterator[Path]:
    """A temporary detached worktree of ``root``'s repository at ``commit``; removed afterwards.

    Raises
    ------
    EditionError
        When the commit is not in the repository (a shallow clone, another repository).
    """
    folder = Path(tempfile.mkdtemp(prefix="crm-bangun-ulang-"))
    tree = folder / "proyek"
    out = _git(Path(root), "worktree", "add", "--detach", "--quiet", str(tree), commit, timeout=120)
    if out.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise EditionError(
            f"Commit {commit} tidak ada di repositori ini ({out.stderr.strip()[:200]}); "
            "edisi tidak dapat dibangun ulang di sini (salinan dangkal? ambil riwayat lengkapnya "
            "dengan git fetch --unshallow)."
        )
    try:
        yield tree
    finally:
        _git(Path(root), "worktree", "remove", "--force", str(tree))
        shutil.rmtree(folder, ignore_errors=True)
        _git(Path(root), "worktree", "prune")


__all__ = ["TRACKED", "head_commit", "uncommitted_changes", "worktree_at"]
