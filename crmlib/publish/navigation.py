"""Navigation between months: ``sebelumnya.html``/``berikutnya.html`` beside every report.

A report links these stable names, never another month directly, so its bytes
(a final edition's included) never go stale; they are rewritten at every archive
refresh to point at the neighbour that is published now.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from jinja2 import Environment, select_autoescape

from crmlib.report.fmt import format_bulan_tahun

_EDITION_DIR = re.compile(r"^edisi-([1-9][0-9]*)$")
_PERIODE_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
NAV_PAGES = ("sebelumnya.html", "berikutnya.html")

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))

_NAV_TEMPLATE = _env.from_string(
    """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{% if target %}<meta http-equiv="refresh" content="0; url={{ target }}">
{% endif %}<title>{{ judul }}</title>
</head>
<body>
<main>
<p>{% if target %}Menuju <a href="{{ target }}">{{ label }}</a>.{% else %}{{ kosong }}{% endif %}</p>
<p><a href="{{ arsip }}">Arsip laporan</a></p>
</main>
</body>
</html>
"""
)


def _nav_page(target: str | None, label: str, kosong: str, judul: str, arsip: str) -> str:
    return _NAV_TEMPLATE.render(target=target, label=label, kosong=kosong, judul=judul, arsip=arsip)


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
    output_dir = Path(output_dir)
    months = published_months(output_dir)
    for i, periode in enumerate(months):
        prev = months[i - 1] if i > 0 else None
        nxt = months[i + 1] if i + 1 < len(months) else None
        month_dir = output_dir / periode
        _write_nav(month_dir, prev, nxt, "../")
        editions = [c for c in month_dir.iterdir() if c.is_dir() and _EDITION_DIR.match(c.name)]
        for child in editions:
            _write_nav(child, prev, nxt, "../../")
        # An earlier edition's report links ../index.html: the month's status page, written
        # with the archive (crmlib.publish.halaman_edisi).


def _write_nav(folder: Path, prev: str | None, nxt: str | None, up: str) -> None:
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


__all__ = ["NAV_PAGES", "published_months", "write_nav_pages"]
