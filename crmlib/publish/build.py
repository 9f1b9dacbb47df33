"""Batch builds: which months to build, and building them under ``output/``'s lock.

A month is rebuilt only when something it depends on changed (its fingerprint,
:mod:`crmlib.publish.fingerprint`); final editions are republished from the store
(:mod:`crmlib.publish.finalize`); the others go through the month pipeline
(:mod:`crmlib.publish.month`), one after the other or in a process pool
(:mod:`crmlib.publish.pool`) that reports back to this process, which alone writes
to the terminal. The archive index is refreshed when a month was published.
"""

from __future__ import annotations

import datetime as dt
import os

from crmlib.data.params import list_months, raw_params
from crmlib.errors import CrmReportError, ParamsError
from crmlib.project import Project
from crmlib.publish import hashcache
from crmlib.publish.failures import drop_failed_log
from crmlib.publish.finalize import republish_finals
from crmlib.publish.fingerprint import (
    is_up_to_date,
    month_fingerprint,
    rebuild_reasons,
    shared_change_note,
    shared_fingerprint,
)
from crmlib.publish.lock import DEFAULT_WAIT
from crmlib.publish.month import MonthResult
from crmlib.publish.navigation import nav_pages_current
from crmlib.publish.publishing import refresh_archive, writing_output


def plan(project: Project, months: list[str], all_months: bool) -> list[str]:
    """The months to consider, oldest first, validated as YYYY-MM with a params file."""
    from crmlib.data.periode import parse_periode

    available = list_months(project.params_dir)
    if all_months:
        if not available:
            raise ParamsError(f"Tidak ada berkas params/YYYY-MM.yaml di {project.params_dir}.")
        return available
    if not months:
        raise ParamsError("Sebutkan bulan yang dibangun (mis. 2022-06) atau gunakan --all.")
    for m in months:
        parse_periode(m)
    return sorted(dict.fromkeys(months))


def check_up_to_date(
    project: Project, months: list[str], renderer: str, force: bool
) -> tuple[list[str], list[MonthResult], dict[str, list[str]]]:
    """Split months into those to build and those already up to date (no execution, no rendering).

    Returns
    -------
    (todo, fresh, reasons)
        The months to build, the results of those up to date, and why each month to
        build is built (when its fingerprint could be computed; empty with ``force``).
    """
    from crmlib.render import renderer as render

    if force:
        return months, [], {}
    try:
        chosen = render.pick_renderer(renderer)
    except CrmReportError:
        return months, [], {}  # let the build report the missing renderer per month
    shared = shared_fingerprint(project)
    todo, fresh, reasons = [], [], {}
    for periode in months:
        try:
            params = raw_params(project.params_dir, periode)
            fp = month_fingerprint(project, periode, params, chosen, shared)
        except CrmReportError:
            todo.append(periode)
            continue
        if is_up_to_date(project, periode, fp):
            fresh.append(MonthResult(periode, "terkini", 0.0, renderer=chosen))
        else:
            todo.append(periode)
            reasons[periode] = rebuild_reasons(project, periode, fp)
    hashcache.for_project(project).save()
    return todo, fresh, reasons


def archive_behind(output_dir) -> bool:
    """Whether ``index.html`` is missing or older than a published month's ``build-info.json``."""
    from crmlib.publish.fingerprint import STATE_FILE

    try:
        index = (output_dir / "index.html").stat().st_mtime
    except OSError:
        return True
    states = output_dir.glob(f"[0-9][0-9][0-9][0-9]*/{STATE_FILE}")
    return any(p.stat().st_mtime > index for p in states)


def build(
    project: Project,
    months: list[str],
    *,
    jobs: int | None = None,
    force: bool = False,
    renderer: str = "auto",
    on_event=None,
    wait: float = DEFAULT_WAIT,
    command: str = "build",
    warm_after: bool = False,
) -> list[MonthResult]:
    """Build months in a process pool; returns one result per month, oldest first.

    ``on_event(kind, result_or_periode)`` is called in this process only, so the
    caller decides how to show progress (a bar on a terminal, plain lines in CI).
    The whole run holds ``output/``'s lock (waiting up to ``wait`` seconds for it).
    ``warm_after``: the caller executes a notebook next (an annual report), so this
    process's kernel boots while the pool's last months are still being built.
    Ctrl-C, SIGTERM or SIGHUP stops the whole batch (the lock's
    :func:`crmlib.publish.lock.stop_on_signals`): nothing more is published, temp folders,
    workers and kernels are cleaned up, and ``KeyboardInterrupt`` is raised.
    """
    from crmlib.render import renderer as render

    def emit(kind: str, payload) -> None:
        if on_event:
            on_event(kind, payload)

    if renderer != "auto":
        render.pick_renderer(renderer)  # fail once, early, with the install hint
    results: list[MonthResult] = []
    with writing_output(project, command, wait, lambda n: emit("catatan", n)):
        # Final editions are never rebuilt, not even with --force: republished from the store.
        for r in republish_finals(project, months):
            results.append(r)
            emit("selesai", r)
        months = [m for m in months if m not in {r.periode for r in results}]
        todo, fresh, reasons = check_up_to_date(project, months, renderer, force)
        note = shared_change_note(reasons)
        if note and len(todo) > 1:  # said before the drafts are rebuilt, not after
            emit("catatan", note)
        for r in fresh:
            drop_failed_log(project, r.periode)  # what is published is what was asked for
            results.append(r)
            emit("selesai", r)
        built_at = dt.datetime.now().replace(microsecond=0).isoformat()
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
        args = (str(project.root), renderer, force, built_at)
        try:
            from crmlib.publish.pool import build_parallel, build_serial

            if jobs == 1 or len(todo) == 1:
                build_serial(todo, args, emit, results)
            elif todo:
                build_parallel(project, todo, jobs, args, emit, results, warm_after)
        except KeyboardInterrupt:
            # The index must list exactly the months that are published, also when stopped.
            if any(r.published for r in results):
                refresh_archive(project)
            raise
        # The archive only changes when a month was published (keeps a no-op rebuild instant),
        # or when a run was killed between publishing a month and refreshing the archive.
        if any(r.published for r in results) or archive_behind(project.output_dir):
            refresh_archive(project)
        elif not nav_pages_current(project.output_dir):
            refresh_archive(project)  # a month removed by hand: neighbours and status change
    return sorted(results, key=lambda r: r.periode)


__all__ = ["archive_behind", "build", "check_up_to_date", "plan"]
