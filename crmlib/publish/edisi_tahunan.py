"""The annual edition: ``finalize YYYY``, ``revise YYYY``, its republishing and its state.

The annual report (``output/<YYYY>/``, :mod:`crmlib.publish.year`) is a draft, with
DRAF on every page, until it is finalized; finalizing needs all twelve months of
the year final (:func:`months_not_final`). Its edition lives where a month's does,
``terbitan/<YYYY>/edisi-<N>/``, and is made by the same machinery: the number and
reason (:func:`crmlib.publish.edisi.new_edition`), prepared, signed and checked beside
the store (:mod:`crmlib.publish.store`, :func:`crmlib.publish.verify.check_edition`),
stored with one rename, published from the store (:func:`crmlib.publish.year.publish_year`).
Its files are ``laporan.html``, ``laporan.pdf`` (PDF/A, no attachments), ``laporan.ipynb``
and ``tabel.xlsx``; its manifest records the month editions it was made from
(``bulan``), so a month revised later makes it out of date (:func:`year_changes`).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from pathlib import Path

from crmlib.errors import EditionError, ParamsError
from crmlib.project import Project
from crmlib.publish import edisi, history, store, verify
from crmlib.publish.fingerprint import lock_sha256
from crmlib.publish.lock import DEFAULT_WAIT
from crmlib.publish.month import MonthResult
from crmlib.publish.publishing import refresh_archive, temp_folder, writing_output

log = logging.getLogger(__name__)


def year_months(tahun: str) -> list[str]:
    """``YYYY-01`` … ``YYYY-12``."""
    return [f"{tahun}-{m:02d}" for m in range(1, 13)]


def months_not_final(project: Project, tahun: str) -> list[str]:
    """The year's months that are not final, as the refusal names them, January first.

    ``"Januari 2022 (draf)"``, ``"Maret 2022 (belum dibangun)"``, ``"Mei 2022 (edisi
    final hilang dari terbitan/)"``. Empty: every month has a complete stored edition.
    """
    ever = history.editions_ever_held(project.root, edisi.STORE_DIR)
    out = []
    for periode in year_months(tahun):
        known = edisi.known_editions(project.root, project.output_dir, periode, ever)
        label = edisi.bulan_label(periode)
        if known.hilang:
            out.append(f"{label} (edisi final hilang dari {edisi.STORE_DIR}/)")
        elif not edisi.complete_editions(project.root, periode):
            built = (project.output_dir / periode / "laporan.html").is_file()
            out.append(f"{label} ({'draf' if built else 'belum dibangun'})")
    return out


def month_editions(project: Project, tahun: str) -> dict[str, int | None]:
    """Each month's current final edition (None: not final)."""
    return {p: edisi.current_edition(project.root, p) for p in year_months(tahun)}


def year_changes(project: Project, tahun: str) -> list[str] | None:
    """How the year's inputs differ from its current annual edition's (None: not final).

    Returns
    -------
    list of str or None
        ``"Juni 2022 direvisi (edisi 2, edisi tahunan memakai edisi 1)"``,
        ``"notebook tahunan berubah"``; empty when the edition is up to date.
    """
    n = edisi.current_edition(project.root, tahun)
    if n is None:
        return None
    manifest = edisi.read_manifest(project.root, tahun, n)
    used = {p: (v or {}).get("edisi") for p, v in (manifest.get("bulan") or {}).items()}
    out = []
    for periode, now in month_editions(project, tahun).items():
        if now != used.get(periode):
            was = f"edisi {used.get(periode)}" if used.get(periode) else "tanpa edisi final"
            out.append(
                f"{edisi.bulan_label(periode)} direvisi (edisi {now}, edisi tahunan memakai {was})"
            )
    if _notebook_sha(project) != manifest.get("notebook_sha256"):
        out.append("notebook tahunan berubah")
    return out


def stale_hint(tahun: str, changes: list[str]) -> str:
    """What ``status`` says of an annual edition that is out of date, and how to revise it."""
    return (
        f"edisi tahunan {tahun} usang: {'; '.join(changes)}. Perbarui: crm-report revise "
        f'{tahun} --alasan "..."'
    )


def _notebook_sha(project: Project) -> str | None:
    from crmlib.publish.year import NOTEBOOK

    try:
        return hashlib.sha256((project.root / NOTEBOOK).read_bytes()).hexdigest()
    except OSError:
        return None


def finalize_year(
    project: Project,
    tahun: str,
    *,
    renderer: str = "auto",
    oleh: str | None = None,
    alasan: str | None = None,
    p12: Path | None = None,
    sandi: bytes | None = None,
    abaikan_hilang: bool = False,
    wait: float = DEFAULT_WAIT,
    notify=None,
    izinkan_perubahan: bool = False,
    paksa: bool = False,
) -> MonthResult:
    """Make the year's next annual edition (``alasan`` None: edition 1, else a revision).

    Raises
    ------
    ParamsError
        A month of the year is not final (they are listed), the year is already
        final (finalize) or not yet (revise), a revision that would change nothing
        without ``paksa``, a malformed reason or name.
    EditionError
        Uncommitted changes without ``izinkan_perubahan``; the edition failed its check.
    """
    from crmlib.publish.finalize import _committed_or_allowed, _open_signer
    from crmlib.render import renderer as render

    started = time.monotonic()
    used = render.pick_renderer(renderer)
    verb = "revise" if alasan is not None else "finalize"
    with writing_output(project, f"{verb} {tahun}", wait, notify):
        edition = edisi.new_edition(
            project.root, project.output_dir, tahun, oleh, alasan, abaikan_hilang
        )
        missing = months_not_final(project, tahun)
        if missing:
            raise ParamsError(
                f"{verb} {tahun} ditolak: laporan tahunan hanya dapat difinalkan bila kedua belas "
                f"bulannya final. Belum final: {', '.join(missing)}. Finalkan dulu: "
                "crm-report finalize YYYY-MM"
            )
        if alasan is not None and not paksa and year_changes(project, tahun) == []:
            raise ParamsError(
                f"PERINGATAN: edisi bulan dan notebook tahunan {tahun} sama dengan edisi tahunan "
                f"{edition.edisi - 1}; revisi akan menghasilkan isi yang sama. Bila memang perlu, "
                "jalankan lagi dengan --paksa."
            )
        edition.perubahan = _committed_or_allowed(project, verb, tahun, izinkan_perubahan)
        roots = verify.configured_roots(project.root)
        signer = _open_signer(project, tahun, p12, sandi) if p12 is not None else None
        _republish_months(project, tahun)
        held = _make_and_store(project, tahun, used, edition, signer, roots)
    reason = f"laporan tahunan {tahun} final edisi {edition.edisi}"
    if held:
        from crmlib.publish.finalize import STOP_HELD

        reason += f"; {STOP_HELD}"
    seconds = time.monotonic() - started
    return MonthResult(tahun, "final", seconds=seconds, reason=reason, published=True)


def _republish_months(project: Project, tahun: str) -> None:
    """The year's months in ``output/`` are their stored final bytes before the year is made."""
    from crmlib.publish.finalize import republish_finals

    for r in republish_finals(project, year_months(tahun)):
        if r.status == "gagal":
            raise EditionError(f"{r.periode}: {r.reason}")


def _make_and_store(project: Project, tahun: str, used: str, edition, signer, roots) -> bool:
    """Render, prepare, check, store and publish the annual edition; whether a stop was held."""
    from crmlib.publish.finalize import held_stops
    from crmlib.publish.year import publish_year, render_year

    tmp = temp_folder(project.output_dir, tahun)
    tmp.mkdir(parents=True)
    try:
        render_year(project, tahun, used, tmp, edition)
        months = month_editions(project, tahun)

        def keep(folder: Path) -> dict:
            return {
                "bulan": {
                    p: {
                        "edisi": n,
                        "metrics_sha256": edisi.sha256(project.output_dir / p / "metrics.json"),
                    }
                    for p, n in months.items()
                },
                "notebook_sha256": _notebook_sha(project),
                "lock_sha256": lock_sha256(project.root),
                "perubahan_diizinkan": edition.perubahan,
            }

        prepared = store.prepare_edition(project.root, edition, tmp, signer, log, keep)
        check = verify.check_edition(prepared.folder, tahun, edition.edisi, roots)
        if not check.ok:
            prepared.discard()
            raise EditionError(
                f"Edisi tahunan {edition.edisi} {tahun} tidak disimpan karena tidak lolos "
                f"pemeriksaan: {'; '.join(p.rstrip('.') for p in check.masalah)}."
            )
        stored = False
        try:
            with held_stops() as stops:
                store.commit_edition(prepared)
                stored = True
                publish_year(project, tahun, roots, edition.edisi)
                refresh_archive(project)
        finally:
            if not stored:
                prepared.discard()
        return bool(stops)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


__all__ = [
    "finalize_year",
    "month_editions",
    "months_not_final",
    "stale_hint",
    "year_changes",
    "year_months",
]
