"""Final editions: ``finalize`` and ``revise`` a month, and republish finals from ``terbitan/``.

A final month is never rebuilt by ``build``, not even with ``--force``: its
published copy is restored from the edition store when it no longer matches it.
A month whose final editions went missing from the store is refused loudly,
never built as a draft again.

A new edition is all or nothing. It is rendered from the month's current inputs
by the month pipeline (:func:`crmlib.publish.month.build_month`), prepared,
signed and checked beside the store, and appears in ``terbitan/`` with one
rename (:func:`crmlib.publish.store.commit_edition`). A stop (Ctrl-C, SIGTERM)
before that rename leaves nothing; from the rename on, stops are held until the
edition is also published and the run reports success.
"""

from __future__ import annotations

import io
import logging
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crmlib.errors import BuildError, SignatureError
from crmlib.project import Project
from crmlib.publish import edisi, finals, history, store, verify
from crmlib.publish.failures import drop_failed_log, write_failed_log
from crmlib.publish.fingerprint import write_state
from crmlib.publish.lock import DEFAULT_WAIT
from crmlib.publish.month import MonthResult, build_month
from crmlib.publish.publishing import publish, refresh_archive, temp_folder, writing_output

STOP_HELD = (
    "penghentian (Ctrl-C/SIGTERM) diterima saat edisi disimpan; edisi tetap selesai dan terbit"
)


def republish_finals(project: Project, months: list[str]) -> list[MonthResult]:
    """Results for the months that have (or had) a final edition; published copies restored.

    Nothing is rendered: ``output/<periode>/`` is rewritten from ``terbitan/``
    only when it no longer matches the store byte for byte (a fresh clone, an
    edited or deleted file, a changed trust configuration). A month whose final
    editions are missing from the store fails with how to restore them. An
    edition that does not verify is published as stored, with a warning (the
    archive shows the finding, never an intact signature).
    """
    ever = history.editions_ever_held(project.root, edisi.STORE_DIR)
    roots = None
    results = []
    for periode in months:
        known = edisi.known_editions(project.root, project.output_dir, periode, ever)
        if known.hilang:
            message = edisi.lost_message(periode, known)
            results.append(MonthResult(periode, "gagal", reason=message, exit_code=1))
            continue
        if not known.tersimpan:
            continue
        if roots is None:
            roots = verify.configured_roots(project.root)
        results.append(_republish(project, periode, known.tersimpan[-1], roots))
    return results


def _republish(project: Project, periode: str, n: int, roots: list) -> MonthResult:
    stale = not edisi.published_matches_store(project.root, project.output_dir, periode, roots)
    warnings = []
    if stale:
        tmp = temp_folder(project.output_dir, periode)
        tmp.mkdir(parents=True)
        try:
            listing = finals.stage_final(project.root, periode, tmp, roots)
            write_state(tmp, {"status": "final", "edisi": n})
            publish(tmp, project.output_dir / periode)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        warnings = [
            f"edisi {e['edisi']} tidak lolos pemeriksaan ({e['pemeriksaan']['masalah'][0]}); "
            f"periksa: crm-report verify {periode}"
            for e in listing
            if not e["pemeriksaan"]["lolos"]
        ]
    note = "diterbitkan ulang dari terbitan/" if stale else "terbit sesuai terbitan/"
    reason = (
        f"final edisi {n}, tidak dibangun ulang ({note}); untuk mengubahnya: "
        f'crm-report revise {periode} --alasan "..."'
    )
    return MonthResult(periode, "final", reason=reason, published=stale, warnings=warnings)


def finalize(
    project: Project,
    periode: str,
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
    """Make the month's next final edition from the current inputs (finalize or revise).

    ``alasan`` None: edition 1 of a draft month (``finalize``); given: the next
    edition of a final month (``revise``). The month is rendered again from its
    inputs without the DRAF mark, as PDF/A with its figures attached, signed with
    the PKCS#12 certificate ``p12`` when given, checked, stored in ``terbitan/``
    and published from there.

    The notebook, params, templates, crmlib and the lock must be committed
    (:func:`crmlib.publish.gitstate.uncommitted_changes`): the edition records the
    commit, and ``verify --bangun-ulang`` builds it again from there.
    ``izinkan_perubahan`` overrides that; the manifest then lists the changes.
    A revision whose data, params and notebook equal the current edition's
    (:func:`crmlib.publish.perubahan.changed_inputs`) is refused unless ``paksa``.

    Raises
    ------
    ParamsError
        Finalizing a final month (or one whose store went missing), revising a
        draft, an empty or malformed reason or name, a bad trust-root setting.
    EditionError
        Uncommitted changes (named) without ``izinkan_perubahan``.
    SignatureError
        The certificate cannot be opened or may not sign (one line; the
        traceback in ``.crm-report/log/<periode>-gagal.log``).
    BuildError
        The month failed to build or its edition failed the check (the reason
        names the step); nothing was stored.
    """
    from crmlib.render import renderer as render

    if renderer != "auto":
        render.pick_renderer(renderer)
    verb = "revise" if alasan is not None else "finalize"
    with writing_output(project, f"{verb} {periode}", wait, notify):
        edition = edisi.new_edition(
            project.root, project.output_dir, periode, oleh, alasan, abaikan_hilang
        )
        if alasan is not None and not paksa:
            _refuse_identical_revision(project, periode)
        edition.perubahan = _committed_or_allowed(project, verb, periode, izinkan_perubahan)
        roots = verify.configured_roots(project.root)
        signer = _open_signer(project, periode, p12, sandi) if p12 is not None else None
        r = build_month(
            str(project.root),
            periode,
            renderer,
            True,
            warm=False,
            edition=edition,
            signer=signer,
            roots=roots,
        )
        held = _store_built(project, r, roots)
    if held:
        r.reason += f"; {STOP_HELD}"
    return r


def _store_built(project: Project, r: MonthResult, roots: list) -> bool:
    """Store and publish the edition :func:`build_month` prepared; whether a stop was held.

    Raises
    ------
    BuildError
        The month failed to build (``r`` says why); nothing was stored.
    """
    try:
        if r.status == "gagal":
            where = f" (rincian: {r.log})" if r.log else ""
            err = BuildError(
                f"{r.periode} gagal difinalkan, tidak ada yang diubah: {r.reason}{where}"
            )
            err.exit_code = r.exit_code or 1
            raise err
        return _store_and_publish(project, r, roots)
    except BaseException:
        if r.final is not None:  # a stop between the build and the store: nothing is kept
            r.final.prepared.discard()
            shutil.rmtree(r.final.rendered, ignore_errors=True)
        raise


def _refuse_identical_revision(project: Project, periode: str) -> None:
    """A revision from the very inputs of the current edition: refused without ``--paksa``."""
    from crmlib.errors import ParamsError
    from crmlib.publish.perubahan import changed_inputs

    if changed_inputs(project, periode) == []:
        n = edisi.current_edition(project.root, periode)
        raise ParamsError(
            f"PERINGATAN: data, params dan notebook {periode} sama dengan edisi {n}; revisi "
            "akan menghasilkan isi yang sama. Bila memang perlu (mis. templat atau crmlib "
            "diperbaiki), jalankan lagi dengan --paksa."
        )


def _committed_or_allowed(project: Project, verb: str, periode: str, allowed: bool) -> list[str]:
    """The uncommitted changes a final edition is made with: none, or those the analyst allowed."""
    from crmlib.errors import EditionError
    from crmlib.publish.gitstate import uncommitted_changes

    changes = uncommitted_changes(project.root)
    if changes and not allowed:
        listed = "\n".join(f"  {c}" for c in changes[:30])
        more = f"\n  ... dan {len(changes) - 30} lagi" if len(changes) > 30 else ""
        raise EditionError(
            f"{verb} {periode} ditolak: ada perubahan yang belum di-commit, sehingga edisi ini "
            f"tidak dapat dibangun ulang dari commit-nya:\n{listed}{more}\n"
            "Commit dulu (git add ... && git commit), atau tambahkan --izinkan-perubahan "
            "(dicatat di manifest edisi)."
        )
    return changes


def _open_signer(project: Project, periode: str, p12: Path, sandi: bytes | None):
    """The PKCS#12 signer; a failure is one line, pyHanko's traceback kept in the month's log."""
    from crmlib.publish.tandatangan import load_signer

    buffer = io.StringIO()
    log = logging.getLogger(f"{__name__}.tandatangan.{periode}")
    log.handlers[:] = [logging.StreamHandler(buffer)]
    log.propagate = False
    try:
        return load_signer(p12, sandi, log)
    except SignatureError as e:
        kept = write_failed_log(project, periode, buffer.getvalue()) if buffer.getvalue() else ""
        if kept:
            raise SignatureError(f"{e} Rincian: {kept}.") from None
        raise
    finally:
        log.handlers.clear()


def _store_and_publish(project: Project, r: MonthResult, roots: list) -> bool:
    """Rename the prepared edition into the store, publish it and refresh the archive.

    Returns whether a stop arrived meanwhile (it is held: the edition completes).
    """
    ready = r.final
    stored = False
    try:
        with held_stops() as stops:
            store.commit_edition(ready.prepared)
            stored = True
            try:
                _publish_final(project, r.periode, ready, roots)
                refresh_archive(project)
            except Exception as e:
                raise BuildError(
                    f"Edisi {ready.prepared.target.name} tersimpan di terbitan/{r.periode}/, "
                    f"tetapi belum terbit di output/: {e}. Terbitkan: crm-report build {r.periode}"
                ) from e
    finally:
        if not stored:
            ready.prepared.discard()
        shutil.rmtree(ready.rendered, ignore_errors=True)
    r.published = True
    return bool(stops)


def _publish_final(project: Project, periode: str, ready, roots: list) -> None:
    """Stage ``output/<periode>/`` from the store (with the build's log and state) and swap it in."""
    staged = temp_folder(project.output_dir, periode)
    staged.mkdir()
    try:
        finals.stage_final(project.root, periode, staged, roots)
        shutil.move(ready.rendered / "build.log", staged / "build.log")
        n = ready.prepared.manifest["edisi"]
        write_state(staged, {**ready.state, "status": "final", "edisi": n})
        publish(staged, project.output_dir / periode)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    drop_failed_log(project, periode)


@contextmanager
def held_stops() -> Iterator[list[int]]:
    """Hold SIGINT/SIGTERM for the block: the signals received are listed, not acted on.

    Python runs signal handlers in the main thread only, so replacing them is
    enough whichever thread the kernel delivers a signal to.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def hold(signum, frame):
        received.append(signum)

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


__all__ = ["STOP_HELD", "finalize", "held_stops", "republish_finals"]
