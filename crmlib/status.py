"""``crm-report status``: every month of ``params/``, built or not, current or stale.

Reads only what the build left in ``output/<YYYY-MM>/`` (``build-info.json``)
and the fingerprints :func:`crmlib.build.check_up_to_date` computes; nothing is
executed or rendered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from crmlib.build import STATE_FILE, WARNINGS_KEY, Project, check_up_to_date
from crmlib.params import list_months


@dataclass
class MonthStatus:
    """One month's state."""

    periode: str
    built: bool
    current: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Indonesian state: ``belum dibangun``, ``terkini`` or ``perlu dibangun ulang``."""
        if not self.built:
            return "belum dibangun"
        return "terkini" if self.current else "perlu dibangun ulang"


def month_statuses(project: Project, renderer: str = "auto") -> list[MonthStatus]:
    """State of every month that has a params file, oldest first."""
    months = list_months(project.params_dir)
    _, fresh = check_up_to_date(project, months, renderer, force=False)
    current = {r.periode for r in fresh}
    out = []
    for periode in months:
        try:
            state = json.loads(
                (project.output_dir / periode / STATE_FILE).read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            state = None
        warnings = list((state or {}).get(WARNINGS_KEY) or [])
        out.append(MonthStatus(periode, state is not None, periode in current, warnings))
    return out


def format_statuses(statuses: list[MonthStatus]) -> str:
    """The table ``crm-report status`` prints, warnings under their month."""
    lines = [f"{'Bulan':<8} {'Status':<21} Peringatan", "-" * 60]
    for s in statuses:
        lines.append(f"{s.periode:<8} {s.label:<21} {len(s.warnings) or '-'}")
        lines.extend(f"    PERINGATAN: {w}" for w in s.warnings)
    if not statuses:
        lines.append("(belum ada berkas params/YYYY-MM.yaml)")
    return "\n".join(lines)
