"""The document structure both renderers hand to the shared Lua filter.

Quarto wraps every cell's output in divs (``::: {.cell}`` / ``::: {.cell-output-display}``);
the embedded renderer does not. These tests run pandoc with ``laporan.lua`` on both
shapes of the same report and check that the filter's output is the same where it
matters (no Quarto needed).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fixtures_render import load_notebook

from crmlib.render.embedded import _pandoc
from crmlib.render.markdown import MARKDOWN, cell_options, notebook_to_markdown
from crmlib.report.laporan import Laporan, catatan

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "_extensions" / "laporan-crm"
STICKY = "#block(sticky: true)["
SHY = "\u00ad"  # soft hyphen, put into Typst text by the filter


def run_filter(markdown: str, to: str) -> str:
    """pandoc with the extension's Lua filter, as both renderers run it."""
    done = subprocess.run(
        [_pandoc(), f"--from={MARKDOWN}", f"--to={to}", f"--lua-filter={EXT / 'laporan.lua'}"],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def quarto_shaped(notebook: dict, inner: bool) -> str:
    """The notebook's body as Quarto hands it to a pre-ast filter: each code cell's
    output in a ``.cell`` div (and, with ``inner``, a ``.cell-output-display`` div)."""
    blocks = []
    for cell in notebook["cells"][1:]:
        source = "".join(cell.get("source") or [])
        if cell["cell_type"] == "markdown":
            blocks.append(source)
            continue
        if cell["cell_type"] != "code" or cell_options(source).get("output") is False:
            continue
        texts = [
            "".join(o["data"]["text/markdown"])
            for o in cell.get("outputs") or []
            if "text/markdown" in o.get("data", {})
        ]
        if not texts:
            continue
        body = "\n\n".join(texts)
        if inner:
            body = f"::: {{.cell-output-display}}\n\n{body}\n\n:::"
        blocks.append(f'::: {{.cell execution_count="1"}}\n\n{body}\n\n:::')
    return "\n\n".join(blocks) + "\n"


def embedded_shaped(notebook: dict) -> str:
    return notebook_to_markdown(notebook)[1]


def intros_in_cells_of_their_own(notebook: dict) -> dict:
    """The notebook with each "intro paragraph + table" output split into two cells,
    as the report notebook has them (intros are Markdown cells before the table)."""
    cells = []
    for cell in notebook["cells"]:
        outputs = cell.get("outputs") or []
        texts = ["".join(o.get("data", {}).get("text/markdown", "")) for o in outputs]
        parts = texts[0].split("\n\n", 1) if len(texts) == 1 else []
        if len(parts) == 2 and parts[1].lstrip().startswith(("|", ":::")):
            for part in parts:
                out = {**outputs[0], "data": {"text/markdown": part + "\n"}}
                cells.append({**cell, "outputs": [out]})
        else:
            cells.append(cell)
    return {**notebook, "cells": cells}


def _intros(typst: str) -> int:
    return typst.count(STICKY)


@pytest.mark.parametrize("inner", [False, True], ids=["cell", "cell+output-display"])
def test_every_table_intro_is_kept_with_its_table_under_quarto_cells(inner):
    notebook = intros_in_cells_of_their_own(load_notebook())
    embedded = run_filter(embedded_shaped(notebook), "typst")
    quarto = run_filter(quarto_shaped(notebook, inner), "typst")
    assert _intros(embedded) >= 3
    assert _intros(quarto) == _intros(embedded)


def test_intro_alone_in_a_cell_sticks_to_the_next_cells_table():
    md = (
        "::: {.cell}\n::: {.cell-output-display}\nBerdasarkan laporan yang masuk, rekap sebagai berikut.\n:::\n:::\n\n"
        "::: {.cell}\n::: {.cell-output-display}\n::: {.tabel-rekap}\n"
        "| No | UKPD | Total |\n|---|:---|---:|\n| 1 | KELURAHAN A | 3 |\n| | **Jumlah** | 3 |\n\n"
        ": Rekap {#tbl-rekap}\n\n:::\n:::\n:::\n"
    )
    typst = run_filter(md, "typst").replace(SHY, "")
    # The paragraph left its cell divs and is the sticky sibling of the table's block.
    assert typst.startswith(f"{STICKY}\nBerdasarkan laporan")
    assert typst.index("]\n#block[") < typst.index("#laporan-tabel(")


# --- the month's note ------------------------------------------------------------------------


@pytest.fixture
def note_markdown():
    lap = Laporan.__new__(Laporan)
    lap.narasi = {"catatan": "Data 3 Juni diperbaiki oleh Diskominfotik."}
    return catatan(lap, as_text=True)


def test_note_is_a_neutral_div_not_a_quarto_callout(note_markdown):
    assert "callout" not in note_markdown
    assert note_markdown.startswith("::: {.catatan-bulan}")
    assert note_markdown.count("Catatan") == 1


def test_note_in_html_is_one_styled_note_titled_once(note_markdown):
    soup = BeautifulSoup(run_filter(note_markdown, "html5"), "html.parser")
    box = soup.select("div.catatan-bulan")
    assert len(box) == 1 and box[0]["role"] == "note"
    assert box[0].get_text().count("Catatan") == 1
    assert "Note" not in box[0].get_text()
    css = (EXT / "laporan.css").read_text(encoding="utf-8")
    assert ".catatan-bulan {" in css


def test_note_in_typst_is_the_layouts_box_titled_once(note_markdown):
    typst = run_filter(note_markdown, "typst").replace(SHY, "")
    assert typst.count("#laporan-catatan[") == 1
    assert typst.count("Catatan") == 1
    layout = (EXT / "laporan-layout.typ").read_text(encoding="utf-8")
    assert "#let laporan-catatan(body)" in layout


def test_note_box_compiles_in_the_pdf(tmp_path, note_markdown):
    from fixtures_render import markdown_cell_notebook, prepare_month
    from pypdf import PdfReader

    from crmlib.render.renderer import render_month

    nb = markdown_cell_notebook("# BAB III PENUTUP\n", note_markdown)
    month = prepare_month(tmp_path / "2022-06", notebook=nb)
    render_month(month, renderer="embedded")
    text = " ".join(p.extract_text() for p in PdfReader(month / "laporan.pdf").pages)
    assert text.count("Catatan:") == 1 and "Diskominfotik" in text


# --- Indonesian hyphenation and chapter ends (Typst) ------------------------------------------


def test_typst_text_gets_indonesian_soft_hyphens():
    md = "Penyelesaian pengaduan masyarakat, tindaklanjut (instruksi) nyanyian.\n"
    typst = run_filter(md, "typst")
    words = typst.replace("\n", " ").split()
    # A capitalised word may be a name (a unit, a place, a month): broken only at spaces.
    assert words[:3] == [
        "Penyelesaian",
        f"pe{SHY}nga{SHY}du{SHY}an",
        f"ma{SHY}sya{SHY}ra{SHY}kat,",
    ]
    assert f"(in{SHY}struk{SHY}si)" in words and f"nya{SHY}nyi{SHY}an." in words


def test_names_codes_tables_and_html_keep_their_words_whole():
    md = (
        "KELURAHAN CAKUNG Kelurahan Rawamangun September `pengaduan` JK2206030001 "
        "https://crm.jakarta.go.id\n\n"
        "| Complete | Kelurahan |\n|---|---|\n| penyelesaian | 1 |\n\n"
    )
    assert SHY not in run_filter(md, "typst")
    assert SHY not in run_filter("penyelesaian pengaduan masyarakat\n", "html5")


def test_a_chapters_last_paragraph_is_not_split_across_pages():
    md = (
        "# BAB II HASIL\n\nParagraf pertama.\n\nParagraf penutup bab.\n\n"
        "# BAB III PENUTUP\n\nParagraf terakhir.\n"
    )
    typst = run_filter(md, "typst").replace(SHY, "")
    whole = "#block(breakable: false)["
    assert typst.count(whole) == 1
    assert typst.split(whole, 1)[1].lstrip().startswith("Paragraf pe")
    assert "Paragraf penutup bab." in typst.split(whole, 1)[1].split("]")[0]
