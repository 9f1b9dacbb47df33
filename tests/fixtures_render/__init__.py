"""Helpers of the rendering tests: the fixture notebook, parameters, a prepared month."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# Stored as .json, not .ipynb: it is an *executed* notebook on purpose, and committed
# .ipynb files must carry no outputs (pre-commit nbstripout, the before-stop check).
NOTEBOOK = HERE / "laporan.executed.json"

# Links of a month in the middle of the archive, as crmlib.publish.build writes them.
LINKS = {
    "pdf": "laporan.pdf",
    "ipynb": "laporan.ipynb",
    "json": "metrics.json",
    "xlsx": "tabel.xlsx",
    "prev": "../2022-05/laporan.html",
    "index": "../index.html",
}

PROVENANCE = {
    "crmlib_version": "0.1.0",
    "input": [{"name": "crm_juni_2022.xlsx", "sha256": "ab" * 32}],
    "parameter": {"batas_respon_jam": 6},
    "baris": {"laporan": {"read": 1100, "kept": 1096, "left_out": 4}},
    "periode": "2022-06",
    "per_tanggal": "2022-07-11T08:34:00",
    "waktu_build": "2022-07-11T09:00:00",
    "renderer": "embedded",
    "git_commit": "0123456789abcdef0123456789abcdef01234567",
}


def default_params() -> dict[str, Any]:
    """``params/_default.yaml`` of the project (the real standing parameters)."""
    return yaml.safe_load((ROOT / "params" / "_default.yaml").read_text(encoding="utf-8"))


def load_notebook() -> dict[str, Any]:
    """The fixture notebook as a dict (a fresh copy each call)."""
    return copy.deepcopy(json.loads(NOTEBOOK.read_text(encoding="utf-8")))


def prepare_month(
    month_dir: Path,
    periode: str = "2022-06",
    links: dict[str, str] | None = None,
    notebook: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
) -> Path:
    """Put the fixture notebook (or ``notebook``) in ``month_dir`` with its front matter."""
    from crmlib.report.frontmatter import build_front_matter, inject_front_matter

    month_dir.mkdir(parents=True, exist_ok=True)
    target = month_dir / "laporan.ipynb"
    if notebook is None:
        shutil.copyfile(NOTEBOOK, target)
    else:
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")
    meta = build_front_matter(
        params if params is not None else default_params(),
        periode,
        LINKS if links is None else links,
        PROVENANCE,
    )
    inject_front_matter(target, meta)
    return month_dir


def markdown_cell_notebook(*markdown_outputs: str) -> dict[str, Any]:
    """A minimal executed notebook whose code cells display the given Markdown."""
    nb = load_notebook()
    nb["cells"] = [nb["cells"][0]] + [
        {
            "cell_type": "code",
            "execution_count": i,
            "id": f"md-{i}",
            "metadata": {},
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"text/markdown": teks, "text/plain": "<Markdown>"},
                }
            ],
            "source": "display(Markdown(teks))\n",
        }
        for i, teks in enumerate(markdown_outputs, start=1)
    ]
    return nb


def metrics_json(periode: str, total: int, capaian: float, tepat: int) -> dict[str, Any]:
    """The head of a metrics.json as crmlib.report.outputs writes it."""
    return {
        "periode": periode,
        "kota": "JAKARTA TIMUR",
        "per_tanggal": f"{periode}-28T08:00:00",
        "total_laporan": total,
        "capaian_persen": capaian,
        "respon": {"batas_jam": 6, "tepat_waktu": tepat, "terlambat": total - tepat},
    }
