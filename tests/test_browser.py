"""The published pages in a real browser (headless Chromium through Playwright).

Two months are rendered from the fixture notebook with the embedded renderer, the
archive index is built beside them, and the pages are opened both from a local
HTTP server on 127.0.0.1 and straight from disk (file://). Screenshots are saved
under the test's tmp_path.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fixtures_render import metrics_json, prepare_month

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium tidak terpasang (apt-get install chromium)", allow_module_level=True
    )
pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser
pytest_plugins = ["fixtures_browser"]  # the process's shared Chromium
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import json

    from crmlib.publish.archive import build_archive_index
    from crmlib.render.renderer import render_month

    out = tmp_path_factory.mktemp("output")
    for periode, prev, nxt, total in (
        ("2022-05", None, "2022-06", 987),
        ("2022-06", "2022-05", None, 1096),
    ):
        links = {
            "pdf": "laporan.pdf",
            "ipynb": "laporan.ipynb",
            "json": "metrics.json",
            "index": "../index.html",
        }
        if prev:
            links["prev"] = f"../{prev}/laporan.html"
        if nxt:
            links["next"] = f"../{nxt}/laporan.html"
        month = prepare_month(out / periode, periode=periode, links=links)
        render_month(month, renderer="embedded")
        (month / "metrics.json").write_text(
            json.dumps(metrics_json(periode, total, 99.9, total - 200)), encoding="utf-8"
        )
    build_archive_index(out, "Kota Administrasi Jakarta Timur")
    return out


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() returns once the loop sees its flag: poll often, not every 0.5 s.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


class Watch:
    """Console errors, failed requests and every URL a page asked for."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.urls: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on("request", lambda r: self.urls.append(r.url))
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.url} HTTP {r.status}") if r.status >= 400 else None,
        )

    def check(self, allowed_host: str | None):
        assert self.failed == []
        assert self.errors == []
        for url in self.urls:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "file"):
                continue
            assert parsed.hostname == allowed_host, f"unexpected request: {url}"


def test_index_to_month_over_http(server, chromium, tmp_path):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page)
    page.goto(f"{server}/index.html")
    assert page.title().startswith("Arsip Laporan Bulanan CRM")
    assert page.locator("li.kartu-bulan h3").all_inner_texts() == ["Juni 2022", "Mei 2022"]
    page.screenshot(path=tmp_path / "index.png", full_page=True)

    page.click('#bulan-2022-06 a[href="2022-06/laporan.html"]')
    page.wait_for_load_state("load")
    assert page.url.endswith("/2022-06/laporan.html")
    assert page.locator("h1.title").inner_text() == "LAPORAN BULANAN CRM"
    assert page.locator("main table").count() == 3
    assert page.locator("figure#fig-kecamatan img").evaluate("i => i.naturalWidth") > 0
    page.screenshot(path=tmp_path / "bulan.png", full_page=True)

    page.click('a[rel="prev"]')
    page.wait_for_load_state("load")
    assert page.url.endswith("/2022-05/laporan.html")
    page.click("a.tautan-arsip")
    page.wait_for_load_state("load")
    assert page.url.endswith("/index.html")
    watch.check("127.0.0.1")
    assert (tmp_path / "bulan.png").stat().st_size > 10_000
    page.close()


def test_month_on_a_phone(server, chromium, tmp_path):
    page = chromium.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    watch = Watch(page)
    page.goto(f"{server}/2022-06/laporan.html")
    # The page itself never scrolls sideways; a table's rows are cards of labelled figures.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator("div.tabel-gulir").first
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")
    row = box.locator("tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "flex"
    assert row.locator("td.angka").first.evaluate("c => c.dataset.label") != ""
    page.screenshot(path=tmp_path / "bulan-ponsel.png", full_page=True)
    page.goto(f"{server}/index.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=tmp_path / "index-ponsel.png", full_page=True)
    watch.check("127.0.0.1")
    page.close()


def test_pages_open_from_disk(site, chromium, tmp_path):
    page = chromium.new_page()
    watch = Watch(page)
    page.goto((site / "index.html").as_uri())
    page.click('#bulan-2022-05 a[href="2022-05/laporan.html"]')
    page.wait_for_load_state("load")
    assert page.url.endswith("/2022-05/laporan.html")
    assert "Periode Mei 2022" in page.locator("header").inner_text()
    page.click('a[rel="next"]')
    page.wait_for_load_state("load")
    assert page.url.endswith("/2022-06/laporan.html")
    page.screenshot(path=tmp_path / "dari-disk.png")
    watch.check(None)
    page.close()
