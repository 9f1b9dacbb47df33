"""Rendering: front matter, notebook conversion, renderer choice, the embedded renderer.

The embedded renderer (pandoc + Typst, no Quarto) renders the hand-made executed
notebook of ``tests/fixtures_render/``; the HTML is checked with BeautifulSoup and
the PDF with pypdf. Quarto itself is exercised in test_quarto.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fixtures_render import (
    LINKS,
    default_params,
    load_notebook,
    markdown_cell_notebook,
    prepare_month,
)
from pypdf import PdfReader

from crmlib.errors import ParamsError, RendererMissingError, RenderError
from crmlib.render import renderer as render
from crmlib.render.extension import find_project_root
from crmlib.render.markdown import cell_options, notebook_to_markdown
from crmlib.report.frontmatter import (
    build_front_matter,
    inject_front_matter,
    read_front_matter,
)

A4 = (595.28, 841.89)
F4 = (215 / 25.4 * 72, 330 / 25.4 * 72)


def _t(el):
    """Text of an element with whitespace collapsed."""
    return " ".join(el.get_text(" ").split())


# --- the extension shared by both renderers ------------------------------------------------

EXT = Path(__file__).resolve().parents[1] / "_extensions" / "laporan-crm"


def test_extension_declares_both_formats_and_its_files_exist():
    import yaml

    spec = yaml.safe_load((EXT / "_extension.yml").read_text(encoding="utf-8"))
    formats = spec["contributes"]["formats"]
    assert {"common", "html", "typst"} <= set(formats)
    common, html, typst = formats["common"], formats["html"], formats["typst"]
    assert common["lang"] == "id" and common["toc"] is True
    assert common["filters"] == [
        {"path": "laporan.lua", "at": "pre-ast"},
        {"path": "judul-html.lua", "at": "post-render"},
    ]
    assert html["embed-resources"] is True and html["minimal"] is True
    names = [html["css"], *html["template-partials"], *typst["template-partials"]]
    names += typst["format-resources"] + [f["path"] for f in common["filters"]]
    for name in names:
        assert (EXT / name).is_file(), name
    project = yaml.safe_load((EXT.parents[1] / "_quarto.yml").read_text(encoding="utf-8"))
    assert set(project["format"]) == {"laporan-crm-html", "laporan-crm-typst"}
    assert project["execute"]["enabled"] is False


def test_one_layout_one_stylesheet():
    """Each renderer's template calls the shared files; none copies the layout."""
    files = {p.name: p.read_text(encoding="utf-8") for p in EXT.iterdir() if p.is_file()}
    assert [n for n, t in files.items() if "#let laporan(" in t] == ["laporan-layout.typ"]
    assert '#import "laporan-layout.typ"' in files["typst-template.typ"]
    assert "laporan(" in files["typst-show.typ"]
    for partial in ("typst-template.typ()", "typst-show.typ()"):
        assert partial in files["embedded-template.typst"]
    for partial in ("title-block.html()", "toc.html()"):
        assert partial in files["embedded-template.html"]
    assert [n for n in files if n.endswith(".css")] == ["laporan.css"]


# --- front matter ----------------------------------------------------------------------


def test_build_front_matter_from_default_params():
    meta = build_front_matter(default_params(), "2022-06", LINKS, {"git_commit": "abc"})
    assert meta["title"] == "LAPORAN BULANAN CRM"
    assert meta["subtitle"] == "KOTA ADMINISTRASI JAKARTA TIMUR 2022"
    assert meta["lang"] == "id"
    assert meta["periode"] == "2022-06"
    assert meta["periode-label"] == "Juni 2022"
    assert [i["label"] for i in meta["identitas"]] == [
        "Unit/Satuan Kerja",
        "Pengguna Anggaran",
        "Kuasa Pengguna Anggaran",
        "Program",
        "Kegiatan",
        "DPA-SKPD Nomor",
        "Tahun Anggaran",
    ]
    identitas = {i["label"]: i["nilai"] for i in meta["identitas"]}
    assert identitas["DPA-SKPD Nomor"] == "370/P-DPA/2022"
    assert identitas["Tahun Anggaran"] == "2022"
    assert len(meta["kata-pengantar"]) == 3
    # Signed in the month after the period.
    assert meta["tempat-tanggal"] == "Jakarta, Juli 2022"
    assert meta["penandatangan"]["nama"] == "Nugroho Bayu Saputro"
    assert meta["penandatangan"]["nip"] == "197509061994031001"
    assert len(meta["penandatangan"]["jabatan"]) == 3
    assert meta["kertas"] == "a4"
    assert meta["tautan"] == LINKS


def test_build_front_matter_is_tolerant_and_validates():
    meta = build_front_matter({}, "2022-12", None, None)
    assert meta["tempat-tanggal"] == "Jakarta, Januari 2023"
    assert meta["subtitle"] == "KOTA ADMINISTRASI JAKARTA TIMUR 2022"
    assert meta["identitas"] == [{"label": "Tahun Anggaran", "nilai": "2022"}]
    assert meta["kata-pengantar"] == [] and meta["penandatangan"] == {}
    assert meta["tautan"] == {}
    assert meta["dibuat-dengan"].startswith("crm-report versi ")

    with pytest.raises(ParamsError, match="kertas"):
        build_front_matter({"kertas": "letter"}, "2022-06")
    with pytest.raises(ParamsError, match="YYYY-MM"):
        build_front_matter({}, "Juni 2022")

    meta = build_front_matter(
        {
            "kertas": "F4",
            "nama_kota": "Kota Administrasi Jakarta Barat",
            "kata_pengantar": "Paragraf {tahun}\nsatu.\n\nParagraf dua {tidak_dikenal}.",
            "penandatangan": {"jabatan": "KEPALA\nBAGIAN", "nama": "X", "nip": 1975},
            "tanggal_laporan": "awal Juli 2022",
        },
        "2022-06",
        {"pdf": "laporan.pdf", "next": "", "asing": "x"},
    )
    assert meta["kertas"] == "f4"
    assert meta["subtitle"] == "KOTA ADMINISTRASI JAKARTA BARAT 2022"
    # Unknown placeholders stay as written, escaped: braces are never markup from params.
    assert meta["kata-pengantar"] == ["Paragraf 2022 satu.", r"Paragraf dua \{tidak_dikenal\}."]
    assert meta["penandatangan"] == {"jabatan": ["KEPALA", "BAGIAN"], "nama": "X", "nip": "1975"}
    assert meta["tempat-tanggal"] == "Jakarta, awal Juli 2022"
    assert meta["tautan"] == {"pdf": "laporan.pdf"}
    for tanggal in ("2022-07-15", dt.date(2022, 7, 15)):
        signed = build_front_matter({"tanggal_laporan": tanggal}, "2022-06")
        assert signed["tempat-tanggal"] == "Jakarta, 15 Juli 2022"


def test_provenance_lines():
    from fixtures_render import PROVENANCE

    final = {**PROVENANCE, "difinalkan_pada": "2026-12-07T10:55:00+07:00"}
    meta = build_front_matter({}, "2022-06", None, final)
    tentang = {t["label"]: t["nilai"] for t in meta["tentang"]}
    assert tentang["SHA-256 crm\\_juni\\_2022.xlsx"] == f"`{'ab' * 32}`"
    assert tentang["Data per tanggal"] == "11 Juli 2022 pukul 08.34 WIB"
    assert tentang["Difinalkan"] == "7 Desember 2026 pukul 10.55 WIB"
    # Version, commit and renderer are one plain line, not rows of jargon.
    assert "Commit git" not in tentang and "Versi crmlib" not in tentang
    assert "Renderer" not in tentang  # added at render time
    assert "Parameter" not in tentang and "Baris" not in tentang
    assert re.fullmatch(r"crm-report versi \S+ \(commit 0123456789\)", meta["dibuat-dengan"])
    # A build time (an older notebook's provenance still has one) is never shown.
    assert "Dibangun" not in tentang and "09:00" not in json.dumps(meta)
    # The document's own date: the finalize time, else per_tanggal, else after the period.
    assert meta["waktu-dokumen"] == "2026-12-07T10:55:00+07:00"
    draft = build_front_matter({}, "2022-06", None, PROVENANCE)
    assert draft["waktu-dokumen"] == "2022-07-11T08:34:00"
    assert build_front_matter({}, "2022-12", None, {})["waktu-dokumen"] == "2023-01-01T00:00:00"


def test_inject_front_matter_merges_and_is_idempotent(tmp_path):
    nb_path = tmp_path / "laporan.ipynb"
    nb = load_notebook()
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    meta = build_front_matter(default_params(), "2022-06", LINKS, None)
    inject_front_matter(nb_path, meta)
    first = nb_path.read_text(encoding="utf-8")
    inject_front_matter(nb_path, meta)
    assert nb_path.read_text(encoding="utf-8") == first

    merged = read_front_matter(nb_path)
    assert merged["periode-label"] == "Juni 2022"
    assert merged["title"] == "LAPORAN BULANAN CRM"
    saved = json.loads(first)
    assert saved["cells"][0]["cell_type"] == "raw"
    assert saved["cells"][1:] == nb["cells"][1:]  # the rest is untouched

    inject_front_matter(nb_path, {"tautan": {"next": "../2022-07/laporan.html"}})
    tautan = read_front_matter(nb_path)["tautan"]
    assert tautan["next"] == "../2022-07/laporan.html" and tautan["pdf"] == "laporan.pdf"


def test_inject_front_matter_inserts_a_cell_when_missing(tmp_path):
    nb = load_notebook()
    nb["cells"] = nb["cells"][1:]
    nb_path = tmp_path / "laporan.ipynb"
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    inject_front_matter(nb_path, {"title": "X", "lang": "id"})
    saved = json.loads(nb_path.read_text(encoding="utf-8"))
    assert saved["cells"][0]["cell_type"] == "raw"
    assert saved["cells"][0]["id"] == "front-matter"
    assert len(saved["cells"]) == len(nb["cells"]) + 1
    assert read_front_matter(nb_path) == {"title": "X", "lang": "id"}


def test_broken_front_matter_is_a_readable_error(tmp_path):
    nb = load_notebook()
    nb["cells"][0]["source"] = ["---\n", "title: [tidak ditutup\n", "---\n"]
    nb_path = tmp_path / "laporan.ipynb"
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(RenderError, match="front matter"):
        inject_front_matter(nb_path, {"title": "X"})


# --- notebook -> Markdown ------------------------------------------------------------------


def test_cell_options():
    src = "#| label: fig-x\n#| fig-cap: 'Judul: dengan titik dua'\nkode()\n#| bukan opsi\n"
    assert cell_options(src) == {"label": "fig-x", "fig-cap": "Judul: dengan titik dua"}
    assert cell_options("kode()\n") == {}
    assert cell_options("#| : [rusak\n") == {}


def test_notebook_to_markdown_keeps_only_what_the_report_shows():
    meta, body, images = notebook_to_markdown(load_notebook())
    assert meta == {"title": "LAPORAN BULANAN CRM", "lang": "id"}
    for heading in ("# BAB I PENDAHULUAN", "## A. Latar Belakang", "# BAB III PENUTUP"):
        assert heading in body
    assert "::: {.tabel-rekap}" in body
    assert ": Rekap Pengaduan Bulan Juni 2022 {#tbl-rekap}" in body
    assert "Sel Markdown statis di antara keluaran." in body
    assert (
        "![Jumlah laporan per kecamatan menurut status](fig-kecamatan.png){#fig-kecamatan}" in body
    )
    assert list(images) == ["fig-kecamatan.png"]
    assert images["fig-kecamatan.png"].startswith(b"\x89PNG")
    # Code, streams and plain-text results never reach the report.
    assert "from crmlib import" not in body
    assert "UserWarning" not in body
    assert "IPython.core.display" not in body
    assert not re.search(r"^1096$", body, flags=re.M)


def test_notebook_to_markdown_respects_include_false_and_uncaptioned_images():
    nb = load_notebook()
    figure_cell = next(c for c in nb["cells"] if "fig-kecamatan" in "".join(c["source"]))
    hidden = json.loads(json.dumps(figure_cell))
    hidden["source"] = "#| include: false\nx\n"
    bare = json.loads(json.dumps(figure_cell))
    bare["source"] = "x\n"
    nb["cells"] = [nb["cells"][0], hidden, bare]
    _, body, images = notebook_to_markdown(nb)
    assert body.strip() == "![](gambar-sel-2.png)"
    assert list(images) == ["gambar-sel-2.png"]


# --- renderer choice ---------------------------------------------------------------------------


def test_pick_renderer(monkeypatch):
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    assert render.pick_renderer("auto") == "embedded"
    assert render.pick_renderer("embedded") == "embedded"
    with pytest.raises(RendererMissingError) as err:
        render.pick_renderer("quarto")
    assert "conda-forge" in str(err.value) and "quarto.org" in str(err.value)
    assert err.value.exit_code == 3
    with pytest.raises(ParamsError, match="auto, quarto, atau embedded"):
        render.pick_renderer("latex")

    monkeypatch.setattr(render.shutil, "which", lambda name: "/opt/quarto/bin/quarto")
    assert render.pick_renderer("auto") == "quarto"
    assert render.pick_renderer("QUARTO") == "quarto"
    assert render.pick_renderer("embedded") == "embedded"


def test_forced_quarto_without_quarto_fails_before_rendering(tmp_path, monkeypatch):
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    month = prepare_month(tmp_path / "2022-06")
    with pytest.raises(RendererMissingError, match="quarto"):
        render.render_month(month, renderer="quarto")
    assert not (month / "laporan.html").exists()


def test_find_project_root(tmp_path):
    root = Path(__file__).resolve().parents[1]
    assert find_project_root(root / "output" / "2022-06") == root
    # Outside the project: falls back to the checkout that holds crmlib.
    assert find_project_root(tmp_path) == root


def test_missing_notebook_is_a_render_error(tmp_path):
    with pytest.raises(RenderError, match="tidak ditemukan"):
        render.render_month(tmp_path, renderer="embedded")


def test_typst_error_is_reported_with_its_diagnostic(tmp_path):
    nb = markdown_cell_notebook("# BAB I X\n\n```{=typst}\n#fungsi-yang-tidak-ada()\n```\n")
    month = prepare_month(tmp_path / "2022-06", notebook=nb)
    with pytest.raises(RenderError) as err:
        render.render_month(month, renderer="embedded")
    pesan = str(err.value)
    assert "Typst gagal" in pesan
    assert "fungsi-yang-tidak-ada" in pesan and "unknown variable" in pesan
    assert "Traceback" not in pesan
    assert not (month / "laporan.pdf").exists()
    assert not list(month.glob(".laporan.*.tmp"))


def test_invalid_paper_is_refused(tmp_path):
    month = prepare_month(tmp_path / "2022-06")
    with pytest.raises(ParamsError, match="a4 atau f4"):
        render.render_month(month, renderer="embedded", kertas="a3")


# --- the embedded renderer: HTML ------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    month = prepare_month(tmp_path_factory.mktemp("output") / "2022-06")
    result = render.render_month(month, renderer="embedded")
    return month, result


@pytest.fixture(scope="module")
def soup(rendered):
    month, _ = rendered
    return BeautifulSoup((month / "laporan.html").read_text(encoding="utf-8"), "lxml")


@pytest.fixture(scope="module")
def pdf(rendered):
    month, _ = rendered
    return PdfReader(month / "laporan.pdf")


def test_render_result(rendered):
    month, result = rendered
    assert result["renderer"] == "embedded"
    assert result["html"] == month / "laporan.html" and result["html"].is_file()
    assert result["pdf"] == month / "laporan.pdf" and result["pdf"].is_file()
    assert {"notebook", "pandoc_html", "pandoc_typst", "typst", "total"} <= set(result["timings"])
    assert result["warnings"] == []
    # Nothing else is left in the month folder.
    assert sorted(p.name for p in month.iterdir()) == [
        "laporan.html",
        "laporan.ipynb",
        "laporan.pdf",
    ]


def test_html_headings_and_toc(soup):
    assert soup.html["lang"] == "id"
    # One h1 (the title, outside main); chapters are h2 and sections h3 (judul-html.lua).
    assert [_t(h) for h in soup.select("h1")] == ["LAPORAN BULANAN CRM"]
    h1 = [_t(h) for h in soup.select("main h2")]
    assert h1 == [
        "BAB I PENDAHULUAN",
        "BAB II LAPORAN BULANAN PENGADUAN MASYARAKAT MELALUI APLIKASI CRM JUNI 2022",
        "BAB III PENUTUP",
    ]
    h2 = [_t(h) for h in soup.select("main h3")]
    assert h2[:3] == ["A. Latar Belakang", "B. Maksud dan Tujuan", "C. Dasar Hukum"]
    assert "B. Hasil Pelaksanaan" in h2 and "B. Saran" in h2
    toc = soup.select_one("nav#TOC")
    assert toc.h2.get_text(strip=True) == "DAFTAR ISI"
    assert [a["href"] for a in toc.select("a")][:2] == ["#bab-i-pendahuluan", "#a.-latar-belakang"]
    assert len(toc.select("a")) == len(h1) + len(h2)


def test_html_header_block(soup):
    header = soup.select_one("header#title-block-header")
    assert header.select_one("h1.title").get_text(strip=True) == "LAPORAN BULANAN CRM"
    assert "KOTA ADMINISTRASI JAKARTA TIMUR 2022" in header.get_text()
    assert "Periode Juni 2022" in header.get_text()
    rows = header.select("table.identitas tr")
    assert len(rows) == 7
    assert rows[5].th.get_text(strip=True) == "DPA-SKPD Nomor"
    assert rows[5].find_all("td")[-1].get_text(strip=True) == "370/P-DPA/2022"
    pengantar = header.select_one("section.kata-pengantar")
    assert pengantar.h2.get_text(strip=True) == "KATA PENGANTAR"
    assert len(pengantar.find_all("p", recursive=False)) == 3
    ttd = pengantar.select_one(".tanda-tangan").get_text(" ", strip=True)
    assert "Jakarta, Juli 2022" in ttd and "Nugroho Bayu Saputro" in ttd
    assert "NIP 197509061994031001" in ttd
    tentang = header.select_one("details.tentang").get_text(" ", strip=True)
    assert "SHA-256 crm_juni_2022.xlsx" in tentang and "ab" * 32 in tentang
    assert "Renderer" not in tentang
    line = header.select_one("details.tentang p.dibuat-dengan").get_text(" ", strip=True)
    assert re.fullmatch(
        r"Dibuat dengan crm-report versi \S+ \(commit \w+\) dan pandoc \+ Typst\.", line
    )


def test_html_links(soup):
    hrefs = {a["href"] for a in soup.select("nav.tautan-laporan a")}
    assert hrefs == set(LINKS.values())
    assert soup.select_one('a[rel="prev"]')["href"] == "../2022-05/laporan.html"
    assert soup.select_one('a[rel="next"]') is None  # no next month in the links


def _rows(table):
    return table.select("tbody > tr")


def test_html_tables(soup):
    tables = soup.select("main table")
    assert len(tables) == 3
    rekap, ukpd, koordinasi = tables
    assert [len(_rows(t)) for t in tables] == [17, 5, 10]
    for t in tables:
        box = t.parent
        assert "tabel-gulir" in box["class"] and box["role"] == "region"
        assert box["tabindex"] == "0"
    assert rekap["id"] == "tbl-rekap"
    assert rekap.caption.get_text(" ", strip=True) == "Tabel 2.1: Rekap Pengaduan Bulan Juni 2022"
    assert ukpd.caption.get_text(" ", strip=True).startswith("Tabel 2.2:")
    assert koordinasi.caption.get_text(" ", strip=True).startswith("Tabel 2.3:")
    kecamatan = [r.get_text(" ", strip=True) for r in rekap.select("tr.baris-kecamatan")]
    assert kecamatan == ["KECAMATAN MATRAMAN 30", "KECAMATAN PULOGADUNG 49"]
    total = rekap.select("tr.baris-total")
    assert len(total) == 1 and total[0] is _rows(rekap)[-1]
    assert "Grand Total" in total[0].get_text()
    # Numbers stay as the notebook formatted them, right-aligned.
    last = _rows(koordinasi)[-1].find_all("td")
    assert last[-1].get_text(strip=True) == "1.038,00"
    assert "text-align: right" in last[-1]["style"]
    assert "text-align: left" in last[1]["style"]
    # Outside the recap nothing is set apart.
    assert not ukpd.select("tr.baris-kecamatan, tr.baris-total")


def test_html_figure_and_cross_reference(soup):
    fig = soup.select_one("figure#fig-kecamatan")
    assert fig.figcaption.get_text(" ", strip=True) == (
        "Gambar 2.1: Jumlah laporan per kecamatan menurut status"
    )
    assert fig.img["src"].startswith("data:image/png;base64,")
    ref = soup.select_one('main a[href="#tbl-rekap"]')
    assert ref.get_text(strip=True) == "Tabel 2.1"
    assert "Twitter (@DKIJakarta)" in soup.get_text()


def test_html_hides_code_and_needs_no_network(soup):
    text = soup.get_text()
    assert "from crmlib import" not in text and "display(Markdown" not in text
    assert "UserWarning" not in text and "IPython" not in text
    assert not soup.select("pre, code.sourceCode, div.sourceCode")
    for tag in soup.find_all(["link", "script", "img", "iframe", "source", "video", "audio"]):
        for attr in ("src", "href"):
            value = tag.get(attr, "")
            assert not re.match(r"^(https?:)?//", value), f"{tag.name} loads {value}"
    assert not soup.find("link", rel="stylesheet")  # the stylesheet is inlined
    assert not soup.find("script")
    style = "\n".join(s.get_text() for s in soup.find_all("style"))
    assert ".tabel-gulir" in style
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", style)
    assert not re.search(r"@import", style)


# --- the embedded renderer: PDF ----------------------------------------------------------------


def _texts(pdf):
    return [page.extract_text() or "" for page in pdf.pages]


def _page_of(texts, pattern):
    return [i for i, t in enumerate(texts) if re.search(pattern, t, flags=re.M)]


def test_pdf_pages_and_paper(pdf):
    assert 6 <= len(pdf.pages) <= 10
    box = pdf.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=1)


def test_pdf_front_matter(pdf):
    texts = _texts(pdf)
    cover = texts[0]
    assert "LAPORAN BULANAN CRM" in cover and "KOTA ADMINISTRASI JAKARTA TIMUR 2022" in cover
    assert "Periode Juni 2022" in cover and "370/P-DPA/2022" in cover
    assert "Unit/Satuan Kerja" in cover and "Tahun Anggaran" in cover
    pengantar = texts[1]
    assert "KATA PENGANTAR" in pengantar and "Jakarta, Juli 2022" in pengantar
    assert "Nugroho Bayu Saputro" in pengantar and "NIP 197509061994031001" in pengantar
    # Roman page numbers in the front matter.
    assert re.search(r"\bii\s*$", pengantar.strip())
    assert re.search(r"\biii\s*$", texts[2].strip())


def test_pdf_table_of_contents_has_page_numbers(pdf):
    texts = _texts(pdf)
    toc = texts[2]
    assert toc.lstrip().startswith("DAFTAR ISI") and "Hal." in toc
    flat = re.sub(r"\s+", " ", toc)
    dots = r"[\s.]*"
    assert re.search(rf"KATA PENGANTAR{dots}ii\b", flat)
    assert re.search(rf"BAB I PENDAHULUAN{dots}1\b", flat)
    assert re.search(rf"A\. Latar Belakang{dots}1\b", flat)
    bab2 = re.search(rf"CRM JUNI 2022{dots}(\d+)\b", flat)
    bab3 = re.search(rf"BAB III PENUTUP{dots}(\d+)\b", flat)
    assert bab2 and bab3
    # The numbers are the pages where the chapters really start (arabic from 1).
    first_chapter = _page_of(texts, r"^BAB I$")[0]
    assert _page_of(texts, r"^BAB III$")[0] - first_chapter + 1 == int(bab3.group(1))
    assert _page_of(texts, r"^BAB II$")[0] - first_chapter + 1 == int(bab2.group(1))


def test_pdf_chapters_start_new_pages(pdf):
    texts = _texts(pdf)
    starts = [_page_of(texts, rf"\ABAB {n}\n") for n in ("I", "II", "III")]
    assert all(len(s) == 1 for s in starts), starts
    assert starts[0][0] < starts[1][0] < starts[2][0]
    assert texts[starts[0][0]].split("\n")[1].strip() == "PENDAHULUAN"
    assert texts[starts[0][0]].strip().endswith("1")  # arabic numbering restarts at 1


def test_pdf_captions_are_numbered_by_chapter(pdf):
    text = "\n".join(_texts(pdf))
    assert "Tabel 2.1: Rekap Pengaduan Bulan Juni 2022" in text
    assert "Tabel 2.2: Lima UKPD" in text and "Tabel 2.3: Kelurahan" in text
    assert "Gambar 2.1: Jumlah laporan per kecamatan menurut status" in text
    assert "(lihat Tabel 2.1)" in re.sub(r"\s+", " ", text)
    assert "Twitter (@DKIJakarta)" in text
    assert "1.038,00" in text and "KECAMATAN PULOGADUNG" in text
    assert "from crmlib import" not in text and "UserWarning" not in text


def test_pdf_footer_and_provenance(pdf):
    texts = _texts(pdf)
    # The footer is the page number only; the provenance is one plain line at the end.
    assert [i for i, t in enumerate(texts) if "commit" in t] == [len(texts) - 1]
    assert not any("renderer" in t.lower() for t in texts)
    last = " ".join(texts[-1].split())
    assert "Tentang laporan ini" in last and "ab" * 32 in last
    assert re.search(
        r"Dibuat dengan crm-report versi \S+ \(commit 0123456789\) dan pandoc \+ Typst\.", last
    )


def _fonts(obj, seen):
    """All font dictionaries reachable from a resources dictionary."""
    resources = obj.get("/Resources")
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        if id(font) not in seen:
            seen[id(font)] = font
    for xobj in (resources.get("/XObject") or {}).values():
        xobj = xobj.get_object()
        if xobj.get("/Subtype") == "/Form":
            _fonts(xobj, seen)


def test_pdf_fonts_are_embedded(pdf):
    seen: dict[int, object] = {}
    for page in pdf.pages:
        _fonts(page, seen)
    assert seen
    for font in seen.values():
        if font.get("/Subtype") == "/Type3":
            continue  # glyphs are drawn in the PDF itself
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        desc = font["/FontDescriptor"].get_object()
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


def test_pdf_f4_paper(tmp_path):
    month = prepare_month(tmp_path / "2022-06")
    render.render_month(month, renderer="embedded", kertas="f4")
    box = PdfReader(month / "laporan.pdf").pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(F4, abs=1)


def test_long_table_repeats_its_header_on_every_page(tmp_path):
    rows = "\n".join(f"| {i} | KELURAHAN NOMOR {i} | {i} | {i} |" for i in range(1, 121))
    table = (
        "::: {.tabel-rekap}\n| No. | Unit | Complete | TOTAL |\n|---:|:---|---:|---:|\n"
        f"{rows}\n| | Grand Total | 7.260 | 7.260 |\n\n: Rekap panjang {{#tbl-panjang}}\n:::\n"
    )
    nb = markdown_cell_notebook("# BAB I SATU\n\nPembuka.\n", f"# BAB II DUA\n\n{table}")
    month = prepare_month(tmp_path / "2022-06", notebook=nb)
    render.render_month(month, renderer="embedded")
    texts = _texts(PdfReader(month / "laporan.pdf"))
    pages = _page_of(texts, r"KELURAHAN NOMOR")
    assert len(pages) >= 3
    for i in pages:
        assert re.search(r"No\.\s*Unit\s*Complete\s*TOTAL", texts[i]), f"page {i + 1}"
    assert "Grand Total" in texts[pages[-1]]
