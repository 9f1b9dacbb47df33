"""Plausibility of a month's volume: its report count against the months already published.

The warnings are published with the month (never a failure): they go into
``metrics.json``'s provenance and ``build-info.json`` under :data:`WARNINGS_KEY`,
where ``crm-report status`` reads them.
"""

from __future__ import annotations

import json

from crmlib.project import Project

# Where a month's plausibility warnings are recorded: metrics.json's provenance and
# build-info.json (read by `crm-report status`).
WARNINGS_KEY = "peringatan_kewajaran"


def published_totals(project: Project, before: str) -> dict[str, int]:
    """``total_laporan`` of every published month before ``before`` (from its metrics.json)."""
    from crmlib.data.periode import PERIODE_RE

    totals: dict[str, int] = {}
    if not project.output_dir.is_dir():
        return totals
    for month_dir in project.output_dir.iterdir():
        if not PERIODE_RE.match(month_dir.name) or month_dir.name >= before:
            continue
        try:
            data = json.loads((month_dir / "metrics.json").read_text(encoding="utf-8"))
            totals[month_dir.name] = int(data["total_laporan"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return totals


def volume_warnings(project: Project, periode: str, total: int) -> list[str]:
    """The month's report count against the median of up to 12 earlier published months."""
    from crmlib.data.plausibility import volume_warning

    warning = volume_warning(periode, total, published_totals(project, periode))
    return [warning] if warning else []
