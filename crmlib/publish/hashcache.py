"""SHA-256 of files, remembered by their ``stat`` so an unchanged file is not read again.

The up-to-date check of ``build`` and ``status`` fingerprints every input (data, params,
notebook, templates, crmlib's sources) and every published file of every month. Read
and hashed each time, that is the whole archive's bytes on every no-change build. Here
a file's hash is computed on first sight and kept with what ``stat`` says of the file
(size, ``mtime_ns``, inode, ``ctime_ns``); it is used again only while all four are
unchanged. A file replaced by another with the same size and modification time has a
new inode (a rename or a copy) or a new ``ctime`` (a rewrite in place: ``ctime`` cannot
be set back), so it is hashed again.

One rule guards against a write racing the hash: a hash is only remembered when the
file's ``ctime`` is more than :data:`RACY_SECONDS` old, so a file written in the same
clock tick as it was hashed (coarse file-system timestamps) is hashed again next time.

The cache belongs to the machine, not to the report (inodes and ``ctime`` mean nothing
elsewhere): it lives in the project's ``.crm-report-cache/`` (:data:`CACHE_FILE`; the
folder ignores itself for git, like ``.pytest_cache/``), never in ``output/``, which is
published. It is loaded once per process and written back (atomically) when it gained
entries; losing it only costs one hashing of everything.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

from crmlib.data.locate import sha256_file
from crmlib.project import Project

CACHE_FILE = "hash.json"
# A file changed less than this long ago may still be written to in the same timestamp tick.
RACY_SECONDS = 2.0
_VERSION = 1

_caches: dict[str, HashCache] = {}


def _signature(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


class HashCache:
    """File hashes by path, valid while the file's stat signature is unchanged.

    Parameters
    ----------
    store : path or None
        The JSON file the cache is loaded from and saved to; None keeps it in memory.
    """

    def __init__(self, store: Path | None) -> None:
        self.store = store
        self.entries: dict[str, list] = {}
        self.changed = False
        if store is not None:
            with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
                data = json.loads(store.read_text(encoding="utf-8"))
                if data.get("versi") == _VERSION:
                    self.entries = dict(data["berkas"])

    def sha256(self, path: Path) -> str:
        """The file's SHA-256 hex digest (``OSError`` when it cannot be read).

        Read and hashed only when its stat signature differs from the remembered one.
        """
        key = os.path.abspath(path)
        before = _signature(os.stat(path))
        known = self.entries.get(key)
        if known is not None and known[:4] == before:
            return known[4]
        digest = sha256_file(Path(path))
        after = os.stat(path)
        settled = time.time_ns() - after.st_ctime_ns > RACY_SECONDS * 1e9
        if _signature(after) == before and settled:
            self.entries[key] = [*before, digest]
            self.changed = True
        elif known is not None:
            del self.entries[key]
            self.changed = True
        return digest

    def save(self) -> None:
        """Write the cache back when it changed (atomically; a failure only loses the cache)."""
        if self.store is None or not self.changed:
            return
        # Entries of files that are gone (months removed, temp folders) are dropped.
        self.entries = {k: v for k, v in self.entries.items() if os.path.exists(k)}
        text = json.dumps({"versi": _VERSION, "berkas": self.entries}, sort_keys=True)
        if write_cache_file(self.store.parent, self.store.name, text):
            self.changed = False


def make_cache_dir(folder: Path) -> None:
    """The project's cache folder, with a ``.gitignore`` that keeps it out of every commit."""
    if not folder.is_dir():
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("# crm-report's caches of this machine\n*\n")


def write_cache_file(cache_dir: Path, name: str, text: str) -> bool:
    """Write ``text`` to ``cache_dir/name`` whole (a temporary file, then a rename).

    Returns whether it was written: a cache that cannot be written only costs the
    next run its work, so a failure is not an error.
    """
    target = Path(cache_dir) / name
    tmp = None
    try:
        make_cache_dir(Path(cache_dir))
        target.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
    return True


def for_project(project: Project) -> HashCache:
    """This process's hash cache of ``project`` (loaded from disk on first use)."""
    key = os.path.abspath(project.root)
    if key not in _caches:
        _caches[key] = HashCache(project.cache_dir / CACHE_FILE)
    return _caches[key]
