"""Hostile values in every free-text field: the published month shows them, never runs them.

One month is built end to end (embedded renderer) from an export whose
``kategori``, ``rincian_masalah`` and ``nomor_laporan`` carry each payload of
issue 9, with the same payloads in the analysts' ``kendala``, ``saran``,
``catatan`` and ``kata_pengantar``. The HTML is opened in headless Chromium (no
dialog, no script, no request leaving the page), the PDF text and the workbook are
read back, and the reporter-like values (phone, e-mail, NIK) are looked for in
every file the month publishes.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import socket
import threading
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, koordinasi_row, laporan_row, write_month

pytestmark = pytest.mark.e2e
pytest_plugins = ["fixtures_browser"]  # the process's shared Chromium

CHROMIUM = Path("/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_PORT = _free_port()

# Each payload of issue 9 (the Typst loop would run for minutes and eat all memory
# if it ever ran: the build finishing at all is part of the check).
PAYLOADS = {
    "img_onerror": "<img src=x onerror=alert(1)>",
    "style": "<style>body{display:none}</style>",
    "js_link": "[x](javascript:alert(1))",
    "local_img": '<img src="/etc/hostname">',
    "remote_img": f"![](http://127.0.0.1:{_PORT}/x.png)",
    "typst_read": '`#read("laporan.md")`{=typst}',
    "typst_loop": "`#for i in range(100000) { for j in range(100000) { [#i] } }`{=typst}",
    "mathtext": r"Biaya $\frac{$ retribusi",
    "formula_link": '=HYPERLINK("http://example.invalid","klik")',
    "formula_cmd": "=cmd|' /C calc'!A0",
}
# Reporter-like values typed into carried text fields: masked before anything is written.
PII = {
    "hp": "0812-3456-7890",
    "hp_intl": "+62 812 3456 7890",
    "email": "warga.pelapor@example.com",
    "nik": "3175012345678901",
}
# Text that proves the document source or a local file was read into the output.
SOURCE_MARKERS = ("kata-pengantar:", "{#tbl-rekap}", "tentang-singkat")


def _rows() -> list[dict]:
    rows = [laporan_row()]
    for i, p in enumerate(PAYLOADS.values(), start=1):
        rows.append(
            laporan_row(
                nomor_laporan=f"N{i} {p}",
                kategori=f"K{i} {p}",
                # As typed: a value that starts with "=" is a formula to a spreadsheet.
                rincian_masalah=p,
                ukpd="KELURAHAN SETU",
                # Listed in both tables that show report numbers and descriptions.
                jumlah_tl_ditolak="2",
                nilai_tl="80",
            )
        )
    for j, value in enumerate(PII.values(), start=len(rows) + 1):
        rows.append(
            laporan_row(
                nomor_laporan=f"JK22060399{j:02d}",
                kategori=f"Aduan warga {value}",
                rincian_masalah=f"Hubungi {value} segera",
                jumlah_tl_ditolak="3",
                nilai_tl="70",
            )
        )
    return rows


def _params() -> dict:
    texts = list(PAYLOADS.values())
    return {
        "periode": "2022-06",
        "data": "data/2022-06",
        "per_tanggal": "2022-07-11 08:34",
        "kendala": [f"Kendala {p}" for p in texts],
        "saran": [f"Saran {p}" for p in texts],
        "catatan": "Catatan " + " ~ ".join(texts),
        "kata_pengantar": [f"Pengantar {p}" for p in texts],
    }


@pytest.fixture(scope="module")
def remote():
    """A server at the remote-image payload's address; yields the paths it was asked for."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_error(404)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", _PORT), Handler)
    # shutdown() returns once the loop sees its flag: poll often, not every 0.5 s.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield asked
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def month(tmp_path_factory, remote):
    from crmlib.project import Project
    from crmlib.publish.build import build

    root = tmp_path_factory.mktemp("payload")
    for name in ("notebooks", "_extensions"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "_quarto.yml", root / "_quarto.yml")
    (root / "params").mkdir()
    shutil.copy(ROOT / "params" / "_default.yaml", root / "params" / "_default.yaml")
    (root / "params" / "2022-06.yaml").write_text(
        yaml.safe_dump(_params(), allow_unicode=True), encoding="utf-8"
    )
    write_month(root / "data" / "2022-06", _rows(), [koordinasi_row()])
    results = build(Project(root), ["2022-06"], jobs=1, renderer="embedded")
    assert [r.status for r in results] == ["dibangun"], [r.reason for r in results]
    return root / "output" / "2022-06"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _visible_values() -> list[str]:
    shown = []
    for i, p in enumerate(PAYLOADS.values(), start=1):
        shown += [f"N{i} {p}", f"K{i} {p}", f"Kendala {p}", f"Saran {p}"]
        shown.append(f"Pengantar {p}")
    return shown


@pytest.fixture(scope="module")
def html_text(month):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((month / "laporan.html").read_text(encoding="utf-8"), "lxml")
    return soup, _flat(soup.get_text(" "))


def test_html_shows_every_value_literally(html_text):
    soup, text = html_text
    missing = [v for v in _visible_values() if _flat(v) not in text]
    assert missing == []
    table = soup.find(id="tbl-nilai-tl")
    rincian = {_flat(tr.find_all("td")[4].get_text(" ")) for tr in table.select("tbody tr")}
    assert {_flat(p) for p in PAYLOADS.values()} <= rincian
    assert _flat("Catatan " + " ~ ".join(PAYLOADS.values())) in text


def test_html_has_no_markup_from_data(html_text, month):
    soup, _ = html_text
    assert soup.find_all("script") == []
    assert [s.get_text() for s in soup.find_all("style") if "display:none" in s.get_text()] == []
    for img in soup.find_all("img"):
        assert img["src"].startswith("data:image/png;base64,"), img["src"][:80]
    assert [a["href"] for a in soup.find_all("a", href=True) if ":" in a["href"]] == []
    assert not any(tag.has_attr("onerror") for tag in soup.find_all(True))
    hostname = Path("/etc/hostname")
    if hostname.is_file() and len(hostname.read_text().strip()) >= 6:  # "vm" is everywhere
        assert hostname.read_text().strip() not in (month / "laporan.html").read_text()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium tidak terpasang")
def test_html_in_chromium_runs_nothing_and_fetches_nothing(month, chromium):
    dialogs, requests = [], []
    page = chromium.new_page()
    try:
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto((month / "laporan.html").as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)  # the time a deferred handler would have to run
        body_visible = page.locator("main").is_visible()
        scripts = page.locator("script").count()
    finally:
        page.close()
    assert dialogs == []
    assert scripts == 0
    assert body_visible
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert [u for u in requests if u.startswith("file:")] == [(month / "laporan.html").as_uri()]


@functools.cache
def _pdf_pages(path: Path) -> tuple[str, ...]:
    """The text of each page of a published PDF, extracted once per module run."""
    from pypdf import PdfReader

    return tuple(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def pdf_text(month):
    return "\n".join(_pdf_pages(month / "laporan.pdf"))


def test_pdf_shows_values_literally_and_reads_no_file(pdf_text):
    # Line breaks and hyphenation of justified text are not part of the value.
    squeezed = re.sub(r"\s+", "", pdf_text)
    missing = [v for v in _visible_values() if re.sub(r"\s+", "", v) not in squeezed]
    assert missing == []
    for marker in SOURCE_MARKERS:
        assert marker not in pdf_text
    hostname = Path("/etc/hostname")
    if hostname.is_file() and len(hostname.read_text().strip()) >= 6:
        assert hostname.read_text().strip() not in pdf_text


def test_workbook_holds_text_never_formulas(month):
    from openpyxl import load_workbook

    wb = load_workbook(month / "tabel.xlsx")
    seen = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    seen[cell.value] = cell.data_type
    for i, p in enumerate(PAYLOADS.values(), start=1):
        for value in (f"K{i} {p}", f"N{i} {p}", p):
            assert seen.get(value) == "s", value
    formulas = [
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []


def _published_text(month: Path) -> str:
    chunks = []
    for path in sorted(month.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                chunks += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        elif path.suffix == ".pdf":
            chunks += _pdf_pages(path)
        else:
            chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


def test_reporter_like_values_are_masked_everywhere(month):
    text = _published_text(month)
    squeezed = re.sub(r"\s+", "", text)
    for value in PII.values():
        assert value not in text
        assert re.sub(r"\s+", "", value) not in squeezed
    data = json.loads((month / "metrics.json").read_text(encoding="utf-8"))
    kategori = {e["kategori"]: e["jumlah"] for e in data["top_kategori"]}
    # Both phone forms become the same category.
    assert kategori["Aduan warga [nomor telepon disamarkan]"] == 2
    assert kategori["Aduan warga [e-mail disamarkan]"] == 1
    assert kategori["Aduan warga [NIK disamarkan]"] == 1
    assert "disamarkan" in (month / "build.log").read_text(encoding="utf-8")


def test_raw_blocks_come_only_from_templates(month):
    import subprocess

    import pypandoc

    from crmlib.render.markdown import MARKDOWN, notebook_to_markdown

    nb = json.loads((month / "laporan.ipynb").read_text(encoding="utf-8"))
    _, body, _ = notebook_to_markdown(nb)
    ast = subprocess.run(
        [pypandoc.get_pandoc_path(), f"--from={MARKDOWN}", "--to=json"],
        input=body,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    raw = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") in ("RawInline", "RawBlock"):
                raw.append(node["c"][1])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(json.loads(ast))
    fragments = ("alert", "#read", "display:none", "hostname", "range(", "HYPERLINK", "calc")
    assert [r for r in raw if any(f in r for f in fragments)] == []
    # The template's own raw HTML (a comment for the analyst) is still there.
    assert any(r.startswith("<!--") for r in raw)


def test_build_log_and_notebook_carry_no_raw_payload_markup(month):
    nb = json.loads((month / "laporan.ipynb").read_text(encoding="utf-8"))
    shown = "".join(
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in nb["cells"]
        for o in c.get("outputs", [])
    )
    # Every payload reaches the notebook's Markdown only escaped.
    assert "<img" not in shown.replace("\\<img", "")
    assert "{=typst}" not in shown.replace("\\{\\=typst\\}", "")


def test_build_fetched_no_url(month, remote):
    # The remote-image payload points at a server of this test: nothing may have asked it.
    assert remote == []
