"""Status pages of a month's editions: what each published report is *now*.

A final edition's bytes never change, so a report cannot say later that it was
replaced. The archive says it beside the report instead, at every refresh, from
``edisi.json`` (:func:`crmlib.publish.finals.daftar_edisi`)::

    output/<YYYY-MM>/status.html            the month: draft, or current final + earlier ones
    output/<YYYY-MM>/index.html             the same (months with earlier editions: what an
                                            earlier edition's "Arsip laporan" link, ../index.html,
                                            and the folder's address open)
    output/<YYYY-MM>/edisi-<N>/status.html  "Edisi N — digantikan oleh edisi N+1 pada …: <alasan>",
    output/<YYYY-MM>/edisi-<N>/index.html   with a link to the current edition

A final made since issue 24 links ``status.html`` from its own cover ("Apakah
edisi ini masih berlaku?"); every page here is outside the manifest's files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from crmlib.publish.edisi import STATUS_PAGE, periode_label
from crmlib.report.fmt import format_waktu_wib

Render = Callable[..., str]


def edition_rows(editions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The month's editions for a page, oldest first, each with what replaced it.

    Parameters
    ----------
    editions : list of dict
        :func:`crmlib.publish.finals.daftar_edisi` of the month (empty for a draft).

    Returns
    -------
    list of dict
        ``edisi``, ``waktu`` (Indonesian, WIB), ``alasan``, ``berlaku`` (the current
        edition), ``pengganti`` (``None`` or ``{"edisi", "waktu", "alasan"}`` of the
        next edition), ``html``/``pdf`` (paths relative to the month folder) and
        ``folder`` (the edition's own folder, ``""`` for the current one). Text is
        plain: the templates escape it.
    """
    rows = []
    for i, e in enumerate(editions):
        nxt = editions[i + 1] if i + 1 < len(editions) else None
        tautan = e.get("tautan") or {}
        rows.append(
            {
                "edisi": e["edisi"],
                "waktu": format_waktu_wib(e.get("tanggal")),
                "alasan": e.get("alasan"),
                "berlaku": nxt is None,
                "pengganti": None
                if nxt is None
                else {
                    "edisi": nxt["edisi"],
                    "waktu": format_waktu_wib(nxt.get("tanggal")),
                    "alasan": nxt.get("alasan"),
                },
                "html": tautan.get("laporan.html", "laporan.html"),
                "pdf": tautan.get("laporan.pdf", "laporan.pdf"),
                "folder": "" if nxt is None else f"edisi-{e['edisi']}/",
            }
        )
    return rows


def write_status_pages(
    output_dir: Path, months: list[dict[str, Any]], render: Render, write: Callable
) -> None:
    """Write every month's status pages (see the module docstring).

    Parameters
    ----------
    output_dir : path
        ``output/``.
    months : list of dict
        The archive's month summaries (``folder``, ``edisi``); annual reports too
        (``folder`` = ``YYYY``).
    render : callable
        ``render(template, **context)``: the archive's Jinja2 (autoescaping) renderer.
    write : callable
        ``write(path, text)``: writes a page unless its content is unchanged.
    """
    for m in months:
        folder = output_dir / m["folder"]
        rows = edition_rows(m.get("edisi") or [])
        label = periode_label(m["folder"])
        page = render("status_edisi.html.j2", **_context(label, rows, None, "../"))
        write(folder / STATUS_PAGE, page)
        if len(rows) > 1:
            write(folder / "index.html", page)
        for row in rows[:-1]:
            page = render("status_edisi.html.j2", **_context(label, rows, row, "../../"))
            target = folder / f"edisi-{row['edisi']}"
            if target.is_dir():
                write(target / STATUS_PAGE, page)
                write(target / "index.html", page)


def _context(
    label: str, rows: list[dict[str, Any]], lama: dict[str, Any] | None, up: str
) -> dict[str, Any]:
    """Template context: the month's page (``lama`` None) or an earlier edition's."""
    current = rows[-1] if rows else None
    to_month = "../" if lama is not None else ""
    if lama is not None:
        judul = f"Edisi {lama['edisi']} laporan {label}: digantikan"
    elif current is None:
        judul = f"Laporan {label}: DRAF"
    else:
        judul = f"Laporan {label}: edisi final {current['edisi']}"
    return {
        "judul_halaman": judul,
        "judul": f"Status laporan {label}",
        "subjudul": None,
        "ringkas": judul,
        "bulan": label,
        "rows": rows,
        "lama": lama,
        "current": current,
        "ke_bulan": to_month,
        "arsip": f"{up}index.html",
    }


__all__ = ["edition_rows", "write_status_pages"]
