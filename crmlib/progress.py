"""Build progress for people: a bar on a terminal, plain lines otherwise (CI, logs)."""

from __future__ import annotations

import sys

import click


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
            self.bar.close()

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            click.echo(text, file=self.stream)

    def event(self, kind: str, payload) -> None:
        """Handle one event from :func:`crmlib.build.build`."""
        if kind == "catatan":
            self._line(f"catatan: {payload}")
        elif kind == "mulai":
            if self.bar is not None:
                self.bar.set_description(f"membangun {payload}")
        elif kind == "selesai":
            self.done += 1
            r = payload
            if r.status == "terkini":
                text = (
                    f"[{self.done}/{self.total}] {r.periode}: up to date (tidak ada yang berubah)"
                )
            elif r.status == "dibangun":
                text = f"[{self.done}/{self.total}] {r.periode}: selesai dalam {r.seconds:.1f} s ({r.renderer})"
            else:
                first = r.reason.splitlines()[0] if r.reason else ""
                text = f"[{self.done}/{self.total}] {r.periode}: GAGAL: {first}"
            self._line(text)
            if self.bar is not None:
                self.bar.update(1)

    @staticmethod
    def summary(results) -> str:
        """The closing table: month, status, time, reason (full reason for failures)."""
        lines = ["", f"{'Bulan':<8} {'Status':<9} {'Waktu':>7}  Keterangan", "-" * 60]
        for r in results:
            reason = (
                r.reason.splitlines()[0]
                if r.reason
                else ("tidak ada yang berubah" if r.status == "terkini" else r.renderer)
            )
            lines.append(f"{r.periode:<8} {r.status:<9} {r.seconds:>6.1f}s  {reason}")
        failed = [r for r in results if r.status == "gagal"]
        if failed:
            lines.append("")
            lines.append(f"{len(failed)} bulan gagal; hasil terbit sebelumnya tidak diubah:")
            for r in failed:
                lines.append(f"\n== {r.periode} ==\n{r.reason}")
        return "\n".join(lines)
