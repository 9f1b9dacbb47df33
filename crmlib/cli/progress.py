"""Build progress for people: a bar on a terminal, plain lines otherwise (CI, logs)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

# Terminal escape sequences (CSI "ESC [ ... m" and its one-byte form, OSC "ESC ] ... BEL",
# two-byte "ESC x") and every other C0/C1 control character but tab and newline: values from
# the data must not drive the analyst's terminal.
_ESCAPE = re.compile(
    r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[0-~])|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: object) -> str:
    """``text`` without control characters, as everything the CLI prints is shown."""
    return _CONTROL.sub("", _ESCAPE.sub("", str(text)))


@contextlib.contextmanager
def _unless_terminal_gone() -> Iterator[None]:
    """Drop a progress line when the terminal window was closed (EIO) or the pipe's reader
    left (EPIPE): the build goes on stopping or finishing, the line has nowhere to go."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in (errno.EIO, errno.EPIPE):
            raise


class BuildProgress:
    """Receives build events in the parent process and shows them without interleaving.

    Parameters
    ----------
    total : int
        Number of months in the run.
    stream : file, optional
        Where to write (default: stderr, so stdout stays for results).
    """

    def __init__(self, total: int, stream=None):
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar = None

    def __enter__(self) -> BuildProgress:
        if self.tty and self.total:
            from tqdm import tqdm

            self.bar = tqdm(
                total=self.total,
                unit="bulan",
                file=self.stream,
                desc="membangun",
                bar_format="{desc} {bar} {n_fmt}/{total_fmt} bulan [{elapsed}]",
            )
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            with _unless_terminal_gone():
                self.bar.close()

    def _line(self, text: str) -> None:
        text = terminal_safe(text)
        with _unless_terminal_gone():
            if self.bar is not None:
                self.bar.write(text, file=self.stream)
            else:
                click.echo(text, file=self.stream)

    def event(self, kind: str, payload) -> None:
        """Handle one event from :func:`crmlib.publish.build.build`."""
        if kind == "catatan":
            self._line(f"catatan: {payload}")
        elif kind == "mulai":
            if self.bar is not None:
                self.bar.set_description(f"membangun {payload}")
        elif kind == "selesai":
            self.done += 1
            r = payload
            if r.status == "terkini":
                text = f"[{self.done}/{self.total}] {r.periode}: terkini (tidak ada yang berubah)"
            elif r.status == "dibangun":
                text = (
                    f"[{self.done}/{self.total}] {r.periode}: selesai dalam {r.seconds:.1f} s "
                    f"({r.renderer}); karena: {r.reason}"
                )
            elif r.status == "final":
                text = f"[{self.done}/{self.total}] {r.periode}: {r.reason}"
            else:
                # The reason itself is printed once, in the summary at the end.
                text = f"[{self.done}/{self.total}] {r.periode}: gagal (alasan di ringkasan akhir)"
            self._line(text)
            if self.bar is not None:
                self.bar.update(1)

    @staticmethod
    def summary(results) -> str:
        """The closing table (month, status, time, note), then each failure's reason once."""
        lines = ["", f"{'Bulan':<8} {'Status':<9} {'Waktu':>7}  Keterangan", "-" * 60]
        for r in results:
            if r.status == "gagal":
                note = f"log: {r.log}" if r.log else "lihat alasan di bawah"
            else:
                note = {
                    "terkini": "tidak ada yang berubah",
                    "final": r.reason,
                    "dibangun": f"{r.renderer}; karena: {r.reason}",
                }.get(r.status, r.renderer)
            lines.append(f"{r.periode:<8} {r.status:<9} {r.seconds:>6.1f}s  {note}")
        failed = [r for r in results if r.status == "gagal"]
        if failed:
            lines.append("")
            lines.append(f"{len(failed)} bulan gagal; hasil terbit sebelumnya tidak diubah:")
            for r in failed:
                lines.append(f"\n== {r.periode} ==\n{r.reason}")
        return "\n".join(lines)


def published_files(output_dir: Path, results, years: dict[str, str]) -> str:
    """Where the reports are: the archive, each published month and annual report.

    Paths are relative to the working directory when they are inside it (the analyst
    opens them from there), absolute otherwise.
    """

    def shown(path: Path) -> str:
        relative = os.path.relpath(path)
        return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()

    lines = ["Hasil (buka di peramban web atau pembaca PDF):"]
    lines.append(f"  {'arsip':<15} {shown(output_dir / 'index.html')}")
    published = [(r.periode, r.periode) for r in results if r.status != "gagal"]
    published += [(y, f"{y} (tahunan)") for y, st in sorted(years.items()) if st != "kosong"]
    for name, label in published:
        folder = output_dir / name
        lines.append(
            f"  {label:<15} {shown(folder / 'laporan.html')}  ·  {shown(folder / 'laporan.pdf')}"
        )
    return "\n".join(lines)
