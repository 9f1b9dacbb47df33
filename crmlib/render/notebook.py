"""``crm-report render out.ipynb``: the report from a notebook executed outside the build.

The papermill route (``papermill notebooks/laporan_bulanan.ipynb out.ipynb -f
params/_default.yaml -f params/2022-07.yaml``) and JupyterLab leave an executed
notebook whose charts are data URIs inside its outputs and whose Markdown cells
may still be templates. This module turns it into the same report ``crm-report
build`` gives: templates filled (:mod:`crmlib.report.narasi`), charts written beside the
notebook (``<stem>_grafik/``), the front matter (cover, foreword, signature) made
from the month's params exactly as the build makes it, then ``<stem>.html`` and
``<stem>.pdf`` beside the notebook.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from crmlib.errors import CrmReportError, RenderError

# ![caption](data:image/png;base64,...){#fig-name ...} and its phone drawing
# ![alt](data:...){#ponsel-name}: what report._figure writes when the notebook ran
# without an output folder.
_GRAFIK_DATA = re.compile(
    r"(!\[(?:[^\]\\]|\\.)*\]\()data:image/png;base64,([A-Za-z0-9+/=]+)"
    r"(\)\{#(fig|ponsel)-([A-Za-z0-9_-]+))"
)


def simpan_grafik(nb: dict[str, Any], folder: Path, prefix: str = "grafik") -> int:
    """Write the notebook's data-URI charts to ``folder/prefix`` and point the Markdown at them.

    Only PNG data of the report's own figure outputs is decoded; nothing else is
    read or fetched. Returns how many charts were written.
    """
    n = 0

    def ganti(m: re.Match[str]) -> str:
        nonlocal n
        nama = f"{m.group(5)}-ponsel.png" if m.group(4) == "ponsel" else f"{m.group(5)}.png"
        target = folder / prefix / nama
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(m.group(2)))
        n += 1
        return f"{m.group(1)}{prefix}/{nama}{m.group(3)}"

    for cell in nb.get("cells") or []:
        for out in cell.get("outputs") or []:
            data = out.get("data") or {}
            md = data.get("text/markdown")
            if md is None:
                continue
            teks = "".join(md) if isinstance(md, list) else md
            data["text/markdown"] = _GRAFIK_DATA.sub(ganti, teks)
    return n


def _params(nb: dict[str, Any], periode: str, start: Path) -> dict[str, Any]:
    """The month's params as the build reads them, overlaid with what papermill injected."""
    from crmlib.data.params import load_params
    from crmlib.project import Project

    try:
        params = load_params(Project.find(start).params_dir, periode)
    except CrmReportError:
        params = {}
    injected = ((nb.get("metadata") or {}).get("papermill") or {}).get("parameters") or {}
    params.update({k: v for k, v in injected.items() if v is not None})
    params["periode"] = periode
    return params


def render_notebook(path: Path | str, renderer: str = "auto") -> dict[str, Path]:
    """Render an executed report notebook to ``<stem>.html`` and ``<stem>.pdf`` beside it.

    Parameters
    ----------
    path : path
        The executed notebook (papermill's output, or a notebook saved from JupyterLab).
    renderer : {"auto", "quarto", "embedded"}
        As for ``crm-report build``.

    Returns
    -------
    dict
        ``html`` and ``pdf`` paths.

    Raises
    ------
    RenderError
        The file is not an executed report notebook, or rendering failed.
    NarasiError
        A Markdown template names an unknown value.
    """
    from crmlib.render import renderer as render
    from crmlib.report import narasi
    from crmlib.report.frontmatter import (
        DRAFT_FRONT_MATTER,
        build_front_matter,
        merge_front_matter,
    )
    from crmlib.report.ipynb import write_notebook

    path = Path(path).resolve()
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RenderError(f"Notebook tidak dapat dibaca: {path}: {exc}") from None
    values = narasi.nilai_dari_notebook(nb)
    if values is None:
        raise RenderError(
            f"{path.name} bukan notebook laporan yang sudah dijalankan (nilai narasi tidak "
            "ada): jalankan dulu notebooks/laporan_bulanan.ipynb dengan papermill atau JupyterLab."
        )
    if not (nb.get("metadata") or {}).get(narasi.META_KEY, {}).get("narasi_terisi"):
        narasi.isi_sel(nb, values)
    periode = str(values["n"]["bulan"])
    params = _params(nb, periode, path.parent)
    stem = path.stem
    simpan_grafik(nb, path.parent, f"{stem}_grafik")
    links = {"pdf": f"{stem}.pdf", "ipynb": path.name}
    meta = build_front_matter(params, periode, links, params.get("provenance") or {})
    meta["tentang"] = []  # the notebook has its own "Tentang Laporan Ini" (as in the build)
    meta.update(DRAFT_FRONT_MATTER)  # only `crm-report finalize` makes an edition final
    with tempfile.TemporaryDirectory(prefix=f".{stem}-render-", dir=path.parent) as tmp:
        kerja = Path(tmp)
        merge_front_matter(nb, meta, str(path))
        write_notebook(nb, kerja / render.NOTEBOOK)  # what the renderer (Quarto) reads
        grafik = path.parent / f"{stem}_grafik"
        if grafik.is_dir():
            shutil.copytree(grafik, kerja / grafik.name)
        hasil = render.render_month(kerja, renderer=renderer, kertas=params.get("kertas"))
        out = {}
        for kind in ("html", "pdf"):
            target = path.with_suffix(f".{kind}")
            shutil.move(str(hasil[kind]), target)
            out[kind] = target
    return out
