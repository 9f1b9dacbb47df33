"""Final editions: ``finalize`` and ``revise`` a month, and republish finals from ``terbitan/``.

A final month is never rebuilt by ``build``, not even with ``--force``: its
published copy is restored from the edition store when it no longer matches it.
A new edition is rendered from the month's current inputs by the month pipeline
(:func:`crmlib.publish.month.build_month`) and stored before it is published.
"""

from __future__ import annotations

import shutil

from crmlib.errors import BuildError
from crmlib.project import Project
from crmlib.publish.fingerprint import write_state
from crmlib.publish.lock import DEFAULT_WAIT
from crmlib.publish.month import MonthResult, build_month
from crmlib.publish.publishing import publish, refresh_archive, temp_folder, writing_output


def republish_finals(project: Project, months: list[str]) -> list[MonthResult]:
    """Results for the months that have a final edition; their published copy restored if needed.

    Nothing is rendered: ``output/<periode>/`` is rewritten from ``terbitan/``
    only when it no longer matches the store byte for byte (a fresh clone, an
    edited or deleted file).
    """
    from crmlib.publish import edisi

    results = []
    for periode in months:
        n = edisi.current_edition(project.root, periode)
        if n is None:
            continue
        published = not edisi.published_matches_store(project.root, project.output_dir, periode)
        if published:
            tmp = temp_folder(project.output_dir, periode)
            tmp.mkdir(parents=True)
            try:
                edisi.stage_final(project.root, periode, tmp)
                write_state(tmp, {"status": "final", "edisi": n})
                publish(tmp, project.output_dir / periode)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        note = "diterbitkan ulang dari terbitan/" if published else "terbit sesuai terbitan/"
        reason = (
            f"final edisi {n}, tidak dibangun ulang ({note}); untuk mengubahnya: "
            f'crm-report revise {periode} --alasan "..."'
        )
        results.append(MonthResult(periode, "final", reason=reason, published=published))
    return results


def finalize(
    project: Project,
    periode: str,
    *,
    renderer: str = "auto",
    oleh: str | None = None,
    alasan: str | None = None,
    signer=None,
    wait: float = DEFAULT_WAIT,
    notify=None,
    izinkan_perubahan: bool = False,
) -> MonthResult:
    """Make the month's next final edition from the current inputs (finalize or revise).

    ``alasan`` None: edition 1 of a draft month (``finalize``); given: the next
    edition of a final month (``revise``). The month is rendered again from its
    inputs without the DRAF mark, as PDF/A with its figures attached, signed with
    ``signer`` when given, stored in ``terbitan/`` and published from there.

    The notebook, params, templates, crmlib and the lock must be committed
    (:func:`crmlib.publish.gitstate.uncommitted_changes`): the edition records the
    commit, and ``verify --bangun-ulang`` builds it again from there.
    ``izinkan_perubahan`` overrides that; the manifest then lists the changes.

    Raises
    ------
    ParamsError
        Finalizing a final month, revising a draft, an empty reason.
    EditionError
        Uncommitted changes (named) without ``izinkan_perubahan``.
    BuildError
        The month failed to build (the reason names the step).
    """
    from crmlib.publish import edisi
    from crmlib.render import renderer as render

    if renderer != "auto":
        render.pick_renderer(renderer)
    verb = "revise" if alasan is not None else "finalize"
    with writing_output(project, f"{verb} {periode}", wait, notify):
        edition = edisi.new_edition(project.root, periode, oleh, alasan)
        edition.perubahan = _committed_or_allowed(project, verb, periode, izinkan_perubahan)
        r = build_month(
            str(project.root), periode, renderer, True, warm=False, edition=edition, signer=signer
        )
        if r.status == "gagal":
            err = BuildError(f"{periode} gagal difinalkan; tidak ada yang diubah.\n{r.reason}")
            err.exit_code = r.exit_code or 1
            raise err
        refresh_archive(project)
    return r


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


__all__ = ["finalize", "republish_finals"]
