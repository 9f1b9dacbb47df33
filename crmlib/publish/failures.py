"""A month that failed: the analyst's message and exit code, and its kept ``build.log``.

A failed month's log goes to ``.crm-report/log/<periode>-gagal.log``, outside the
published ``output/``, and goes again once the month is published
(:func:`drop_failed_log`). Light on purpose: the batch imports this on the no-change path.
"""

from __future__ import annotations

import contextlib
import logging
import os
import traceback
from pathlib import Path

from crmlib.errors import CrmReportError, StorageError
from crmlib.project import Project


def describe_failure(exc: Exception, log: logging.Logger) -> tuple[str, int]:
    """The analyst's message and exit code for a month that failed; logged with the traceback for bugs."""
    if isinstance(exc, OSError):
        exc = StorageError.from_oserror(exc) or exc
    if isinstance(exc, CrmReportError):
        log.error("GAGAL: %s", exc)
        return str(exc), exc.exit_code
    # A bug: keep the traceback in the log, give the analyst one line.
    log.error("kesalahan internal:\n%s", traceback.format_exc())
    return f"kesalahan internal: {type(exc).__name__}: {exc}", 70


def drop_failed_log(project: Project, periode: str) -> None:
    """The month is published: its last failure's log (and an empty log folder) goes."""
    (project.log_dir / f"{periode}-gagal.log").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        project.log_dir.rmdir()  # only when empty


def keep_failed_log(project: Project, periode: str, tmp: Path) -> str:
    """Move a failed month's build.log to ``.crm-report/log/<periode>-gagal.log``; its path, or "".

    Outside ``output/``: the log holds tracebacks with the machine's paths, and
    ``output/`` holds only what readers may see.
    """
    source = tmp / "build.log"
    if not source.is_file():
        return ""
    target = project.log_dir / f"{periode}-gagal.log"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    except OSError:
        return ""
    return os.path.relpath(target, project.root)


def write_failed_log(project: Project, periode: str, text: str) -> str:
    """Write ``text`` as ``.crm-report/log/<periode>-gagal.log`` (a failure before the build); its path."""
    target = project.log_dir / f"{periode}-gagal.log"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError:
        return ""
    return os.path.relpath(target, project.root)
