"""The notebook's Markdown cells as templates: names, values, errors, escaping."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import ROOT

from crmlib.cli.main import cli
from crmlib.errors import NarasiError
from crmlib.report import laporan as r
from crmlib.report import narasi

NOTEBOOK = ROOT / "notebooks" / "laporan_bulanan.ipynb"


@pytest.fixture(scope="module")
def juni(tmp_path_factory):
    return r.siapkan_laporan(
        "2022-06",
        ROOT / "data" / "sample" / "2022-06",
        "2022-07-11 08:34",
        output_dir=tmp_path_factory.mktemp("juni"),
        narasi={"kendala": ["Kendala *penting*."], "saran": []},
        riwayat=[],
    )


@pytest.fixture(scope="module")
def nilai_juni(juni):
    return json.loads(json.dumps(narasi.nilai(juni)))  # as the executed notebook carries them


def test_formatted_and_raw_values_side_by_side(nilai_juni):
    assert nilai_juni["total_laporan"] == "508" and nilai_juni["n"]["total_laporan"] == 508
    assert nilai_juni["capaian"] == "99,96%"
    assert nilai_juni["persen_tepat_waktu"] == "76,38%"
    assert nilai_juni["ukpd_tertinggi"] == ["Kelurahan Rawamangun"]
    assert nilai_juni["perubahan_total"] == "" and nilai_juni["n"]["perubahan_total"] is None
    assert set(nilai_juni["n"]) == set(nilai_juni) - {"n"}


def test_unknown_name_names_cell_heading_name_closest_and_month(nilai_juni):
    with pytest.raises(
        NarasiError,
        match=r"sel Markdown yang diawali “Jumlah pengaduan bulan ini \{\{ totl_laporan \}\} "
        r"aduan dari semua kanal\.” \(di bawah judul “A\. Rekapitulasi”\): "
        r"nama 'totl_laporan' tidak dikenal\. Mungkin maksudnya: total_laporan, n\.total_laporan\. "
        r"Daftar semua nama dan nilainya: crm-report nilai 2022-06\.",
    ):
        narasi.isi_teks(
            "Jumlah pengaduan bulan ini {{ totl_laporan }} aduan dari semua kanal.",
            nilai_juni,
            "A. Rekapitulasi",
        )


def test_the_cell_is_quoted_by_its_first_line_of_text_not_a_template_tag(nilai_juni):
    cell = "{% if n.total_laporan == 0 %}\nTidak ada laporan.\n{% endif %}\nTotal {{ totl }}."
    with pytest.raises(NarasiError, match=r"sel Markdown yang diawali “Tidak ada laporan\.”"):
        narasi.isi_teks(cell, nilai_juni)


def test_the_heading_is_the_last_one_above_the_cell_in_the_notebook(nilai_juni):
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "# BAB II HASIL {#bab-2}\n\n## A. Rekap\n"},
            {"cell_type": "code", "source": "x = 1", "outputs": []},
            {"cell_type": "markdown", "source": "Ringkasan {{ totl_laporan }}."},
        ]
    }
    with pytest.raises(
        NarasiError, match=r"“Ringkasan \{\{ totl_laporan \}\}\.” \(di bawah judul “A\. Rekap”\)"
    ):
        narasi.isi_sel(nb, nilai_juni)
    nb["cells"][2]["source"] = "## B. Kanal\nKanal {{ totl_laporan }}."
    with pytest.raises(
        NarasiError, match=r"“Kanal \{\{ totl_laporan \}\}\.” \(di bawah judul “B\. Kanal”\)"
    ):
        narasi.isi_sel(nb, nilai_juni)


def test_unknown_raw_name_in_a_condition_fails_too(nilai_juni):
    with pytest.raises(NarasiError, match=r"'capaian_persn'.*n\.capaian"):
        narasi.isi_teks("{% if n.capaian_persn %}x{% endif %}", nilai_juni)


def test_broken_syntax_names_the_line(nilai_juni):
    with pytest.raises(
        NarasiError, match=r"“Baris satu\.”, baris 2 di sel itu: penulisan isian salah"
    ):
        narasi.isi_teks("Baris satu.\n{{ total_laporan ", nilai_juni)


def test_pandoc_attributes_are_not_template_comments(nilai_juni):
    text = narasi.isi_teks("# BAB II {{ bulan_kapital }} {#bab-2}\n", nilai_juni)
    assert text == "# BAB II JUNI {#bab-2}\n"


def test_values_from_data_stay_literal_text():
    values = {"nama": "**x**", "n": {"nama": "<img src=x onerror=alert(1)>"}}
    assert narasi.isi_teks("{{ n.nama }}", values) == r"\<img src\=x onerror\=alert(1)\>"
    # a formatted value is crmlib's escaped Markdown and is written as it is
    assert narasi.isi_teks("{{ nama }}", values) == "**x**"


def test_lists_join_in_indonesian(nilai_juni):
    values = {"u": ["A", "B", "C"], "n": {"u": ["A", "B", "C"]}}
    assert narasi.isi_teks("{{ u }}", values) == "A, B dan C"
    assert narasi.isi_teks("{{ u | gabung(tebal=true) }}", values) == "**A**, **B** dan **C**"
    assert narasi.isi_teks("{% for x in u %}{{ loop.index | huruf }}{% endfor %}", values) == "abc"


def test_template_sandbox_refuses_python_internals(nilai_juni):
    with pytest.raises(NarasiError):
        narasi.isi_teks("{{ bulan.__class__.__mro__ }}", nilai_juni)


def test_source_notebook_keeps_placeholders_and_fills_without_error(nilai_juni):
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert any("{{ total_laporan }}" in s for s in sources)
    narasi.isi_sel(nb, nilai_juni)
    filled = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "{{" not in filled and "{%" not in filled
    assert "    a. Kendala *penting*." in filled


def test_fill_executed_notebook_once(tmp_path, nilai_juni):
    nb = {
        "cells": [
            {
                "cell_type": "markdown",
                "id": "teks",
                "metadata": {},
                "source": ["Total {{ total_laporan }}.\n", "\n", "1. Butir {{ total_laporan }}."],
            },
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "nilai",
                "metadata": {},
                "source": "narasi.simpan_nilai(lap)",
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "data": {narasi.MIME: nilai_juni},
                        "metadata": {},
                    }
                ],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "laporan.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert narasi.isi_notebook(path) is True
    # Stored as nbformat stores it, line by line (Quarto reads one string as one line).
    assert json.loads(path.read_text())["cells"][0]["source"] == [
        "Total 508.\n",
        "\n",
        "1. Butir 508.",
    ]
    assert narasi.isi_notebook(path) is False


def test_cli_nilai_lists_every_name_with_the_month_value():
    result = CliRunner().invoke(cli, ["nilai", "2022-06"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.split()[:2] == ["total_laporan", "508"] for line in lines)
    assert any(line.startswith("bulan_lalu") and "Mei 2022" in line for line in lines)
    assert any(line.startswith("capaian ") and "99,96%" in line for line in lines)


def test_notebook_cell_lists_the_values(juni):
    table = narasi.daftar_nilai(juni, as_text=True)
    assert "| `total_laporan` | 508 | 508 |" in table
    assert "| `ukpd_tertinggi` | Kelurahan Rawamangun |" in table


def test_render_refuses_a_notebook_that_is_not_an_executed_report(tmp_path):
    path = tmp_path / "lain.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(path)])
    assert result.exit_code != 0
    assert "bukan notebook laporan yang sudah dijalankan" in str(result.exception)
