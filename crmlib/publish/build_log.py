"""A month's ``build.log``: its file handler and closing it.

A write to ``build.log`` that fails (a full disk) is kept on the handler, for the
build to fail with as a storage error, instead of logging's own traceback on the
terminal. Where a failed month's log is kept is :mod:`crmlib.publish.failures`.
"""

from __future__ import annotations

import logging
import sys


class LogFile(logging.FileHandler):
    """``build.log``. A write that fails (a full disk) is kept for the build to fail with,
    instead of logging's own traceback on the terminal."""

    error: OSError | None = None

    def close(self) -> None:
        try:
            super().close()  # flushes: where a full disk shows last
        except OSError as exc:
            self._keep(exc)

    def _keep(self, exc: OSError) -> None:
        if self.error is None:
            exc.filename = exc.filename or self.baseFilename
            self.error = exc

    def handleError(self, record: logging.LogRecord) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            self._keep(exc)
        else:
            super().handleError(record)


def close_log(log: logging.Logger) -> OSError | None:
    """Close the month's ``build.log`` (before it is hashed, moved or removed).

    Returns the error of a write to it that failed (a full disk), if any.
    """
    failed = None
    for h in log.handlers:
        h.close()
        failed = failed or getattr(h, "error", None)
    log.handlers.clear()
    return failed
