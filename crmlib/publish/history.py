"""What git remembers of the edition store: editions ever held, and the commit that added one.

A final edition is immutable, so the commit that first added its manifest is the
reference for its bytes: any later difference (edited, replaced or re-committed
files) is a change to a final. Unsigned editions rest on this entirely; signed
ones are bound by their signature and checked here as well. Every function is a
few ``git`` calls in the project folder and answers "nothing known" when the
project is not a git checkout or git is missing.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_MANIFEST_PATH = re.compile(
    r"(?:^|/)terbitan/(\d{4}-\d{2}|\d{4})/edisi-([1-9][0-9]*)/manifest\.json$"
)


def _git(root: Path, *args: str) -> str | None:
    """``git ARGS`` in ``root``: its stdout, or None when it failed (not a checkout, no git)."""
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def is_checkout(root: Path) -> bool:
    """Whether ``root`` is inside a git work tree with at least one commit."""
    return bool((_git(root, "rev-parse", "--verify", "-q", "HEAD") or "").strip())


def editions_ever_held(root: Path, store: str = "terbitan") -> dict[str, set[int]]:
    """Every edition whose manifest git's history (HEAD) has ever held, by period.

    Deleted editions count: numbering continues from what git has seen, and a
    store folder that went missing is noticed.
    """
    out = _git(root, "log", "--format=", "--name-only", "--diff-filter=A", "--", f"{store}/")
    held: dict[str, set[int]] = {}
    for line in (out or "").splitlines():
        m = _MANIFEST_PATH.search(line.strip())
        if m:
            held.setdefault(m.group(1), set()).add(int(m.group(2)))
    return held


@dataclass(frozen=True)
class Recorded:
    """An edition folder as the commit that added it recorded it."""

    commit: str
    blobs: dict[str, str]  # path inside the edition folder -> git blob id


def recorded_edition(root: Path, folder: Path) -> Recorded | None:
    """The edition folder as first committed, or None when git never held it."""
    rel = Path(folder).resolve().relative_to(Path(root).resolve()).as_posix()
    log = _git(root, "log", "--format=%H", "--diff-filter=A", "--", f"{rel}/manifest.json")
    commits = (log or "").split()
    if not commits:
        return None
    first = commits[-1]  # log lists newest first: a re-added edition is still judged by the first
    tree = _git(root, "ls-tree", "-r", "-z", first, "--", f"{rel}/")
    blobs = {}
    for entry in (tree or "").split("\0"):
        if "\t" in entry:
            meta, path = entry.split("\t", 1)
            blobs[path.removeprefix(f"{rel}/")] = meta.split()[2]
    return Recorded(first, blobs)


def blob_ids(root: Path, folder: Path) -> dict[str, str]:
    """The blob id git would store now for each file under ``folder``, by path inside it."""
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
    if not files:
        return {}
    out = _git(root, "hash-object", "--", *(str(f) for f in files))
    ids = (out or "").split()
    if len(ids) != len(files):
        return {}
    return {f.relative_to(folder).as_posix(): i for f, i in zip(files, ids, strict=True)}


__all__ = ["Recorded", "blob_ids", "editions_ever_held", "is_checkout", "recorded_edition"]
