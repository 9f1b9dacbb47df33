"""Accessibility of every published page type (WCAG 2.x A/AA), in headless Chromium.

Two months of the sample data are built with the embedded renderer (notebook
executed, report rendered) and the archive index beside them. axe-core (bundled
by ``axe-playwright-python``, no network) runs its WCAG 2.0/2.1/2.2 A and AA rules
on the month page and the archive index at desktop and phone widths and must find
nothing. Automated rules cover only part of WCAG, so the issue's manual criteria
are checked too: one h1 and headings in order, tables with captions and scoped
header cells, a chart's text alternative that states its numbers, the wide list
fitting at 1280 px, the recap usable at 390 px, visible focus, ``lang="id"``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fixtures_built import built_two_months

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium tidak terpasang (apt-get install chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser
pytest_plugins = ["fixtures_browser"]  # the process's shared Chromium
AXE = axe_sync.Axe()  # reads axe-core's script once

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Violations are reported in full; ``resultTypes`` only stops axe from building a
# selector for every node that passed (thousands on the month page, over half of
# axe's time there), which nothing here reads.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Every page type the project publishes: add new ones here.
PAGES = {
    "bulan": "2022-06/laporan.html",
    "arsip": "index.html",
    "ukpd": "ukpd/kelurahan-rawamangun.html",
    "kecamatan": "kecamatan/pulo-gadung.html",
    "tahunan": "2022/laporan.html",
}


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    from crmlib.project import Project

    # The run's shared two-month build, copied: the annual report is added to the copy.
    root = tmp_path_factory.mktemp("proyek") / "proyek"
    shutil.copytree(built_two_months(tmp_path_factory), root, symlinks=True)
    from crmlib.publish.year import build_years

    assert build_years(Project(root), ["2022"], renderer="embedded") == {"2022": "dibangun"}
    return root / "output"


@pytest.fixture(scope="module")
def page_pool(chromium):
    """Idle pages per viewport, one browser context per viewport, reused by the tests.

    A page is handed out blank (about:blank) and ``open_page`` navigates it, so every
    test still starts on a freshly loaded document (no focus, scroll or script state
    left by an earlier test); only the context and the page object are reused, which
    spares a context and a renderer start per test.
    """
    contexts, idle = {}, {}

    def take(viewport):
        key = (viewport["width"], viewport["height"])
        if key not in contexts:
            contexts[key] = chromium.new_context(viewport=viewport)
            idle[key] = []
        return key, (idle[key].pop() if idle[key] else contexts[key].new_page())

    def give_back(key, page):
        try:
            page.goto("about:blank")
        except sync_api.Error:
            page.close()  # a page left unusable by a failed test is not reused
        else:
            idle[key].append(page)

    yield take, give_back
    for context in contexts.values():
        context.close()


@pytest.fixture
def open_page(output, page_pool):  # built first: no kernel runs beside Playwright's loop
    take, give_back = page_pool
    taken = []

    def opener(kind: str, viewport=DESKTOP):
        key, page = take(viewport)
        taken.append((key, page))
        page.goto((output / PAGES[kind]).as_uri())
        return page

    yield opener
    for key, page in taken:
        give_back(key, page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_no_wcag_violation(open_page, kind, viewport):
    page = open_page(kind, viewport)
    results = AXE.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("kind", PAGES)
def test_one_h1_headings_in_order_and_language(open_page, kind):
    page = open_page(kind)
    assert page.evaluate("document.documentElement.lang") == "id"
    levels = page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
    )
    assert levels.count(1) == 1 and levels[0] == 1
    jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert jumps == [], f"heading levels skipped: {jumps}"
    assert page.locator("main").count() == 1


def test_data_tables_have_a_caption_and_scoped_header_cells(open_page):
    page = open_page("bulan")
    tables = page.locator("main table")
    assert tables.count() >= 9
    for i in range(tables.count()):
        t = tables.nth(i)
        assert t.locator("caption").inner_text().startswith("Tabel "), i
        scopes = t.locator("thead th").evaluate_all("ths => ths.map(th => th.scope)")
        assert scopes and set(scopes) == {"col"}, i


def test_every_chart_states_its_numbers(open_page):
    page = open_page("bulan")
    figures = page.locator("main figure")
    assert figures.count() >= 6
    for i in range(figures.count()):
        alt = figures.nth(i).locator("img").get_attribute("alt")
        caption = figures.nth(i).locator("figcaption").inner_text()
        numbers = re.findall(r"\d[\d.,]*", alt)
        assert len(numbers) >= 2, alt
        assert alt not in caption  # more than its title
    kecamatan = page.locator("figure#fig-kecamatan img").get_attribute("alt")
    assert kecamatan.startswith("Jumlah laporan per kecamatan") and "Cakung" in kecamatan
    svg_desc = open_page("arsip").locator("svg desc").text_content()
    assert "Juni 2022: 508 laporan" in svg_desc


def test_wide_list_fits_at_1280_px_with_its_caption(open_page):
    page = open_page("bulan")
    box = page.locator(".tabel-lebar .tabel-gulir")
    assert box.count() == 1
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")
    edge = box.evaluate("b => b.getBoundingClientRect().right")
    caption = box.locator("caption")
    assert caption.evaluate("c => c.getBoundingClientRect().right") <= edge + 0.5
    assert "Juni 2022" in caption.inner_text()


def test_recap_unit_names_stay_in_view_on_a_phone(open_page):
    page = open_page("bulan", PHONE)
    box = page.locator(".tabel-rekap .tabel-gulir")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the numbers scroll
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    left, right = box.evaluate(
        "b => [b.getBoundingClientRect().left, b.getBoundingClientRect().right]"
    )
    cell = box.locator("tbody tr").nth(3).locator("td").nth(1)
    assert "KELURAHAN" in cell.inner_text()
    cell_left, cell_right = cell.evaluate(
        "c => [c.getBoundingClientRect().left, c.getBoundingClientRect().right]"
    )
    assert left - 0.5 <= cell_left and cell_right <= right + 0.5


@pytest.mark.parametrize("kind", PAGES)
def test_keyboard_focus_is_visible(open_page, kind):
    page = open_page(kind, PHONE)
    seen = set()
    for _ in range(8):
        page.keyboard.press("Tab")
        tag, outline = page.evaluate(
            "() => { const e = document.activeElement;"
            " const s = getComputedStyle(e);"
            " return [e.tagName + '.' + e.className, s.outlineStyle + ' ' + s.outlineWidth]; }"
        )
        if tag.startswith("BODY") and len(seen) >= 3:
            break  # past the last focusable element of a short page (a unit with two months)
        assert not outline.startswith("none"), f"{tag}: focus not visible ({outline})"
        seen.add(tag.split(".")[0])
    assert "A" in seen or "FIGURE" in seen or "DIV" in seen
