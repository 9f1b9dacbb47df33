"""Navigation between months: ``sebelumnya.html``/``berikutnya.html`` beside every report.

A report links these stable names, never another month directly, so its bytes
(a final edition's included) never go stale; they are rewritten at every archive
refresh to point at the neighbour that is published now.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path

from crmlib.publish.edisi import STATUS_PAGE

_EDITION_DIR = re.compile(r"^edisi-([1-9][0-9]*)$")
_PERIODE_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
NAV_PAGES = ("sebelumnya.html", "berikutnya.html")

_NAV_SOURCE = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{% if target %}<meta http-equiv="refresh" content="0; url={{ target }}">
{% endif %}<link rel="icon" href="data:,">
<title>{{ judul }}</title>
<style>
body { margin: 0 auto; max-width: 36rem; padding: 3rem 1.25rem; color: #1d232b;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
  line-height: 1.6; text-align: center; }
h1 { font-size: 1.25rem; margin: 0 0 1rem; }
a { color: #0b5394; }
.tautan a { display: inline-block; margin: 0.3rem; padding: 0.35rem 0.9rem; border: 1px solid #d4d9de;
  border-radius: 999px; background: #f4f6f8; text-decoration: none; }
a:focus-visible { outline: 3px solid #0b5394; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>{{ judul }}</h1>
<p>{% if target %}Menuju <a href="{{ target }}">{{ label }}</a>…{% else %}{{ kosong }}{% endif %}</p>
<p class="tautan"><a href="{{ arsip }}">Arsip laporan</a></p>
</main>
</body>
</html>
"""


@functools.cache
def _nav_template():
    # Jinja2 only when a page is written: a no-change build finds them current without it.
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(_NAV_SOURCE)


def _nav_page(target: str | None, label: str, kosong: str, judul: str, arsip: str) -> str:
    return _nav_template().render(
        target=target, label=label, kosong=kosong, judul=judul, arsip=arsip
    )


def published_months(output_dir: Path) -> list[str]:
    """``YYYY-MM`` folders of ``output/`` that hold a report, oldest first."""
    if not output_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in output_dir.iterdir()
        if p.is_dir() and _PERIODE_DIR.match(p.name) and (p / "laporan.html").is_file()
    )


def write_nav_pages(output_dir: Path | str) -> None:
    """Write ``sebelumnya.html``/``berikutnya.html`` beside every published month.

    A month's report links these stable names, never another month directly; they
    are rewritten at every archive refresh to point at the neighbour that is
    published now (a gap filled later or a month removed is picked up here), so
    the report's own bytes, signed or not, never go stale. Earlier editions
    (``edisi-<N>/``) get the same pages; the month's ``index.html`` (their report's
    ``../index.html``) is its status page, written with the archive.
    """
    for folder, prev, nxt, up in _nav_folders(Path(output_dir)):
        _write_nav(folder, prev, nxt, up)


def _editions_of(month_dir: Path) -> list[Path]:
    return [c for c in month_dir.iterdir() if c.is_dir() and _EDITION_DIR.match(c.name)]


def _nav_folders(output_dir: Path) -> Iterator[tuple[Path, str | None, str | None, str]]:
    """Every folder that gets navigation pages: (folder, previous, next month, way up)."""
    months = published_months(output_dir)
    for i, periode in enumerate(months):
        prev = months[i - 1] if i > 0 else None
        nxt = months[i + 1] if i + 1 < len(months) else None
        month_dir = output_dir / periode
        yield month_dir, prev, nxt, "../"
        for child in _editions_of(month_dir):
            yield child, prev, nxt, "../../"


def nav_pages_current(output_dir: Path | str) -> bool:
    """True when every navigation page exists and leads to the neighbour published now.

    Read, not rendered (no Jinja2, no Babel): what a no-change ``build`` checks before
    deciding that :func:`write_nav_pages` has nothing to do. A page's wording only
    changes with crmlib, and a crmlib change rebuilds every month (and so rewrites them).
    """
    for folder, prev, nxt, up in _nav_folders(Path(output_dir)):
        for name, neighbour in (("sebelumnya.html", prev), ("berikutnya.html", nxt)):
            try:
                page = (folder / name).read_text(encoding="utf-8")
            except OSError:
                return False
            leads = f'url={up}{neighbour}/laporan.html"' if neighbour else None
            if (leads not in page) if leads else ("http-equiv" in page):
                return False
        # Each month's status page (and, with earlier editions, its index.html) is written
        # with the archive (crmlib.publish.halaman_edisi): missing, the archive is refreshed.
        if not (folder / STATUS_PAGE).is_file():
            return False
        if up == "../" and _editions_of(folder) and not (folder / "index.html").is_file():
            return False
    return True


def _write_nav(folder: Path, prev: str | None, nxt: str | None, up: str) -> None:
    from crmlib.report.fmt import format_bulan_tahun

    arsip = f"{up}index.html"
    for name, neighbour, kata in (
        ("sebelumnya.html", prev, "sebelumnya"),
        ("berikutnya.html", nxt, "berikutnya"),
    ):
        target = f"{up}{neighbour}/laporan.html" if neighbour else None
        label = f"laporan {format_bulan_tahun(neighbour)}" if neighbour else ""
        page = _nav_page(
            target, label, f"Belum ada laporan bulan {kata} yang terbit.", f"Bulan {kata}", arsip
        )
        _write_text(folder / name, page)


def _write_text(path: Path, text: str) -> None:
    """Write a small page atomically (readers see the old or the new page); unchanged: skipped."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


__all__ = ["NAV_PAGES", "nav_pages_current", "published_months", "write_nav_pages"]
