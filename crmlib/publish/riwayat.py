"""The previous month's headline figures for a month's report, computed once per input.

A report compares its month with the month before (``riwayat``: total reports,
capaian, share answered in time), computed from the previous month's own data so that
the order of a batch never matters (:func:`crmlib.report.laporan.previous_month_headline`).
That read and computed every month a second time, for its successor. Now the build
remembers a month's headline when it computes the month, under a key of what it was
computed from (its params as written, its data files' hashes, crmlib's code); the next
month takes it from there, and computes it only when it is not there yet (a parallel
build whose previous month is still running, a month never built). The entries live in
the project's ``.crm-report-cache/riwayat/``, one file per key, written whole and
renamed, so workers never see half an entry.
"""

from __future__ import annotations

import contextlib
import json

from crmlib.data.params import raw_params, resolve_data_path
from crmlib.data.periode import previous_periode
from crmlib.errors import CrmReportError
from crmlib.project import Project
from crmlib.publish import hashcache
from crmlib.publish.fingerprint import code_hash, data_hash, hash_bytes, hash_json

RIWAYAT_DIR = "riwayat"


def _key(project: Project, periode: str) -> str | None:
    """What a month's headline is computed from, hashed; None when its params are unusable."""
    try:
        params = raw_params(project.params_dir, periode)
    except CrmReportError:
        return None
    cache = hashcache.for_project(project)
    data = data_hash(resolve_data_path(params, project.root), cache)
    return hash_bytes(hash_json(params).encode(), data.encode(), code_hash(cache).encode())


def remember(project: Project, periode: str, metrics) -> None:
    """Keep the headline of ``periode`` (just computed by its build) for the month after it."""
    from crmlib.report.laporan import headline

    key = _key(project, periode)
    if key is not None:
        _store(project, key, headline(metrics))


def _store(project: Project, key: str, entry: dict) -> None:
    # A cache: when it cannot be written, the next month computes the figures instead.
    # Keys in the order the headline has them: the entry becomes the notebook's
    # `riwayat` parameter, written as it is, so a remembered entry must read back
    # exactly as a computed one (sorted keys made the same month's notebook differ).
    text = json.dumps(entry)
    hashcache.write_cache_file(project.cache_dir, f"{RIWAYAT_DIR}/{key}.json", text)


def previous_headline(project: Project, periode: str) -> tuple[list[dict], str | None]:
    """The headline figures of the month before ``periode``, and why they are left out, if so.

    Remembered by that month's build when its inputs are unchanged since; computed
    from its data otherwise (and then remembered). ``([], None)`` when there is no month
    before; ``([], warning)`` when it cannot be read
    (:func:`crmlib.report.laporan.previous_month`): the month being built never fails for it.
    """
    from crmlib.report.laporan import previous_month

    prev = previous_periode(periode)
    if not (project.params_dir / f"{prev}.yaml").exists():
        return [], None
    key = _key(project, prev)
    if key is not None:
        with contextlib.suppress(OSError, ValueError):
            entry = json.loads((project.cache_dir / RIWAYAT_DIR / f"{key}.json").read_text("utf-8"))
            if isinstance(entry, dict) and entry.get("periode") == prev:
                return [entry], None
    computed, warning = previous_month(project, periode)
    if key is not None and computed:
        _store(project, key, computed[0])
    return computed, warning
