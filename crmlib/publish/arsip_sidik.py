"""When the archive's unit and kecamatan pages can be left as they are.

Those pages (and the CSV beside them) hold every month of every unit, with the
tickets behind each figure: tens of megabytes of HTML for two years, and most of
what regenerating the archive costs. They change only when what they are made of
changes. That is: a month's ``metrics.json``, the files and editions of a month,
the city's name, the stylesheet, crmlib's code and templates, or the locked
packages. :class:`SidikArsip` hashes exactly that (the *sidik*, fingerprint). It
remembers the sidik with the ``stat`` of every page it wrote, in the project's
cache folder (never in ``output/``, which is published). The next regeneration
renders those pages only when the sidik differs or a page is no longer the file
that was written: edited, replaced, removed or added by hand.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crmlib.publish.fingerprint import code_hash, hash_bytes, hash_json
from crmlib.publish.hashcache import HashCache, write_cache_file

RECORD_FILE = "arsip.json"
_VERSION = 1
# The archive's own templates (Jinja2): not part of code_hash, which covers what a
# month's build depends on.
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _stat(path: Path) -> list[int]:
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


class SidikArsip:
    """The fingerprint of the archive's series pages and the record of the last one written.

    Parameters
    ----------
    cache_dir : path
        The project's cache folder (``.crm-report-cache/``), where the record lives.
    cache : HashCache
        The project's stat-keyed file hashes (a month's ``metrics.json`` is read once).
    lock_sha256 : str or None
        Hash of the project's ``requirements.lock`` (Babel's formats, Jinja2's output).
    """

    def __init__(self, cache_dir: Path, cache: HashCache, lock_sha256: str | None) -> None:
        self.store = Path(cache_dir) / RECORD_FILE
        self.cache = cache
        self.lock_sha256 = lock_sha256

    def sidik(
        self, output_dir: Path, months: list[dict[str, Any]], kota_label: str, css: str
    ) -> str:
        """Hash of everything the unit and kecamatan pages and the CSV are made of.

        ``months`` are the archive's month summaries (``folder``, ``files``,
        ``edisi``); their figures come from each month's ``metrics.json``, hashed
        here as a file.
        """
        per_bulan = [
            [
                m["folder"],
                self.cache.sha256(output_dir / m["folder"] / "metrics.json"),
                m.get("files"),
                m.get("edisi"),
            ]
            for m in months
        ]
        templates = sorted(p for p in _TEMPLATES.rglob("*") if p.is_file())
        return hash_bytes(
            hash_json([_VERSION, kota_label, self.lock_sha256, per_bulan]).encode(),
            hash_bytes(css.encode("utf-8")).encode(),
            code_hash(self.cache).encode(),
            *(
                p.relative_to(_TEMPLATES).as_posix().encode() + self.cache.sha256(p).encode()
                for p in templates
            ),
        )

    def current(self, output_dir: Path, sidik: str, pages: Iterable[Path]) -> bool:
        """True when the last pages written were made from ``sidik`` and are still those files.

        ``pages`` are the series pages and CSV found in ``output_dir`` now; one added,
        removed or rewritten since makes the archive render them again.
        """
        try:
            record = json.loads(self.store.read_text(encoding="utf-8"))
            if record.get("versi") != _VERSION or record.get("sidik") != sidik:
                return False
            if record.get("output") != os.path.abspath(output_dir):
                return False
            now = {p.relative_to(output_dir).as_posix(): _stat(p) for p in pages}
        except (OSError, ValueError, AttributeError):
            return False
        return now == record.get("halaman")

    def remember(self, output_dir: Path, sidik: str, pages: Iterable[Path]) -> None:
        """Record ``sidik`` with the stat of the pages just written (a failure only costs speed)."""
        record = {
            "versi": _VERSION,
            "sidik": sidik,
            "output": os.path.abspath(output_dir),
            "halaman": {p.relative_to(output_dir).as_posix(): _stat(p) for p in pages},
        }
        write_cache_file(self.store.parent, self.store.name, json.dumps(record, sort_keys=True))
