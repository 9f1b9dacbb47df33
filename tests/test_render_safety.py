"""The renderers read no file and fetch no URL a document names, and Typst runs bounded.

Data never becomes markup (tests/test_escape.py); these tests put the markup in
the notebook itself, as a template could, and check what the embedded renderer
does with it.
"""

from __future__ import annotations

import base64
import http.server
import threading

import pytest
from fixtures_render import markdown_cell_notebook, prepare_month

from crmlib.errors import RenderError
from crmlib.render import quarto, typst_compile
from crmlib.render import renderer as render

SECRET = "isi-rahasia-di-luar-folder-bulan-7f3a"


@pytest.fixture
def secret_file(tmp_path):
    """A PNG-named file outside the month folder whose bytes are a known secret."""
    path = tmp_path / "rahasia.png"
    path.write_bytes(SECRET.encode())
    return path


@pytest.fixture
def server():
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_error(404)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def _month(tmp_path, *markdown):
    return prepare_month(tmp_path / "out" / "2022-06", notebook=markdown_cell_notebook(*markdown))


def _leaks(text: str) -> bool:
    encoded = base64.b64encode(SECRET.encode()).decode()
    return SECRET in text or encoded[:24] in text


@pytest.mark.parametrize("form", ["absolute", "relative", "file-url"])
def test_image_outside_the_month_folder_is_refused(tmp_path, secret_file, form):
    ref = {
        "absolute": str(secret_file),
        "relative": "../../rahasia.png",
        "file-url": secret_file.as_uri(),
    }[form]
    month = _month(tmp_path, f"# BAB I X\n\n![gambar]({ref})\n")
    with pytest.raises(RenderError, match="hanya boleh memuat gambar PNG/JPEG dari folder"):
        render.render_month(month, renderer="embedded")
    assert not (month / "laporan.html").exists() and not (month / "laporan.pdf").exists()


def test_quarto_path_applies_the_same_image_rule(tmp_path, secret_file, monkeypatch):
    month = _month(tmp_path, f"# BAB I X\n\n![gambar]({secret_file})\n")
    calls = []
    monkeypatch.setattr(render.shutil, "which", lambda name: "/bin/false")
    monkeypatch.setattr(quarto.subprocess, "run", lambda *a, **k: calls.append(a))
    with pytest.raises(RenderError, match="hanya boleh memuat gambar PNG/JPEG dari folder"):
        render.render_month(month, renderer="quarto")
    assert calls == []  # Quarto never ran


def test_remote_image_is_refused_without_a_request(tmp_path, server):
    url, asked = server
    month = _month(tmp_path, f"# BAB I X\n\n![gambar]({url}/x.png)\n")
    with pytest.raises(RenderError, match="bukan URL"):
        render.render_month(month, renderer="embedded")
    assert asked == []


def test_raw_html_cannot_pull_in_files_or_urls(tmp_path, secret_file, server):
    url, asked = server
    month = _month(
        tmp_path,
        f'# BAB I X\n\n<img src="{secret_file}">\n\n<img src="{url}/y.png">\n\n'
        f'<link rel="stylesheet" href="{url}/z.css">\n',
    )
    render.render_month(month, renderer="embedded")
    html = (month / "laporan.html").read_text(encoding="utf-8")
    assert not _leaks(html)
    assert asked == []


def test_raw_typst_cannot_read_the_document_source(tmp_path):
    month = _month(tmp_path, '# BAB I X\n\n```{=typst}\n#read("laporan.md")\n```\n')
    with pytest.raises(RenderError, match="file not found"):
        render.render_month(month, renderer="embedded")


def test_typst_is_stopped_after_its_time(tmp_path):
    src = tmp_path / "putar.typ"
    src.write_text("#let s = 0\n#for i in range(100000) { for j in range(100000) { s += 1 } }\n")
    # One second is as good a bound as any: the loop would run for hours.
    with pytest.raises(RenderError, match="tidak selesai dalam 1 detik"):
        typst_compile.compile_typst(src, tmp_path / "x.pdf", tmp_path, timeout=1)
    assert not (tmp_path / "x.pdf").exists()


def test_typst_is_stopped_at_its_memory_bound(tmp_path):
    src = tmp_path / "rakus.typ"
    src.write_text("#let a = range(200000000)\n#a.len()\n")
    with pytest.raises(RenderError, match="batas memori 512 MB"):
        typst_compile.compile_typst(src, tmp_path / "x.pdf", tmp_path, memory=512 * 2**20)


def test_typst_child_stops_itself_without_its_parent(tmp_path):
    # The CPU bound is the child's own: it holds even when no parent waits with a timeout.
    src = tmp_path / "putar.typ"
    src.write_text("#let s = 0\n#for i in range(100000) { for j in range(100000) { s += 1 } }\n")
    # timeout=0.4 gives the child the smallest CPU bound, 1 s (2 × 0.4 + 1, rounded down):
    # the loop would run for hours, so any bound shows the child stopping itself.
    child = typst_compile.start_typst(timeout=0.4)
    with pytest.raises(RenderError, match="batas waktu CPU"):
        typst_compile.compile_typst(src, tmp_path / "x.pdf", tmp_path, timeout=120, child=child)


def test_identity_params_and_foreword_are_text_on_the_cover(tmp_path):
    from bs4 import BeautifulSoup
    from fixtures_render import default_params

    params = default_params()
    params["identitas"]["program"] = "<img src=x onerror=alert(1)>"
    params["penandatangan"]["nama"] = '`#read("laporan.md")`{=typst}'
    params["kata_pengantar"] = ["Pengantar **tebal** <script>alert(1)</script>"]
    month = prepare_month(tmp_path / "out" / "2022-06", params=params)
    render.render_month(month, renderer="embedded")
    soup = BeautifulSoup((month / "laporan.html").read_text(encoding="utf-8"), "lxml")
    header = soup.select_one("header#title-block-header")
    assert header.find("img") is None and soup.find("script") is None
    assert "<img src=x onerror=alert(1)>" in header.get_text()
    assert header.select_one("section.kata-pengantar strong").get_text() == "tebal"
    assert "<script>alert(1)</script>" in header.get_text()
    from pypdf import PdfReader

    pdf = "".join(p.extract_text() for p in PdfReader(month / "laporan.pdf").pages[:3])
    assert '#read("laporan.md")' in pdf.replace("\n", "")
