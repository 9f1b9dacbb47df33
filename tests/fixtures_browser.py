"""One headless Chromium per test process, shared by the browser tests that follow each other.

A test module uses it with ``pytest_plugins = ["fixtures_browser"]`` and asks for the
``chromium`` fixture; its tests open their own pages or contexts from it and close
them. Starting Playwright's driver and Chromium costs about 1.5 s of CPU, so the
browser is launched once and kept while the next test also asks for it, across
modules too (an xdist worker given two browser files in a row reuses it; whatever a
module left open is closed when the next module starts).

It is stopped as soon as the next test of the process does not ask for it: while
Playwright's sync API is started its event loop counts as the thread's running
loop, so ``asyncio.run`` refuses to start and jupyter_core's ``run_sync`` (the
kernels of the builds) moves to a thread of its own. A plain session fixture would
keep it running under all the other tests of the worker. So a module fixture that
keeps pages or contexts across tests (test_accessibility's page pool) needs every
test of its module to ask for ``chromium``, as there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Headless, no sandbox (containers), and nothing that talks to the network on its own.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class SharedChromium:
    """The process's Chromium: launched on first use, again after it was stopped."""

    def __init__(self):
        self._manager = None
        self._browser = None

    def browser(self):
        """The running Playwright ``Browser`` (launched if there is none)."""
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        self.stop()  # a browser that went away: start over
        from playwright.sync_api import sync_playwright

        self._manager = sync_playwright()
        playwright = self._manager.start()
        try:
            self._browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=ARGS
            )
        except BaseException:
            self.stop()
            raise
        return self._browser

    def new_page(self, **options):
        """A page in a context of its own (``Browser.new_page``); close it when done."""
        return self.browser().new_page(**options)

    def new_context(self, **options):
        """A browser context (``Browser.new_context``); close it when done."""
        return self.browser().new_context(**options)

    @property
    def running(self) -> bool:
        return self._browser is not None

    def close_contexts(self):
        """Close what a module left open, so the next one starts with a bare browser."""
        if self._browser is not None and self._browser.is_connected():
            for context in list(self._browser.contexts):
                context.close()

    def stop(self):
        browser, manager = self._browser, self._manager
        self._browser = self._manager = None
        try:
            if browser is not None and browser.is_connected():
                browser.close()
        finally:
            if manager is not None:
                manager.__exit__(None, None, None)


_SHARED = SharedChromium()


@pytest.fixture(scope="module")
def chromium() -> SharedChromium:
    """Headless Chromium shared with the next browser tests (skips where it is missing)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium tidak terpasang (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    return _SHARED


@pytest.hookimpl(trylast=True)  # after the module's own fixtures closed their pages
def pytest_runtest_teardown(item, nextitem):
    if not _SHARED.running:
        return
    if nextitem is None or "chromium" not in nextitem.fixturenames:
        _SHARED.stop()
    elif nextitem.module is not item.module:
        _SHARED.close_contexts()
