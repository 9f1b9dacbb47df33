"""Exceptions of crmlib: one root class, one subclass per kind of failure.

Every message is written for the analyst who runs the report: it says which file,
sheet, row and column, what was found and what was expected. The CLI maps these
classes to exit codes; nothing below the CLI prints.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, located as the user sees it in Excel/CSV.

    ``row`` is the 1-based row number as shown by Excel or a text editor
    (the header is row 1, so the first data row is row 2). ``value`` must never
    hold reporter-identifying data: readers only keep whitelisted columns.
    """

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f", sheet '{self.sheet}'"
        if self.row is not None:
            where += f", baris {self.row}"
        if self.column:
            where += f", kolom '{self.column}'"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (nilai: {self.value!r})"
        if self.expected:
            text += f"; yang diharapkan: {self.expected}"
        return text


class CrmReportError(Exception):
    """Root of every error crmlib raises on purpose."""

    exit_code = 1


class InputDataError(CrmReportError):
    """The month's CRM export is missing, unreadable or fails validation."""

    def __init__(self, problems: list[Problem], summary: str | None = None):
        self.problems = list(problems)
        n = len(self.problems)
        head = summary or f"Data tidak valid: {n} masalah ditemukan."
        lines = [head, *(f"  - {p}" for p in self.problems[:200])]
        if n > 200:
            lines.append(f"  ... dan {n - 200} masalah lain.")
        super().__init__("\n".join(lines))


class MetricsInputError(CrmReportError, ValueError):
    """The tables handed to crmlib.metrics break one of its preconditions."""


class ReferenceDataError(CrmReportError):
    """A reference-data file (units, channels, statuses, categories, aliases) is broken."""


class ParamsError(CrmReportError):
    """A parameter file (params/*.yaml) or a command-line parameter is invalid."""

    exit_code = 2


class NotebookError(CrmReportError):
    """The report notebook raised an error while executing."""


class NotebookTimeoutError(NotebookError):
    """A notebook cell ran longer than the configured cell timeout."""


class NarasiError(NotebookError):
    """A Markdown cell's template names an unknown value or is not valid template syntax."""


class RendererMissingError(CrmReportError):
    """The requested renderer (e.g. Quarto) is not installed."""

    exit_code = 3


class RenderError(CrmReportError):
    """Rendering HTML or PDF from the executed notebook failed."""


class BuildError(CrmReportError):
    """One or more months failed to build."""


class SignatureError(CrmReportError):
    """A final edition's PDF could not be signed (certificate, passphrase)."""


class EditionError(CrmReportError):
    """A final edition's stored or published files do not match its manifest or signature."""


class OutputLockedError(CrmReportError):
    """Another crm-report process is writing to ``output/`` (its lock is held)."""

    exit_code = 75


# Disk full (or quota, or a file beyond the size the disk or a limit allows) and no permission.
DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
PERMISSION_ERRNOS = (errno.EACCES, errno.EPERM, errno.EROFS)
# How a child tool reports one of them: Python "[Errno 28]", Rust "(os error 28)", or
# the C library's words (pandoc: "resource exhausted (No space left on device)").
_TOOL_ERRNO = re.compile(r"\[Errno (\d+)\]|\(os error (\d+)\)")


class StorageError(CrmReportError):
    """Writing a file failed because of the machine, not the data (disk, permissions)."""

    exit_code = 74

    @staticmethod
    def writing(path: object) -> _Writing:
        """A context that names ``path`` in an ``OSError`` raised while writing it.

        A failed ``write()`` or ``close()`` (where a full disk shows) raises an ``OSError``
        that names no file; the message must say which file was being written.
        """
        return _Writing(path)

    @classmethod
    def from_tool_output(cls, text: str, path: object) -> StorageError | None:
        """The error for a child tool (pandoc, Typst) that failed to write ``path`` for lack
        of disk space or permission, read from its message; ``None`` for any other failure."""
        m = _TOOL_ERRNO.search(text)
        if m:
            code = int(m.group(1) or m.group(2))
        else:
            code = next(
                (c for c in (*DISK_FULL_ERRNOS, *PERMISSION_ERRNOS) if os.strerror(c) in text),
                None,
            )
        if code is None:
            return None
        return cls.from_oserror(OSError(code, os.strerror(code), str(path)))

    @classmethod
    def from_oserror(cls, exc: OSError) -> StorageError | None:
        """The analyst-facing error for a disk-full or permission ``OSError``, else ``None``.

        The file named is the one being written: for a copy or a rename, the target
        (``filename2``), not the source.
        """
        where = exc.filename2 or exc.filename or "berkas"
        if exc.errno == errno.EFBIG:
            return DiskFullError(
                f"Berkas melebihi batas ukuran (disk atau sistem) saat menulis {where}: "
                "kosongkan ruang atau naikkan batasnya, lalu jalankan ulang. Hasil yang sudah "
                "terbit tidak diubah."
            )
        if exc.errno in DISK_FULL_ERRNOS:
            return DiskFullError(
                f"Disk penuh saat menulis {where}: kosongkan ruang disk (atau kuota), lalu "
                "jalankan ulang. Hasil yang sudah terbit tidak diubah."
            )
        if exc.errno in PERMISSION_ERRNOS:
            return StoragePermissionError(
                f"Tidak ada izin menulis {where} ({exc.strerror}): periksa pemilik dan izin "
                "folder itu (mis. output/), lalu jalankan ulang."
            )
        return None


class _Writing:
    """:meth:`StorageError.writing`'s context (a class: this module imports no contextlib)."""

    def __init__(self, path: object) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(self.path)
        return False  # the error goes on, now naming its file


class DiskFullError(StorageError):
    """The disk (or the user's quota) is full."""


class StoragePermissionError(StorageError):
    """A file or folder cannot be written for lack of permission (or a read-only disk)."""
