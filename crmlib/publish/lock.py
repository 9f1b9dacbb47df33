"""One writer at a time in ``output/``: a file lock, and a note of who holds it.

The lock is an ``flock`` on ``output/.crm-report.lock`` (through filelock), so
the kernel releases it when its holder dies, even by ``kill -9``: a lock is
never stale in itself. Beside it, ``output/.crm-report.lock.json`` says who
holds it (pid, host, command, since when), for the message of a second run
that finds ``output/`` busy. A holder note left by a killed run is replaced
by the next run that takes the lock, which reports it as recovered.

While a process holds the lock, SIGTERM and SIGHUP (the terminal window closed) stop it
like Ctrl-C (:func:`stop_on_signals`): the stop unwinds through every ``finally``, so
temp folders go and the holder note is removed instead of naming a dead process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from crmlib.errors import OutputLockedError

LOCK_NAME = ".crm-report.lock"
HOLDER_NAME = ".crm-report.lock.json"
# How long a second run waits for output/ by default before refusing (seconds).
DEFAULT_WAIT = 10.0


# Signals that stop a run like Ctrl-C: a service manager's stop, and the terminal closing.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Treat SIGTERM and SIGHUP like Ctrl-C for the block (main thread only; nestable).

    SIGINT gets Python's own Ctrl-C handler too: a process started in the background
    by a shell without job control inherits SIGINT *ignored*, and then its pool
    workers (which install their own handlers) would stop while the build went on.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def read_holder(output_dir: Path) -> dict | None:
    """The holder note beside the lock, or ``None`` when there is none (or it is unreadable)."""
    try:
        data = json.loads((Path(output_dir) / HOLDER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def describe_holder(holder: dict | None) -> str:
    """The holder note as a phrase for the analyst."""
    if not holder:
        return "proses crm-report lain (tidak diketahui)"
    return (
        f"'crm-report {holder.get('command', '?')}' (pid {holder.get('pid', '?')} "
        f"di {holder.get('host', '?')}, sejak {holder.get('since', '?')})"
    )


def _write_holder(output_dir: Path, command: str) -> None:
    note = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "since": dt.datetime.now().replace(microsecond=0).isoformat(sep=" "),
    }
    fd, tmp = tempfile.mkstemp(prefix=f"{HOLDER_NAME}.", suffix=".tmp", dir=output_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(note, fh)
        os.replace(tmp, output_dir / HOLDER_NAME)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def hold_output_lock(
    output_dir: Path,
    command: str,
    wait: float = DEFAULT_WAIT,
    notify: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold ``output_dir``'s lock for the duration of the block.

    Parameters
    ----------
    output_dir : path
        The ``output/`` folder (created if missing; may be a symlink).
    command : str
        What this process is doing, for the holder note (e.g. ``"build --all"``).
    wait : float
        Seconds to wait for another holder to finish; 0 refuses at once.
    notify : callable, optional
        Receives one line for the analyst when this run has to wait, and when it
        takes over the note of a run that was killed.

    Raises
    ------
    OutputLockedError
        When the lock is still held after ``wait`` seconds; the message names the holder.
    """
    with stop_on_signals():
        with _holding(output_dir, command, wait, notify):
            yield


@contextlib.contextmanager
def _holding(
    output_dir: Path, command: str, wait: float, notify: Callable[[str], None] | None
) -> Iterator[None]:
    from filelock import FileLock, Timeout

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(output_dir / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = describe_holder(read_holder(output_dir))
        if wait > 0 and notify:
            notify(f"output/ sedang dipakai oleh {holder}; menunggu paling lama {wait:g} detik")
        try:
            lock.acquire(timeout=max(wait, 0), poll_interval=0.2)
        except Timeout:
            raise OutputLockedError(
                f"Folder {output_dir} sedang dipakai oleh {describe_holder(read_holder(output_dir))}. "
                "Tunggu sampai proses itu selesai, atau jalankan ulang dengan --tunggu DETIK "
                "untuk menunggu lebih lama."
            ) from None
    try:
        stale = read_holder(output_dir)
        if stale and notify:
            # Holding the lock means its previous holder is gone: its note is stale.
            notify(f"kunci output/ dari {describe_holder(stale)} yang terhenti diambil alih")
        _write_holder(output_dir, command)
        yield
    finally:
        with contextlib.suppress(OSError):
            (output_dir / HOLDER_NAME).unlink()
        lock.release()


__all__ = [
    "DEFAULT_WAIT",
    "HOLDER_NAME",
    "LOCK_NAME",
    "STOP_SIGNALS",
    "hold_output_lock",
    "read_holder",
    "stop_on_signals",
]
