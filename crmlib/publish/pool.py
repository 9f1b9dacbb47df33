"""Running months: one after the other, or in a pool of worker processes, and stopping them.

Ctrl-C, SIGTERM or SIGHUP (the terminal closed) stops a whole batch: queued months are
dropped, workers are terminated (each discards its temp folder and kernel) and killed if
they linger, and a worker whose build process died, even by ``kill -9``, stops by itself.
The month pipeline itself is :func:`crmlib.publish.month.build_month`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from crmlib.project import Project
from crmlib.publish.lock import STOP_SIGNALS
from crmlib.publish.month import MonthResult, build_month, import_pipeline
from crmlib.publish.publishing import recover_output

# A stopped pool worker exits after at most this many seconds, its cleanup done or not.
WORKER_STOP_SECONDS = 2.0


def build_serial(todo: list[str], args: tuple, emit, results: list[MonthResult]) -> None:
    """Build months one after the other in this process, on one warm kernel."""
    from crmlib.render.execute import kill_warm_kernel, prestart_warm_kernel

    if not todo:
        return
    root, renderer, force, built_at = args
    # Boot the kernel now, while this process still imports the build steps.
    prestart_warm_kernel(papermill=True)
    try:
        import_pipeline()
        for periode in todo:
            emit("mulai", periode)
            r = build_month(root, periode, renderer, force, built_at, draw_ahead=True)
            results.append(r)
            emit("selesai", r)
    except BaseException:
        kill_warm_kernel()
        raise


def build_parallel(
    project: Project,
    todo: list[str],
    jobs: int,
    args: tuple,
    emit,
    results: list[MonthResult],
    warm_after: bool = False,
) -> None:
    """Build months in a pool of worker processes, each with its own warm kernel.

    A worker that dies (killed, out of memory, a crash in a native library) breaks the
    whole pool, and every month still in it would fail with it. The months the break
    caught are therefore built again, each in a pool of its own: a month that kills
    its worker again fails alone, and the others are built.

    ``warm_after``: this process executes a notebook afterwards (the annual report); its
    kernel boots as soon as a worker has no month left, on the core that has gone idle.
    """
    from crmlib.render.execute import kill_warm_kernel

    try:
        caught = _run_pool(project, todo, jobs, args, emit, results, warm_after=warm_after)
    except BaseException:
        kill_warm_kernel()
        raise
    for periode in caught:
        for again in _run_pool(project, [periode], 1, args, emit, results, isolated=True):
            r = MonthResult(again, "gagal", reason=_died_reason(again), exit_code=70)
            results.append(r)
            emit("selesai", r)


def _died_reason(periode: str) -> str:
    return (
        f"proses pekerja yang membangun {periode} berhenti mendadak, juga ketika bulan ini "
        "dibangun sendiri (kemungkinan kehabisan memori atau dihentikan dari luar); bulan "
        "lain tidak terpengaruh. Jalankan ulang: crm-report build " + periode
    )


def _run_pool(
    project: Project,
    todo: list[str],
    jobs: int,
    args: tuple,
    emit,
    results: list[MonthResult],
    isolated: bool = False,
    warm_after: bool = False,
) -> list[str]:
    """Build ``todo`` in one pool; the months a dead worker took down with the pool.

    Each month that finishes (built or failed) is appended to ``results`` and emitted.
    ``isolated``: a month built again alone after a dead worker (see
    :func:`build_parallel`); ``warm_after`` as there.
    """
    from crmlib.render.execute import prestart_warm_kernel

    root, renderer, force, built_at = args
    # forkserver: workers start from a clean process, not a fork of this one, so they
    # inherit no kernel sockets or event loops; the server preloads crmlib once.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(
        ["crmlib.publish.pool", "crmlib.render.execute", "crmlib.render.renderer"]
    )
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),)
    )
    caught: list[str] = []
    try:
        futures = {
            pool.submit(_build_month_in_worker, root, p, renderer, force, built_at): p for p in todo
        }
        for fut in as_completed(futures):
            try:
                r = fut.result()
            except BrokenProcessPool:  # a worker died: this month may not be the one
                caught.append(futures[fut])
                continue
            except Exception as exc:  # the result could not come back
                r = MonthResult(futures[fut], "gagal", reason=f"proses pekerja berhenti: {exc}")
            results.append(r)
            emit("selesai", r)
            if warm_after and len(futures) - sum(f.done() for f in futures) < jobs:
                prestart_warm_kernel()
    except BaseException:
        _stop_pool(pool)
        # Workers are gone and the lock is still ours: their temp folders can go.
        recover_output(project.output_dir)
        raise
    pool.shutdown(wait=True)
    if caught:
        # The dead worker's temp folder (it could not remove it) goes before a new try.
        recover_output(project.output_dir)
    return sorted(caught)


def _stop_pool(pool: ProcessPoolExecutor, grace: float = WORKER_STOP_SECONDS + 1) -> None:
    """Stop a pool now: drop queued months, SIGTERM the workers, SIGKILL those that linger."""
    # A second Ctrl-C must not cut the cleanup short.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for w in workers:
            if w.is_alive():
                w.terminate()  # the worker discards its temp folder and kernel, then exits
        deadline = time.monotonic() + grace
        for w in workers:
            w.join(max(0.0, deadline - time.monotonic()))
            if w.is_alive():
                w.kill()
                w.join(5)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


_worker = {"busy": False, "stopping": False}


def _init_worker(build_pid: int) -> None:
    """Pool worker start-up: stop on SIGINT/SIGTERM/SIGHUP and when the parent dies; clean up the kernel."""
    from multiprocessing import util

    from crmlib.render.execute import shutdown_warm_kernel

    # atexit does not run in pool workers; multiprocessing's own finalizers do.
    util.Finalize(None, shutdown_warm_kernel, exitpriority=10)
    for sig in (signal.SIGINT, *STOP_SIGNALS):
        signal.signal(sig, _worker_stop)
    _die_with_parent(build_pid)


def _worker_stop(signum, frame) -> None:
    """Signal handler of a worker: abandon the month being built, or exit when idle."""
    from crmlib.render.execute import kill_warm_kernel

    if _worker["stopping"]:
        return  # already stopping (Ctrl-C reaches the worker and the parent's SIGTERM follows)
    _worker["stopping"] = True
    # However the month's code reacts to the interruption, the worker is gone within seconds.
    threading.Thread(target=_exit_soon, args=(128 + signum,), daemon=True).start()
    if _worker["busy"]:
        raise KeyboardInterrupt  # build_month removes its temp folder
    kill_warm_kernel()
    os._exit(128 + signum)


def _exit_soon(code: int, after: float = WORKER_STOP_SECONDS) -> None:
    from crmlib.render.execute import kill_warm_kernel

    time.sleep(after)
    kill_warm_kernel()
    os._exit(code)


def _build_month_in_worker(*args) -> MonthResult:
    """:func:`build_month` in a pool worker; a stop ends the worker, not just the month."""
    from crmlib.render.execute import kill_warm_kernel

    _worker["busy"] = True
    try:
        return build_month(*args)
    except KeyboardInterrupt:
        kill_warm_kernel()
        os._exit(130)
    finally:
        _worker["busy"] = False


def _process_start(pid: int) -> str | None:
    """When process ``pid`` started (Linux ``/proc``), or ``None`` when it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:  # no /proc: only ask whether the pid exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except OSError:
            pass  # exists, but not ours to signal
        return "?"
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def _die_with_parent(build_pid: int) -> None:
    """Stop this worker when the build process dies (even by ``kill -9``).

    The worker's parent is the forkserver, which lives as long as its workers do,
    so neither the parent-death signal nor ``getppid()`` notice the build dying:
    a watchdog thread polls the build process itself (by pid and start time).
    """
    started = _process_start(build_pid)

    def watch() -> None:
        while started is not None and _process_start(build_pid) == started:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="build-watchdog", daemon=True).start()


__all__ = ["WORKER_STOP_SECONDS", "build_parallel", "build_serial"]
