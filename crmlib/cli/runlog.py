"""Quiet success, Indonesian failure: how a command ends, and what it may print besides its lines.

:func:`run` runs a click command and maps what it raises to an exit code and one
Indonesian line: crmlib's errors (:class:`crmlib.errors.CrmReportError`), click's usage
errors, Ctrl-C (and SIGTERM/SIGHUP), disk-full and permission errors, and bugs.

A library's warnings (``CryptographyDeprecationWarning`` when pyHanko is imported, a
pandas ``FutureWarning``) and log records (pyHanko's certificate checks, jupyter_client)
are for developers, in English, and alarm an analyst on a run that succeeded. While a
command runs they are kept in memory (:class:`RunLog`) instead of reaching the terminal.
When the command fails with an internal error, they are written with the traceback to a
log file (:func:`write_log_file`), and the terminal gets one Indonesian line naming it.
``--debug`` (or ``CRM_REPORT_DEBUG=1``) leaves warnings and logging as the libraries
print them and shows the traceback, for developers.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import errno
import io
import logging
import os
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path

import click

from crmlib.cli.progress import terminal_safe
from crmlib.errors import CrmReportError, StorageError

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
STOPPED = "Dihentikan. Bulan yang belum selesai tidak diterbitkan; hasil terbit tidak diubah."


def run(
    command: click.Command, args: list[str], debug: bool = False, obj: dict | None = None
) -> int:
    """Run ``command`` with ``args`` quietly; its exit code (see :mod:`crmlib.cli.main`).

    ``obj`` is the commands' context object (what was taken from the environment at start).
    """
    with quiet(debug) as log:
        try:
            return _exit_code(command, args, obj)
        except Exception as exc:  # a bug, not the user's fault
            return _internal_error(exc, debug, log, args)


def end_process(code: int) -> None:
    """End the process with ``code`` once everything is written, without tearing Python down.

    The exit handlers run (a warm kernel is killed, logging is flushed) and the standard
    streams are flushed, as at a normal exit; then the process ends at once. Tearing
    down the interpreter frees pandas', matplotlib's and Jupyter's objects one by one:
    0.4 s at the end of every build, after the last line was printed. When a thread
    that is not a daemon still runs, its work is not known to be done: then Python
    exits the ordinary way, which waits for it.
    """
    if any(t.is_alive() and not t.daemon for t in _other_threads()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)


def _other_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t is not threading.current_thread()]


def _say(text: str) -> None:
    """One line on stderr; the terminal may be gone (window closed: SIGHUP), then nothing."""
    with contextlib.suppress(OSError):
        click.echo(terminal_safe(text), err=True)


def _exit_code(command: click.Command, args: list[str], obj: dict | None = None) -> int:
    """Run the command; crmlib's errors, click's, Ctrl-C and storage errors as exit codes."""
    try:
        rc = command.main(args=args, prog_name="crm-report", standalone_mode=False, obj=obj)
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C (and our SIGTERM/SIGHUP) into Abort; a declined prompt is Abort too.
        _say(STOPPED if isinstance(exc.__cause__, KeyboardInterrupt) else "Dibatalkan.")
        rc = EXIT_INTERRUPTED
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)
        _say(shown.getvalue().rstrip("\n"))
        rc = exc.exit_code
    except CrmReportError as exc:
        _say(f"GAGAL: {exc}")
        rc = exc.exit_code
    except KeyboardInterrupt:
        _say(STOPPED)
        rc = EXIT_INTERRUPTED
    except OSError as exc:
        if exc.errno in (errno.EIO, errno.EPIPE):  # the terminal closed, or the pipe's reader left
            return _output_gone(exc)
        storage = StorageError.from_oserror(exc)
        if storage is None:
            raise
        _say(f"GAGAL: {storage}")
        rc = storage.exit_code
    return int(rc or 0)


def _output_gone(exc: OSError) -> int:
    """Nowhere left to write: end quietly (130 when the run was being stopped, else 1)."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            os.dup2(devnull, stream.fileno())  # no "Exception ignored" when Python exits
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, KeyboardInterrupt):
            return EXIT_INTERRUPTED
        cause = cause.__context__
    return 1


def _internal_error(exc: Exception, debug: bool, log: RunLog, args: list[str]) -> int:
    """Report a bug in one Indonesian line naming the log file that holds the traceback."""
    if debug:
        traceback.print_exc()
    path = write_log_file(exc, log, args, Path.cwd())
    where = f"Rinciannya tersimpan di {path}; " if path else ""
    _say(
        "Kesalahan internal crm-report (bukan kesalahan data atau parameter Anda). "
        f"{where}kirim berkas itu ke tim pengembang bersama perintah yang dijalankan."
    )
    return EXIT_INTERNAL


class RunLog(logging.Handler):
    """Warnings and log records of one command run, kept in memory (WARNING and above)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # a record that cannot be formatted is dropped
            self.lines.append(self.format(record))

    def warning(self, message, category, filename, lineno, file=None, line=None) -> None:
        """Takes the place of :func:`warnings.showwarning` while the command runs."""
        text = warnings.formatwarning(message, category, filename, lineno, line)
        self.lines.append(text.rstrip("\n"))


@contextlib.contextmanager
def quiet(debug: bool = False) -> Iterator[RunLog]:
    """Keep third-party warnings and log records off the terminal for the block.

    Parameters
    ----------
    debug : bool
        Leave them as the libraries print them (the log is still returned, empty).
    """
    log = RunLog()
    if debug:
        yield log
        return
    root = logging.getLogger()
    root.addHandler(log)  # also keeps logging's last-resort handler (stderr) from firing
    try:
        with warnings.catch_warnings():
            warnings.showwarning = log.warning
            yield log
    finally:
        root.removeHandler(log)


def write_log_file(exc: BaseException, log: RunLog, argv: list[str], start: Path) -> Path | None:
    """Write the traceback of ``exc`` and the run's warnings to a new log file; its path.

    The file goes to ``.crm-report/log/`` of the project around ``start`` (the working
    directory; outside ``output/``, which is published), or to the system's temporary folder when there is none or it cannot be
    written. ``None`` when no file could be written at all.
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"crm-report-{stamp}-{os.getpid()}.log"
    text = "\n".join(
        [
            f"crm-report {' '.join(argv)}",
            f"waktu: {dt.datetime.now().isoformat(timespec='seconds')}",
            "",
            "".join(traceback.format_exception(exc)).rstrip("\n"),
            "",
            "Peringatan dan log selama perintah berjalan:",
            *(log.lines or ["(tidak ada)"]),
            "",
        ]
    )
    for folder in _log_folders(start):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return path
    return None


def _log_folders(start: Path) -> list[Path]:
    """Beside the failed months' logs (``.crm-report/log/``), then the system's temp folder."""
    from crmlib.errors import CrmReportError
    from crmlib.project import Project

    folders = []
    with contextlib.suppress(CrmReportError, OSError):
        folders.append(Project.find(start).log_dir)
    folders.append(Path(tempfile.gettempdir()) / "crm-report-log")
    return folders


__all__ = ["EXIT_INTERNAL", "EXIT_INTERRUPTED", "RunLog", "quiet", "run", "write_log_file"]
