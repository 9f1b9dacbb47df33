"""Charts the build draws ahead of the notebook are exactly the notebook's own.

``crm-report build`` of one month draws the charts in a thread while the kernel
starts and executes the notebook (``crmlib.report.figures.gambar_lebih_dulu``); the
notebook's chart cells take a drawn-ahead PNG only when it was drawn from exactly
their own inputs. Who drew a chart must never show in the report.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from conftest import ROOT

from crmlib.data.params import load_params, resolve_data_path
from crmlib.data.reader import read_month
from crmlib.data.refdata import load_reference
from crmlib.project import Project
from crmlib.publish.month import notebook_parameters
from crmlib.render.execute import _run_in_kernel, _warm, execute_notebook, shutdown_warm_kernel
from crmlib.report import charts
from crmlib.report import figures as report_figures
from crmlib.report.figures import GRAFIK_DIR, GRAFIK_NOTEBOOK, GRAFIK_SIAP_DIR, gambar_lebih_dulu
from crmlib.report.handoff import handoff_key, handoff_taken, write_handoff
from crmlib.report.laporan import (
    compute_month,
    laporan_dari,
    previous_month_headline,
    siapkan_laporan,
)

PERIODE = "2022-06"
NAMES = [name for name, _ in GRAFIK_NOTEBOOK]
PLOTS = [name for name in dir(charts) if name.startswith("plot_")]


def _refuse(*args, **kwargs):
    raise AssertionError("the chart was drawn again instead of taken")


@pytest.fixture(scope="module")
def juni():
    """The seed month as the notebook reads it (read and computed once for the module)."""
    return siapkan_laporan(periode=PERIODE, output_dir=None)


@pytest.fixture(scope="module")
def drawn(juni, tmp_path_factory) -> dict[str, bytes]:
    """The seed month's six charts, drawn ahead once for the module (this process's chart cache).

    Tests that need the drawn-ahead files of exactly these inputs start from this
    cache, so the six charts are drawn once, not once per test; a test about other
    inputs draws them itself.
    """
    report_figures._GRAFIK_CACHE.clear()
    lap = replace(juni, output_dir=tmp_path_factory.mktemp("drawn"))
    assert gambar_lebih_dulu(lap) == NAMES[::-1]
    cache = dict(report_figures._GRAFIK_CACHE)
    report_figures._GRAFIK_CACHE.clear()
    return cache


@pytest.fixture
def lap_juni(juni, tmp_path):
    """The seed month, its figures going to ``tmp_path``; nothing drawn in this process yet."""
    report_figures._GRAFIK_CACHE.clear()
    yield replace(juni, output_dir=tmp_path)
    report_figures._GRAFIK_CACHE.clear()


def _siap(lap) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (lap.output_dir / GRAFIK_SIAP_DIR).glob("*.png")}


def test_notebook_takes_every_chart_drawn_ahead_without_drawing(lap_juni, drawn, monkeypatch):
    report_figures._GRAFIK_CACHE.update(drawn)  # drawn once for the module, same inputs
    assert gambar_lebih_dulu(lap_juni) == NAMES[::-1]
    siap = _siap(lap_juni)
    assert len(siap) == 2 * len(NAMES)  # the page's drawing and the phone's
    assert not list((lap_juni.output_dir / GRAFIK_DIR).glob("*.png"))  # only drawn, not placed
    report_figures._GRAFIK_CACHE.clear()  # as in the kernel: a process that drew nothing yet
    for name in PLOTS:
        monkeypatch.setattr(charts, name, _refuse)
    for _, grafik in GRAFIK_NOTEBOOK:
        grafik(lap_juni, as_text=True)
    placed = {p.read_bytes() for p in (lap_juni.output_dir / GRAFIK_DIR).glob("*.png")}
    assert placed == set(siap.values())


def test_a_chart_drawn_from_other_inputs_is_not_taken(lap_juni, monkeypatch):
    # Drawn ahead with last month's count one higher, as from a stale archive.
    riwayat = lap_juni.riwayat.copy()
    riwayat.loc[0, "total_laporan"] += 1
    gambar_lebih_dulu(replace(lap_juni, riwayat=riwayat))
    assert len(_siap(lap_juni)) == 2 * len(NAMES)  # the page's drawing and the phone's
    report_figures._GRAFIK_CACHE.clear()
    for name in PLOTS:
        monkeypatch.setattr(charts, name, _refuse)
    for _, grafik in GRAFIK_NOTEBOOK:
        with pytest.raises(AssertionError, match="drawn again"):
            grafik(lap_juni, as_text=True)


def test_stops_where_the_notebook_already_is_or_when_told(lap_juni, drawn):
    import threading

    report_figures._GRAFIK_CACHE.update(drawn)
    figures = lap_juni.output_dir / GRAFIK_DIR
    figures.mkdir()
    (figures / "kanal.png").write_bytes(b"drawn by the notebook")
    assert gambar_lebih_dulu(lap_juni) == ["harian", "respon"]
    stop = threading.Event()
    stop.set()
    assert gambar_lebih_dulu(lap_juni, stop) == []


def test_nothing_is_drawn_ahead_for_a_notebook_without_output_folder(lap_juni):
    assert gambar_lebih_dulu(replace(lap_juni, output_dir=None)) == []


def _execute(month_dir, parameters) -> dict[str, bytes]:
    # On this process's warm kernel, as a build executes a month.
    execute_notebook(
        ROOT / "notebooks" / "laporan_bulanan.ipynb",
        month_dir / "laporan.ipynb",
        parameters,
        cwd=month_dir,
        timeout=120,
        warm=True,
    )
    return {p.name: p.read_bytes() for p in (month_dir / GRAFIK_DIR).glob("*.png")}


def _forget_drawn_charts_in_kernel() -> None:
    # The warm kernel keeps the charts it drew or took (crmlib.report.figures._GRAFIK_CACHE); it
    # must draw or take them anew, as a kernel that has drawn nothing yet.
    status = _run_in_kernel(
        _warm["kernel"],
        "import crmlib.report.figures\ncrmlib.report.figures._GRAFIK_CACHE.clear()",
        30,
    )
    assert status == "ok"


@pytest.mark.e2e
def test_the_kernel_takes_the_builds_month_and_charts_and_would_draw_the_same_bytes(
    tmp_path, drawn
):
    project = Project(ROOT)
    params = load_params(project.params_dir, PERIODE)
    ref = load_reference()
    data = resolve_data_path(params, ROOT)
    month = read_month(data, PERIODE, reference=ref)
    metrics = compute_month(
        month, ref, metrik=params.get("metrik"), per_tanggal=params.get("per_tanggal")
    )
    dirs = {k: tmp_path / k for k in ("build", "sendiri", "diambil")}
    for d in dirs.values():
        d.mkdir()
    parameters = notebook_parameters(
        params,
        os.path.relpath(data, dirs["sendiri"]),
        {"renderer": "embedded"},
        previous_month_headline(project, PERIODE),
    )
    # Drawn in this process the way the build draws them (by the module's `drawn`, from
    # the very inputs the build has: the same hashes).
    lap = laporan_dari(month, ref, metrics, output_dir=dirs["build"], riwayat=parameters["riwayat"])
    report_figures._GRAFIK_CACHE.clear()
    report_figures._GRAFIK_CACHE.update(drawn)
    assert gambar_lebih_dulu(lap) == NAMES[::-1]
    ahead = _siap(lap)
    assert set(ahead.values()) == set(drawn.values())

    # One warm kernel, started here: none left by an earlier test, whose chart cache
    # could hold these very charts.
    shutdown_warm_kernel()
    try:
        # Given drawn-ahead files (marked, so taking them shows), a kernel that has
        # drawn nothing yet takes all six: its inputs hash to the same names as the build's.
        siap = dirs["diambil"] / GRAFIK_SIAP_DIR
        siap.mkdir()
        for name, png in ahead.items():
            (siap / name).write_bytes(png + b"diambil")
        # The month itself handed over as the build hands it, its row counts marked: the
        # kernel shows what it was handed, it does not read and compute the month again.
        marked = replace(month, counts={s: {**c, "read": 9999} for s, c in month.counts.items()})
        key = handoff_key(
            PERIODE,
            data,
            params.get("per_tanggal"),
            params.get("kota"),
            params.get("metrik"),
            params.get("izinkan_kosong"),
        )
        write_handoff(dirs["diambil"], key, marked, metrics)
        taken = _execute(dirs["diambil"], parameters)
        assert len(taken) == 2 * len(NAMES)  # the page's drawing and the phone's
        assert all(png.endswith(b"diambil") for png in taken.values())
        assert handoff_taken(dirs["diambil"]) is True
        assert "dibaca 9.999" in (dirs["diambil"] / "laporan.ipynb").read_text(encoding="utf-8")

        # The kernel drawing everything itself gives the very same bytes; given no month,
        # it reads and computes the month itself.
        _forget_drawn_charts_in_kernel()
        assert set(_execute(dirs["sendiri"], parameters).values()) == set(ahead.values())
        assert "dibaca 508" in (dirs["sendiri"] / "laporan.ipynb").read_text(encoding="utf-8")
    finally:
        shutdown_warm_kernel()
