"""Data is data in every format it reaches: Markdown, chart labels, spreadsheet cells.

Markdown values are run through pandoc (the binary the embedded renderer uses) to
HTML, Typst and pandoc's own AST, with the reader options of crmlib.render.markdown.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import laporan_row

from crmlib.render.markdown import MARKDOWN
from crmlib.report import laporan as report
from crmlib.report import tables
from crmlib.report.escape import Markup, bersihkan_kontrol, kode, teks_data, teks_narasi

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<style>body{display:none}</style>",
    "[x](javascript:alert(1))",
    '<img src="/etc/hostname">',
    "![](http://127.0.0.1:9/x.png)",
    '`#read("laporan.md")`{=typst}',
    "```{=html}\n<script>alert(1)</script>\n```",
    "Biaya $\\frac{$ retribusi",
    '=HYPERLINK("http://example.invalid","klik")',
    "=cmd|' /C calc'!A0",
    "{{< include /etc/hostname >}}",
    "<http://example.invalid>",
    "x^[catatan kaki]^ ~~coret~~ @ref [teks]{.kelas} :::",
    "---\ntitle: disusupi\n---",
    "# Judul palsu",
    "&lt;b&gt; \\*bukan miring\\*",
    "a | b || c",
]


def _pandoc(markdown: str, to: str) -> str:
    import pypandoc

    result = subprocess.run(
        [pypandoc.get_pandoc_path(), f"--from={MARKDOWN}", f"--to={to}", "--wrap=none"],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _inlines(markdown: str) -> set[str]:
    """Every AST element type pandoc reads from ``markdown``."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if "t" in node:
                found.add(node["t"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(json.loads(_pandoc(markdown, "json"))["blocks"])
    return found


@pytest.mark.parametrize("value", PAYLOADS)
def test_data_value_is_one_plain_paragraph_of_its_own_text(value):
    md = teks_data(value)
    assert _inlines(md) <= {"Para", "Str", "Space"}
    plain = _pandoc(md, "plain").strip()
    assert " ".join(plain.split()) == " ".join(value.split())


@pytest.mark.parametrize("value", PAYLOADS)
def test_data_value_is_text_in_html_and_typst(value):
    md = "Kategori " + teks_data(value)
    html = _pandoc(md, "html5")
    assert "<img" not in html and "<script" not in html and "<a " not in html
    assert "<style" not in html and "<span" not in html
    typst = _pandoc(md, "typst")
    assert "#read" not in typst.replace("\\#read", "")
    assert "#image" not in typst and "#link" not in typst and "#cite" not in typst


@pytest.mark.parametrize("value", PAYLOADS)
def test_table_cells_are_literal(value):
    md = tables.pipe_table(["No", "Kategori"], [[1, value]], "rl", "Uji", "tbl-uji")
    html = _pandoc(md, "html5")
    assert html.count("<table") == 1 and html.count("<td") == 2
    assert "<img" not in html and "<script" not in html and "<a " not in html
    typst = _pandoc(md, "typst")
    assert "#read" not in typst.replace("\\#read", "") and "#image" not in typst
    # Bold markup of the templates stays markup.
    md = tables.pipe_table(["A"], [[Markup("**Jumlah**")]], "l", "Uji", "tbl-uji")
    assert "<strong>Jumlah</strong>" in _pandoc(md, "html5")


def test_numbers_dates_and_words_stay_readable():
    for text in ("10,63", "3 Juni 2022 16:15", "(76,38%)", "370/P-DPA/2022", "Rahmat-Nya."):
        assert teks_data(text) == text
    assert teks_data("a:b") == "a\\:b"  # "javascript:" is never a scheme to a reader


def test_control_characters_and_line_breaks_go():
    assert bersihkan_kontrol("a\x1b[31mb\x07\r\nc\u2028d\te") == "a[31mb c d e"
    assert teks_data("baris satu\n# bukan judul") == "baris satu \\# bukan judul"


def test_code_span_holds_any_backticks():
    for value in ("laporan.csv", "a`b", "``x``{=typst}"):
        md = "Berkas " + kode(value)
        assert _inlines(md) <= {"Para", "Str", "Space", "Code"}
        assert _pandoc(md, "plain").strip() == f"Berkas {value}"


def test_narrative_keeps_emphasis_and_lists_only():
    text = (
        "Perhatikan *waktu respon* dan **EWS**, _bukan_ <b>tebal</b>:\n\n"
        "- satu [tautan](http://example.invalid)\n"
        "- dua ![gambar](/etc/hostname)\n"
        '1. tiga `#read("x")`{=typst} $x$\n'
    )
    html = _pandoc(teks_narasi(text), "html5")
    assert "<em>waktu respon</em>" in html and "<strong>EWS</strong>" in html
    assert "<em>bukan</em>" in html
    assert html.count("<li>") == 3 and "<ul>" in html and "<ol" in html
    assert "&lt;b&gt;tebal&lt;/b&gt;" in html
    for forbidden in ("<a ", "<img", "<b>", "<code", "math"):
        assert forbidden not in html
    assert "#read" not in _pandoc(teks_narasi(text), "typst").replace("\\#read", "")


def test_narrative_cannot_open_metadata_divs_or_headings():
    text = "---\ntitle: x\nheader-includes: <script>alert(1)</script>\n---\n# Judul\n::: {.x}\n:::"
    md = teks_narasi(text)
    assert _inlines(md) <= {"Para", "Str", "Space", "SoftBreak"}


def test_one_paragraph_items_join_lines():
    assert teks_narasi("satu\n- dua", satu_paragraf=True) == "satu \\- dua"


def test_chart_labels_are_never_mathtext():
    import pandas as pd

    from crmlib.report import chart_base, charts

    label = r"Biaya $\frac{$ retribusi"
    df = pd.DataFrame({"peringkat": [1, 2], "kategori": [label, "Sampah $5$"], "jumlah": [3, 2]})
    fig = charts.plot_top_kategori(df)
    png = chart_base.to_png(fig)
    assert png.startswith(b"\x89PNG")
    shown = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert shown == [label, "Sampah $5$"]
    assert not any(t.get_parse_math() for t in fig.axes[0].get_yticklabels())


FORMULAS = [
    '=HYPERLINK("http://example.invalid","klik")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-3",
    "@SUM(A1)",
]


def test_workbook_writes_formula_like_text_as_text(month_factory, tmp_path):
    from openpyxl import load_workbook

    from crmlib.data.reader import read_month
    from crmlib.data.refdata import load_reference
    from crmlib.report.workbook import write_tables_xlsx

    rows = [
        laporan_row(
            nomor_laporan=f"JK22060300{i}",
            kategori=f,
            rincian_masalah=f,
            jumlah_tl_ditolak="2",
            nilai_tl="80",
        )
        for i, f in enumerate(FORMULAS)
    ]
    ref = load_reference("jakarta-timur")
    month = read_month(month_factory(rows), "2022-06", reference=ref)
    path = write_tables_xlsx(report.compute_month(month, ref), tmp_path / "tabel.xlsx")
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for f in FORMULAS:
        assert texts[f].data_type == "s" and texts[f].quotePrefix, f


def _saran_cell_filled(lap) -> str:
    """The notebook's "B. Saran" Markdown cell filled with ``lap``'s kendala and saran."""
    import json

    from conftest import ROOT

    from crmlib.report import narasi

    nb = json.loads((ROOT / "notebooks" / "laporan_bulanan.ipynb").read_text(encoding="utf-8"))
    cell = next(
        "".join(c["source"])
        for c in nb["cells"]
        if c["cell_type"] == "markdown" and "## B. Saran" in "".join(c["source"])
    )
    pairs = narasi._narasi_params(lap)
    values = {k: v[1] for k, v in pairs.items()} | {"n": {k: v[0] for k, v in pairs.items()}}
    return narasi.isi_teks(cell, values)


def test_documented_catatan_example_renders_as_documented():
    from types import SimpleNamespace

    catatan = (
        "Edisi ini memakai data ekspor ulang karena:\n\n"
        "- ekspor pertama terpotong pada 28 Juni;\n"
        "- dua UKPD berganti nama <b>baru</b>.\n"
    )
    lap = SimpleNamespace(narasi={"catatan": catatan, "kendala": ["Lihat *tabel* <b>x</b>"]})
    html = _pandoc(report.catatan(lap, as_text=True), "html5")
    assert html.count("<li>") == 2 and "&lt;b&gt;baru&lt;/b&gt;" in html
    assert "Edisi ini memakai data ekspor ulang karena:" in html
    lap.narasi["saran"] = ["Saran *penting*\nlanjutan [tautan](http://x)"]
    html = _pandoc(_saran_cell_filled(lap), "html5")
    assert "<em>penting</em> lanjutan [tautan](http://x)" in html and "<a " not in html


def test_attribute_value_reads_back_literally_and_hides_markup_from_scanners():
    import pypandoc

    from crmlib.report.escape import atribut

    value = 'Sampah ![x](http://127.0.0.1:9/x.png) "kutip" \\ <b>'
    md = f'![cap](x.png){{#fig-a fig-alt="{atribut(value)}"}}\n'
    assert "![x](" not in md
    html = pypandoc.convert_text(md, "html5", format="markdown")
    assert (
        'data-fig-alt="Sampah ![x](http://127.0.0.1:9/x.png) &quot;kutip&quot; \\ &lt;b&gt;"'
        in html
    )
