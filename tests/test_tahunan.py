"""The annual report: its content from the months' metrics.json, and its build.

Content functions run on the sample months' own ``metrics.json``
(tests/fixtures_archive.py); the end-to-end tests share one build of the report by
the CLI (embedded renderer) and check that it is rebuilt only when one of its months
changes.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil

import pytest
from bs4 import BeautifulSoup
from fixtures_archive import MONTHS, sample_output
from notebook_checks import assert_written_by_nbformat

from crmlib.report import tahunan as t
from crmlib.report.fmt import format_angka


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    return sample_output(tmp_path_factory.mktemp("tahunan") / "output")


def _rows(markdown: str) -> list[list[str]]:
    lines = [ln for ln in markdown.splitlines() if ln.startswith("| ")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[1:]]


def test_recap_is_76_units_by_12_months_from_metrics_json(output):
    lt = t.siapkan_tahunan(2022, output)
    rows = _rows(t.tabel_rekap_tahunan(lt, as_text=True))
    assert len(rows) == 76 + 1 and rows[-1][0] == "**Jumlah**"
    assert all(len(r) == 14 for r in rows)
    raw = {r[0]: r for r in rows}["Kelurahan Rawamangun"]
    expected = []
    for periode in MONTHS:
        data = json.loads((output / periode / "metrics.json").read_text(encoding="utf-8"))
        expected.append(next(e for e in data["per_ukpd"] if e["ukpd"] == "KELURAHAN RAWAMANGUN"))
    assert raw[1:13] == [format_angka(e["total"]) for e in expected]
    assert raw[13] == format_angka(sum(e["total"] for e in expected))
    grand = sum(
        json.loads((output / p / "metrics.json").read_text(encoding="utf-8"))["total_laporan"]
        for p in MONTHS
    )
    assert rows[-1][13] == f"**{format_angka(grand)}**"
    assert "kedua belas bulan" in t.cakupan(lt, as_text=True)


def test_missing_months_are_named(output, tmp_path):
    partial = tmp_path / "output"
    shutil.copytree(output, partial)
    shutil.rmtree(partial / "2022-03")
    shutil.rmtree(partial / "2022-04")
    lt = t.siapkan_tahunan(2022, partial)
    assert lt.hilang == ["2022-03", "2022-04"]
    assert "Data bulan Maret dan April 2022 belum tersedia" in t.cakupan(lt, as_text=True)
    rows = _rows(t.tabel_rekap_tahunan(lt, as_text=True))
    assert {r[3] for r in rows[:-1]} == {"–"} and {r[4] for r in rows[:-1]} == {"–"}
    assert rows[-1][3] == "**–**"
    monthly = {r[0]: r for r in _rows(t.tabel_bulanan(lt, as_text=True))}
    assert monthly["Maret"][1] == "tidak ada data"


def test_year_over_year_change_where_the_previous_year_exists(output, tmp_path):
    two = tmp_path / "output"
    shutil.copytree(output, two)
    assert "tidak tersedia" in t.perubahan_tahunan(t.siapkan_tahunan(2022, two), as_text=True)
    shutil.copytree(two / "2022-01", two / "2021-01")
    rows = _rows(t.perubahan_tahunan(t.siapkan_tahunan(2022, two), as_text=True))
    jan = json.loads((two / "2022-01" / "metrics.json").read_text(encoding="utf-8"))
    n = format_angka(jan["total_laporan"])
    assert rows[0] == ["Jumlah laporan", n, n]  # January 2021 is a copy of January 2022


def test_units_of_the_year(output):
    rows = {r[0]: r for r in _rows(t.unit_tahun(t.siapkan_tahunan(2022, output), as_text=True))}
    totals = {}
    for p in MONTHS:
        data = json.loads((output / p / "metrics.json").read_text(encoding="utf-8"))
        for e in data["per_ukpd"]:
            totals[e["ukpd"]] = totals.get(e["ukpd"], 0) + e["total"]
    top = max(totals.values())
    assert rows["Laporan terbanyak"][2] == f"{format_angka(top)} laporan"
    assert set(rows) == {
        "Laporan terbanyak",
        "Respon tepat waktu tertinggi",
        "Respon tepat waktu terendah",
        "TL ditolak terbanyak",
    }


@pytest.fixture(scope="module")
def built_year(output, tmp_path_factory):
    """A project with every sample month but December, its year built once by the CLI.

    ``(root, exit code, stdout)`` of ``crm-report build 2022``. An annual build costs
    seconds, so the end-to-end tests below share this one and change only their own
    copies of the project.
    """
    from test_build import ROOT

    from crmlib.cli.main import main

    root = tmp_path_factory.mktemp("tahunan-proyek") / "proyek"
    for name in ("notebooks", "_extensions"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "_quarto.yml", root / "_quarto.yml")
    (root / "params").mkdir()
    shutil.copy(ROOT / "params" / "_default.yaml", root / "params" / "_default.yaml")
    shutil.copytree(output, root / "output")
    shutil.rmtree(root / "output" / "2022-12")
    stdout = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(stdout):
        mp.chdir(root)
        rc = main(["build", "2022", "--renderer", "embedded"])
    return root, rc, stdout.getvalue()


@pytest.mark.e2e
def test_annual_notebook_is_written_by_nbformat(built_year):
    built, rc, _ = built_year
    assert rc == 0
    assert_written_by_nbformat(built / "output" / "2022" / "laporan.ipynb")


def _copy(project, tmp_path):
    return shutil.copytree(project, tmp_path / "proyek", symlinks=True)


@pytest.mark.e2e
def test_annual_build_rebuilds_only_when_a_month_changes(built_year, tmp_path):
    from crmlib.project import Project
    from crmlib.publish.year import build_years

    built, rc, out = built_year
    assert rc == 0 and "Laporan tahunan 2022: dibangun" in out, out  # the first build
    root = _copy(built, tmp_path)
    project = Project(root)
    year = root / "output" / "2022"
    assert (year / "laporan.pdf").stat().st_size > 10_000
    soup = BeautifulSoup((year / "laporan.html").read_text(encoding="utf-8"), "lxml")
    text = " ".join(soup.get_text(" ").split())
    assert "LAPORAN TAHUNAN CRM" in text and "tanpa data bulan Desember" in text
    assert "Data bulan Desember 2022 belum tersedia" in text
    assert build_years(project, ["2022"], renderer="embedded") == {"2022": "terkini"}
    index = BeautifulSoup((root / "output" / "index.html").read_text("utf-8"), "lxml")
    first = index.select_one("#tahun-2022 ~ ul > li")
    assert first["id"] == "tahunan-2022" and first.a["href"] == "2022/laporan.html"
    # The annual workbook is published beside the report and linked from its card.
    assert (year / "tabel.xlsx").is_file()
    assert "2022/tabel.xlsx" in [a["href"] for a in first.select("a")]
    jan = root / "output" / "2022-01" / "metrics.json"
    data = json.loads(jan.read_text(encoding="utf-8"))
    data["total_laporan"] += 1
    jan.write_text(json.dumps(data), encoding="utf-8")
    assert build_years(project, ["2022"], renderer="embedded") == {"2022": "dibangun"}


@pytest.mark.e2e
def test_cli_builds_a_year_by_its_number(built_year, tmp_path, monkeypatch, capsys):
    from crmlib.cli.main import main

    built, rc, out = built_year
    # `crm-report build 2022` built the year (the fixture's build).
    assert rc == 0 and "Laporan tahunan 2022: dibangun" in out, out
    assert (built / "output" / "2022" / "laporan.pdf").is_file()
    monkeypatch.chdir(_copy(built, tmp_path))
    assert main(["build", "--tahun", "22"]) == 2
    assert "--tahun" in capsys.readouterr().err
    assert main(["build", "--tahun", "2022", "--renderer", "embedded"]) == 0
    assert "Laporan tahunan 2022: sudah terkini" in capsys.readouterr().out


def test_annual_workbook_holds_the_months_own_figures_as_numbers(output, tmp_path):
    from openpyxl import load_workbook

    lt = t.siapkan_tahunan(2022, output)
    path = t.write_tabel_tahunan(lt, tmp_path / "tabel.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Rekap UKPD", "Per Bulan", "UKPD per Bulan"]
    rekap = {row[0]: row[1:] for row in wb["Rekap UKPD"].iter_rows(min_row=2, values_only=True)}
    assert len(rekap) == 76
    expected = []
    for month in MONTHS:
        data = json.loads((output / month / "metrics.json").read_text(encoding="utf-8"))
        units = {e["ukpd"]: e for e in data["per_ukpd"]}
        expected.append(units["KELURAHAN RAWAMANGUN"]["total"])
    assert list(rekap["KELURAHAN RAWAMANGUN"]) == [*expected, sum(expected)]
    bulan = list(wb["Per Bulan"].iter_rows(min_row=2, values_only=True))
    juni = json.loads((output / "2022-06" / "metrics.json").read_text(encoding="utf-8"))
    assert bulan[5][:3] == ("2022-06", juni["total_laporan"], juni["capaian_persen"])
    long = list(wb["UKPD per Bulan"].iter_rows(min_row=2, values_only=True))
    assert len(long) == 76 * len(MONTHS)
    assert all(isinstance(r[2], int) for r in long)  # numbers stay numbers


def test_annual_workbook_leaves_a_missing_month_empty(output, tmp_path):
    from openpyxl import load_workbook

    partial = tmp_path / "output"
    shutil.copytree(output, partial)
    shutil.rmtree(partial / "2022-03")
    lt = t.siapkan_tahunan(2022, partial)
    wb = load_workbook(t.write_tabel_tahunan(lt, tmp_path / "tabel.xlsx"))
    row = next(wb["Rekap UKPD"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert row[3] is None and all(isinstance(v, int) for v in row[1:3])
    assert [r[0] for r in wb["Per Bulan"].iter_rows(min_row=2, values_only=True)].count(
        "2022-03"
    ) == 0
