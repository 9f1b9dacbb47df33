"""What the build gives the notebook's kernel: the month handed over, the charts drawn ahead.

Both spare the kernel work the build has done or can do alongside it
(docs/architecture.md, "Each month's work done once"), and neither can fail a month:
the notebook reads, computes or draws itself whatever it was not given. Light at
import: pandas and matplotlib come in through the function-local imports, which
:data:`crmlib.publish.month.PIPELINE_MODULES` imports before a month starts.
"""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

from crmlib.data.contract import CANONICAL_FOLDER as CANONICAL


def hand_over(periode: str, tmp: Path, params: dict, month, metrics, log: logging.Logger) -> None:
    """Leave the month read and computed here for the kernel (:mod:`crmlib.report.handoff`)."""
    from crmlib.report.handoff import handoff_key, write_handoff

    key = handoff_key(
        periode,
        tmp / CANONICAL,  # what the kernel reads (notebook_parameters), not the export
        params.get("per_tanggal"),
        params.get("kota"),
        params.get("metrik"),
        params.get("izinkan_kosong"),
    )
    try:
        write_handoff(tmp, key, month, metrics)
    except (TypeError, ValueError) as exc:  # the notebook then reads and computes it itself
        log.info("bulan tidak diserahkan ke notebook: %s", exc)


def log_handed_over(tmp: Path, log: logging.Logger) -> None:
    """Whether the kernel took the month handed over; the hand-off folder goes."""
    from crmlib.report.handoff import HANDOFF_DIR, handoff_taken

    taken = handoff_taken(tmp)
    if taken is not None:
        log.info(
            "bulan diserahkan ke notebook: %s",
            "dipakai (tidak dibaca dan dihitung ulang)"
            if taken
            else "tidak dipakai (notebook membaca dan menghitung sendiri)",
        )
    shutil.rmtree(tmp / HANDOFF_DIR, ignore_errors=True)


class DrawAhead:
    """The month's charts drawn in a thread of the build while the kernel runs the notebook.

    See :func:`crmlib.report.figures.gambar_lebih_dulu`. A failure here only means the
    notebook draws the charts itself; it never fails the build.
    """

    def __init__(self, month, ref, metrics, parameters: dict, tmp: Path) -> None:
        from crmlib.report.laporan import laporan_dari

        # No narrative: charts are drawn from the figures and the history only.
        self.lap = laporan_dari(month, ref, metrics, output_dir=tmp, riwayat=parameters["riwayat"])
        self.stop = threading.Event()
        self.drawn: list[str] = []
        self.error = ""
        self.thread = threading.Thread(target=self._run, name="grafik-lebih-dulu", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from crmlib.report.figures import gambar_lebih_dulu

        try:
            self.drawn = gambar_lebih_dulu(self.lap, self.stop)
        except Exception as exc:  # the notebook draws what is missing; the log says why
            self.error = f"{type(exc).__name__}: {exc}"

    def finish(self) -> list[str]:
        """Wait for the chart in hand, remove the drawn-ahead folder; the charts drawn here."""
        from crmlib.report.figures import GRAFIK_SIAP_DIR

        self.stop.set()
        self.thread.join()
        shutil.rmtree(self.lap.output_dir / GRAFIK_SIAP_DIR, ignore_errors=True)
        return self.drawn


def log_drawn_ahead(log: logging.Logger, ahead: DrawAhead | None) -> None:
    """Which charts were drawn ahead (their folder removed), and why drawing ahead failed."""
    if ahead is None:
        return
    log.info("grafik digambar lebih dulu: %s", ", ".join(ahead.finish()) or "tidak ada")
    if ahead.error:
        log.info("menggambar grafik lebih dulu gagal (notebook menggambarnya): %s", ahead.error)
