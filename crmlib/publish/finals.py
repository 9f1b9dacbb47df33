"""Final editions as published: ``output/<YYYY-MM>/`` staged from the store, and the archive's list.

The build never renders a month that has a final edition again: it republishes
the store's bytes into ``output/<YYYY-MM>/`` (the current edition) and
``output/<YYYY-MM>/edisi-<N>/`` (earlier editions), byte for byte, with
``edisi.json``, the list the archive reads. Every signature line in that list
comes from validating the edition (:func:`crmlib.publish.verify.check_edition`),
never from what its manifest claims, so the archive says nothing about a
signature that ``verify`` would not report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crmlib.publish.edisi import (
    EDITIONS_FILE,
    MANIFEST,
    complete_editions,
    copy_file,
    edition_dir,
    files_of,
)
from crmlib.publish.tandatangan import roots_digest
from crmlib.publish.verify import check_edition


def edition_summary(
    root: Path, periode: str, n: int, roots: list, href_prefix: str
) -> dict[str, Any]:
    """One edition as the archive sees it (see :func:`daftar_edisi`), from validation."""
    check = check_edition(edition_dir(root, periode, n), periode, n, roots)
    m = check.manifest
    return {
        "edisi": n,
        "status": "final",
        "tanggal": m.get("difinalkan_pada"),
        "alasan": m.get("alasan"),
        "difinalkan_oleh": m.get("difinalkan_oleh"),
        "penandatangan": check.signature.penandatangan if check.signature else None,
        "tanda_tangan": check.tanda_tangan,
        "pemeriksaan": {"lolos": check.ok, "masalah": check.masalah},
        "tautan": {name: href_prefix + name for name in files_of(periode)},
    }


def stage_final(root: Path, periode: str, tmp: Path, roots: list) -> list[dict[str, Any]]:
    """Fill ``tmp`` with what ``output/<periode>/`` of a final month holds; the edition list.

    The current edition's five files at the top, every earlier edition under
    ``edisi-<N>/``, each with a copy of its manifest, and ``edisi.json`` (the
    list :func:`daftar_edisi` reads, judged against ``roots``). Nothing here is
    rendered; incomplete editions are left out (``status``/``verify`` report them).
    """
    numbers = complete_editions(root, periode)
    current = numbers[-1]
    listing = []
    for n in numbers:
        dest = tmp if n == current else tmp / f"edisi-{n}"
        dest.mkdir(parents=True, exist_ok=True)
        for name in (*files_of(periode), MANIFEST):
            copy_file(edition_dir(root, periode, n) / name, dest / name)
        prefix = "" if n == current else f"edisi-{n}/"
        listing.append(edition_summary(root, periode, n, roots, prefix))
    data = {"periode": periode, "akar_sha256": roots_digest(roots), "edisi": listing}
    (tmp / EDITIONS_FILE).write_text(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return listing


def daftar_edisi(output_dir: Path | str, periode: str) -> list[dict[str, Any]]:
    """Every edition of a published month, for the archive page, oldest first.

    Parameters
    ----------
    output_dir : path
        ``output/``.
    periode : str
        ``YYYY-MM``.

    Returns
    -------
    list of dict
        Empty for a draft month. One dict per final edition::

            {"edisi": 2,                     # edition number, 1 = first final
             "status": "final",
             "tanggal": "2026-11-28T22:30:00+00:00",   # when it was finalized
             "alasan": "Data UKPD X dikoreksi" | None,  # revisions only (plain text)
             "difinalkan_oleh": "Kasubbag Pelayanan Publik",  # --oleh or params
             "penandatangan": "CN of the certificate" | None,  # None: not signed
             "tanda_tangan": None | {          # validated when published, each on its own
                 "utuh": bool,                 # one signature, whole file, binds the manifest
                 "sah": bool,                  # certificate valid at signing time, for signing
                 "terpercaya": bool,           # chains to the configured root store
                 "sesuai_catatan": bool},      # the certificate the manifest records
             "pemeriksaan": {"lolos": bool,    # the edition verifies (but git: see verify)
                             "masalah": [str]},
             "tautan": {"laporan.html": "edisi-1/laporan.html", ...}}

        ``tautan`` values are relative to ``output/<periode>/``: the current
        (last) edition's files sit in the month folder itself, earlier ones in
        ``edisi-<N>/``. Text values are plain: escape them for the page.
    """
    path = Path(output_dir) / periode / EDITIONS_FILE
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["edisi"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


__all__ = ["daftar_edisi", "edition_summary", "stage_final"]
