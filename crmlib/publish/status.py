"""``crm-report status``: every month of ``params/``, built or not, current or stale.

Reads only what the build left in ``output/<YYYY-MM>/`` (``build-info.json``),
the edition store (``terbitan/``) and the fingerprints the build computes;
nothing is executed or rendered. A draft that would be rebuilt says why; a final
month is current when ``output/`` holds its stored bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from crmlib.data.params import list_months, load_params, raw_params
from crmlib.errors import CrmReportError
from crmlib.project import Project
from crmlib.publish import edisi, hashcache, history
from crmlib.publish.finals import daftar_edisi
from crmlib.publish.fingerprint import (
    STATE_FILE,
    month_fingerprint,
    rebuild_reasons,
    shared_change_note,
    shared_fingerprint,
)
from crmlib.publish.perubahan import changed_inputs, revise_hint
from crmlib.publish.verify import configured_roots
from crmlib.publish.volume import WARNINGS_KEY


@dataclass
class MonthStatus:
    """One month's state."""

    periode: str
    built: bool
    current: bool
    warnings: list[str] = field(default_factory=list)
    edisi: int | None = None  # current final edition; None: a draft
    reasons: list[str] = field(default_factory=list)  # why it would be (re)built
    hilang: list[int] = field(default_factory=list)  # final editions missing from the store
    tanda_tangan: str = ""  # the current edition's signature, as validated when published
    masukan_berubah: list[str] = field(default_factory=list)  # a final's inputs changed since

    @property
    def jenis(self) -> str:
        """``draf``, ``final, edisi N`` or ``final, EDISI HILANG``."""
        if self.hilang:
            return "final, EDISI HILANG"
        return "draf" if self.edisi is None else f"final, edisi {self.edisi}"

    @property
    def label(self) -> str:
        """Indonesian state: ``belum dibangun``, ``terkini``, ``perlu dibangun ulang`` or
        ``perlu dipulihkan`` (a final whose store went missing)."""
        if self.hilang:
            return "perlu dipulihkan"
        if not self.built:
            return "belum dibangun"
        return "terkini" if self.current else "perlu dibangun ulang"


def _reasons(
    project: Project, periode: str, renderer: str | None, shared: dict, known, roots
) -> list[str]:
    """Why a month would be built now (empty: current)."""
    if known.hilang:
        return [edisi.lost_message(periode, known)]
    n = edisi.current_edition(project.root, periode)
    if n is not None:
        if edisi.published_matches_store(project.root, project.output_dir, periode, roots):
            return []
        return ["berkas terbit hilang/berubah (diterbitkan ulang dari terbitan/ saat build)"]
    if renderer is None:
        return ["renderer tidak tersedia"]
    try:
        fp = month_fingerprint(
            project, periode, raw_params(project.params_dir, periode), renderer, shared
        )
        reasons = rebuild_reasons(project, periode, fp)
        if reasons:  # would be built: say now whether its params would pass (pydantic only here)
            load_params(project.params_dir, periode)
    except CrmReportError as e:
        return [f"params tidak valid: {e}"]
    return reasons


def month_statuses(project: Project, renderer: str = "auto") -> list[MonthStatus]:
    """State of every month that has a params file, oldest first."""
    from crmlib.render import renderer as render

    try:
        chosen = render.pick_renderer(renderer)
    except CrmReportError:
        chosen = None
    shared = shared_fingerprint(project)
    ever = history.editions_ever_held(project.root, edisi.STORE_DIR)
    try:
        roots = configured_roots(project.root, validate=False)
    except CrmReportError:
        roots = None  # a broken setting is reported by build and verify
    out = []
    for periode in list_months(project.params_dir):
        try:
            state = json.loads(
                (project.output_dir / periode / STATE_FILE).read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            state = None
        warnings = list((state or {}).get(WARNINGS_KEY) or [])
        known = edisi.known_editions(project.root, project.output_dir, periode, ever)
        reasons = _reasons(project, periode, chosen, shared, known, roots)
        n = edisi.current_edition(project.root, periode)
        s = MonthStatus(periode, state is not None, not reasons, warnings, n, reasons, known.hilang)
        if n is not None and s.current:
            s.tanda_tangan = signature_line(project, periode)
        if n is not None and not known.hilang:
            s.masukan_berubah = changed_inputs(project, periode) or []
        out.append(s)
    hashcache.for_project(project).save()
    return out


def signature_line(project: Project, periode: str) -> str:
    """The current edition's signature as validated when it was published (``edisi.json``)."""
    editions = daftar_edisi(project.output_dir, periode)
    if not editions:
        return ""
    e = editions[-1]
    check, ttd = e.get("pemeriksaan") or {}, e.get("tanda_tangan")
    if not check.get("lolos"):
        problems = check.get("masalah") or ["belum diperiksa"]
        return f"PERINGATAN: edisi {e['edisi']} tidak lolos pemeriksaan: {problems[0]}"
    if not ttd:
        return "tanda tangan: tidak ditandatangani"
    return (
        f"tanda tangan {e.get('penandatangan')}: utuh · sah · "
        + ("terpercaya" if ttd.get("terpercaya") else "tidak terpercaya")
        + " · "
        + ("penanda tangan sesuai catatan" if ttd.get("sesuai_catatan") else "TIDAK sesuai catatan")
    )


def year_statuses(project: Project) -> list[tuple[str, str, str]]:
    """``(tahun, jenis, keterangan)`` of every year with an annual report built or stored."""
    from crmlib.publish.edisi_tahunan import months_not_final, stale_hint, year_changes

    years = {p[:4] for p in list_months(project.params_dir)}
    store = project.root / edisi.STORE_DIR
    years |= {p.name for p in store.iterdir() if edisi.is_year(p.name)} if store.is_dir() else set()
    out = []
    for tahun in sorted(years):
        n = edisi.current_edition(project.root, tahun)
        if n is None and not (project.output_dir / tahun / "laporan.html").is_file():
            continue
        if n is not None:
            changes = year_changes(project, tahun) or []
            note = stale_hint(tahun, changes) if changes else "terkini"
            out.append((tahun, f"final, edisi {n}", note))
            continue
        missing = months_not_final(project, tahun)
        note = (
            f"bulan belum final: {', '.join(missing)}"
            if missing
            else f"semua bulan final: crm-report finalize {tahun}"
        )
        out.append((tahun, "draf", note))
    return out


def format_years(rows: list[tuple[str, str, str]]) -> str:
    """The annual reports' lines ``crm-report status`` prints under the months."""
    if not rows:
        return ""
    lines = ["", f"{'Tahun':<8} {'Laporan tahunan':<21} Keterangan", "-" * 78]
    lines += [f"{t:<8} {jenis:<21} {note}" for t, jenis, note in rows]
    return "\n" + "\n".join(lines)


def format_statuses(statuses: list[MonthStatus]) -> str:
    """The table ``crm-report status`` prints, warnings under their month."""
    lines = [f"{'Bulan':<8} {'Status':<21} {'Edisi':<16} {'Peringatan':<10} Alasan", "-" * 78]
    for s in statuses:
        why = "; ".join(s.reasons) if (s.built or s.hilang) and not s.current else ""
        if s.masukan_berubah:
            why = "; ".join(x for x in (why, revise_hint(s.periode, s.masukan_berubah)) if x)
        lines.append(
            f"{s.periode:<8} {s.label:<21} {s.jenis:<16} {len(s.warnings) or '-':<10} {why}".rstrip()
        )
        if s.tanda_tangan:
            lines.append(f"    {s.tanda_tangan}")
        lines.extend(f"    PERINGATAN: {w}" for w in s.warnings)
    if not statuses:
        lines.append("(belum ada berkas params/YYYY-MM.yaml)")
    drafts = {s.periode: s.reasons for s in statuses if s.built and s.edisi is None}
    note = shared_change_note(drafts, akan=False)
    if note:
        lines += [
            "",
            f"PERHATIAN: {note}.",
            "  'crm-report build --all' akan membangun ulang semuanya; untuk satu bulan saja: "
            "crm-report build YYYY-MM.",
        ]
    return "\n".join(lines)
