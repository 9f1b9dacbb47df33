"""The report notebook executed by papermill on the sample months."""

from __future__ import annotations

import json
import os
import re

import nbformat
import pytest
from conftest import ROOT

from crmlib.data.params import list_months, load_params, resolve_data_path
from crmlib.data.reader import read_month
from crmlib.data.refdata import load_reference
from crmlib.metrics import MetricParams, compute_all
from crmlib.project import Project
from crmlib.publish.month import notebook_parameters
from crmlib.render.execute import execute_notebook, shutdown_warm_kernel
from crmlib.report import fmt
from crmlib.report.laporan import previous_month_headline
from crmlib.report.outputs import metrics_to_dict

pytestmark = pytest.mark.e2e
PROJECT = Project(ROOT)


def _execute(periode: str, dest) -> nbformat.NotebookNode:
    params = load_params(PROJECT.params_dir, periode)
    month_dir = dest / periode
    month_dir.mkdir(parents=True)
    data_rel = os.path.relpath(resolve_data_path(params, ROOT), month_dir)
    parameters = notebook_parameters(
        params, data_rel, {"renderer": "embedded"}, previous_month_headline(PROJECT, periode)
    )
    execute_notebook(
        PROJECT.notebook,
        month_dir / "laporan.ipynb",
        parameters,
        cwd=month_dir,
        timeout=120,
        warm=True,
    )
    return nbformat.read(month_dir / "laporan.ipynb", as_version=4)


def _markdown(nb) -> str:
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for out in cell.get("outputs", []):
            parts.append(out.get("data", {}).get("text/markdown", ""))
    return "\n".join(parts)


def _metrics(periode: str) -> dict:
    params = load_params(PROJECT.params_dir, periode)
    ref = load_reference()
    month = read_month(resolve_data_path(params, ROOT), periode, reference=ref)
    m = compute_all(
        month.laporan,
        month.koordinasi,
        ref.ukpd,
        ref.kanal,
        periode=periode,
        kota=ref.kota["kota"],
        per_tanggal=None,
        params=MetricParams(**params["metrik"]),
    )
    return json.loads(json.dumps(metrics_to_dict(m, None)))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    dest = tmp_path_factory.mktemp("nb")
    try:
        yield {p: _execute(p, dest) for p in list_months(PROJECT.params_dir)}
    finally:
        shutdown_warm_kernel()


def test_every_sample_month_executes_without_errors(executed):
    assert len(executed) == 12
    for periode, nb in executed.items():
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert not errors, periode


def test_sections_in_order(executed):
    text = _markdown(executed["2022-06"])
    headings = [
        "# BAB I PENDAHULUAN",
        "## A. Latar Belakang",
        "## B. Maksud dan Tujuan",
        "## C. Dasar Hukum",
        "# BAB II LAPORAN BULANAN",
        "## A. Pelaksanaan",
        "## B. Hasil Pelaksanaan",
        "# BAB III PENUTUP",
        "## A. Kesimpulan",
        "## B. Saran",
        "## Tentang Laporan Ini",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "JUNI TAHUN 2022" in text


def test_parameters_recorded(executed):
    nb = executed["2022-06"]
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'periode = "2022-06"' in injected[0].source
    assert nb.metadata["papermill"]["parameters"]["per_tanggal"] == "2022-07-11 08:34"


def test_tables_and_conclusions_equal_metrics(executed):
    for periode in ("2022-06", "2022-03", "2022-10"):
        text = _markdown(executed[periode])
        m = _metrics(periode)
        total = m["total_laporan"]
        # every ranked/listed table has exactly as many rows as metrics.json lists
        for label, key in (
            ("tbl-top-ukpd", "top_ukpd"),
            ("tbl-top-kategori", "top_kategori"),
            ("tbl-koordinasi-tercepat", "koordinasi_tercepat"),
            ("tbl-penyelesaian-terlama", "penyelesaian_terlama"),
            ("tbl-tl-ditolak", "tl_ditolak"),
        ):
            block = text[: text.index(f"{{#{label}}}")].rsplit("\n\n", 2)[-2]
            rows = [line for line in block.splitlines() if line.startswith("|")][2:]
            assert len(rows) == len(m[key]), (periode, key)
        conclusions = text[text.index("## A. Kesimpulan") : text.index("## B. Saran")]
        r = m["respon"]
        assert f"**{fmt.format_angka(total)}** aduan" in conclusions
        assert f"**{fmt.format_persen(m['capaian_persen'])}**" in conclusions
        assert (
            f"**{fmt.format_angka(r['tepat_waktu'])}** aduan (**{fmt.format_persen(100 * r['tepat_waktu'] / total)}**)"
            in conclusions
        )
        top = m["top_ukpd"][0]
        assert f"**{fmt.format_ukpd(top['ukpd'])}**" in conclusions
        assert (
            f"**{fmt.format_angka(top['jumlah'])}** aduan (**{fmt.format_persen(100 * top['jumlah'] / total)}**)"
            in conclusions
        )
        assert f"**{m['top_kategori'][0]['kategori']}**" in conclusions
        for e in m["tl_ditolak"]:
            assert fmt.format_ukpd(e["ukpd"]) in conclusions


def test_seed_figures_in_june(executed):
    text = _markdown(executed["2022-06"])
    for fragment in (
        "**508**",
        "**99,96%**",
        "**388** aduan (76,38%)",
        "**120** aduan (23,62%)",
        "| 1 | Cipayung | 24 | 10,63 |",
        "| 1 | Munjul | 10 | 9,778 |",
        "| 1 | Kebon Manggis | 1 | 67,00 |",
        "JK2206030245",
        "JK2206130046",
    ):
        assert fragment in text, fragment


def test_month_over_month_when_previous_month_exists(executed):
    text = _markdown(executed["2022-06"])
    assert re.search(
        r"Dibandingkan bulan Mei 2022 \([\d.]+ pengaduan\), jumlah pengaduan (naik|turun)", text
    )
    assert "Dibandingkan bulan" not in _markdown(executed["2022-01"])


def test_charts_are_captioned_figures(executed):
    text = _markdown(executed["2022-06"])
    for name in ("kecamatan", "kategori", "kanal", "respon", "harian", "tren"):
        # Each with a text alternative that states its numbers (fig-alt).
        assert re.search(
            rf'!\[[^\]]+\]\(grafik/{name}\.png\)\{{#fig-{name} fig-alt="[^"]*\d[^"]*"\}}', text
        ), name
