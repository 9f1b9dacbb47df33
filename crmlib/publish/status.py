"""``crm-report status``: every month of ``params/``, built or not, current or stale.

Reads only what the build left in ``output/<YYYY-MM>/`` (``build-info.json``),
the edition store (``terbitan/``) and the fingerprints the build computes;
nothing is executed or rendered. A draft that would be rebuilt says why; a final
month is current when ``output/`` holds its stored bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from crmlib.data.params import list_months, load_params
from crmlib.errors import CrmReportError
from crmlib.project import Project
from crmlib.publish import edisi
from crmlib.publish.fingerprint import (
    STATE_FILE,
    month_fingerprint,
    rebuild_reasons,
    shared_change_note,
    shared_fingerprint,
)
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

    @property
    def jenis(self) -> str:
        """``draf`` or ``final, edisi N``."""
        return "draf" if self.edisi is None else f"final, edisi {self.edisi}"

    @property
    def label(self) -> str:
        """Indonesian state: ``belum dibangun``, ``terkini`` or ``perlu dibangun ulang``."""
        if not self.built:
            return "belum dibangun"
        return "terkini" if self.current else "perlu dibangun ulang"


def _reasons(project: Project, periode: str, renderer: str | None, shared: dict) -> list[str]:
    """Why a month would be built now (empty: current)."""
    n = edisi.current_edition(project.root, periode)
    if n is not None:
        if edisi.published_matches_store(project.root, project.output_dir, periode):
            return []
        return ["berkas terbit hilang/berubah (diterbitkan ulang dari terbitan/ saat build)"]
    if renderer is None:
        return ["renderer tidak tersedia"]
    try:
        params = load_params(project.params_dir, periode)
        fp = month_fingerprint(project, periode, params, renderer, shared)
    except CrmReportError as e:
        return [f"params tidak valid: {e}"]
    return rebuild_reasons(project, periode, fp)


def month_statuses(project: Project, renderer: str = "auto") -> list[MonthStatus]:
    """State of every month that has a params file, oldest first."""
    from crmlib.render import renderer as render

    try:
        chosen = render.pick_renderer(renderer)
    except CrmReportError:
        chosen = None
    shared = shared_fingerprint(project)
    out = []
    for periode in list_months(project.params_dir):
        try:
            state = json.loads(
                (project.output_dir / periode / STATE_FILE).read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            state = None
        warnings = list((state or {}).get(WARNINGS_KEY) or [])
        reasons = _reasons(project, periode, chosen, shared)
        n = edisi.current_edition(project.root, periode)
        out.append(MonthStatus(periode, state is not None, not reasons, warnings, n, reasons))
    return out


def format_statuses(statuses: list[MonthStatus]) -> str:
    """The table ``crm-report status`` prints, warnings under their month."""
    lines = [f"{'Bulan':<8} {'Status':<21} {'Edisi':<16} {'Peringatan':<10} Alasan", "-" * 78]
    for s in statuses:
        why = "; ".join(s.reasons) if s.built and not s.current else ""
        lines.append(
            f"{s.periode:<8} {s.label:<21} {s.jenis:<16} {len(s.warnings) or '-':<10} {why}".rstrip()
        )
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
