"""An executed notebook as pandoc Markdown, and the images a report may show.

:func:`notebook_to_markdown` keeps what the report shows (Quarto's ``echo: false``
semantics); :func:`image_files` is the image rule of both renderers: a report embeds
PNG/JPEG files of its own month folder, nothing else.
"""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

from crmlib.data.yamlio import load_yaml
from crmlib.errors import RenderError
from crmlib.report.frontmatter import front_matter_of

# Pandoc's Markdown as Quarto reads it, minus `$...$` math: report text never holds
# formulas, and a stray dollar sign must not swallow a paragraph.
MARKDOWN = "markdown-tex_math_dollars"


_OPSI_SEL = re.compile(r"^\s*#\|\s?(.*)$")


def _teks_sel(nilai: Any) -> str:
    return "".join(nilai) if isinstance(nilai, list) else str(nilai or "")


def cell_options(source: str) -> dict[str, Any]:
    """Read Quarto cell options (leading ``#| key: value`` lines) of a code cell."""
    baris = []
    for line in source.splitlines():
        m = _OPSI_SEL.match(line)
        if not m:
            break
        baris.append(m.group(1))
    if not baris:
        return {}
    try:
        opsi = load_yaml("\n".join(baris))
    except yaml.YAMLError:
        return {}
    return opsi if isinstance(opsi, dict) else {}


def _salah(nilai: Any) -> bool:
    return nilai is False or (isinstance(nilai, str) and nilai.lower() == "false")


def _keterangan(teks: str) -> str:
    # A caption lives inside ![...]: brackets would end it early.
    return " ".join(teks.replace("[", r"\[").replace("]", r"\]").split())


def notebook_to_markdown(
    notebook: Mapping[str, Any],
) -> tuple[dict[str, Any], str, dict[str, bytes]]:
    """Turn an executed notebook into (front matter, Markdown body, images).

    Only what the report shows is kept, with Quarto's ``echo: false`` semantics:
    Markdown cells; ``text/markdown`` display outputs as they are (images they
    reference, e.g. ``grafik/kecamatan.png``, are files beside the notebook);
    ``image/png`` outputs as images, captioned figures when the cell has ``#|
    label: fig-...`` and ``#| fig-cap: ...``; printed text of ``#| output: asis``
    cells. Code, other streams, errors and plain-text results are dropped, as are
    cells with ``#| include: false`` or ``#| output: false``.

    Parameters
    ----------
    notebook : mapping
        The notebook JSON (nbformat 4), e.g. ``json.load(open("laporan.ipynb"))``.

    Returns
    -------
    meta : dict
        The YAML front matter of the first (raw) cell.
    body : str
        Pandoc Markdown of the report body.
    images : dict of str to bytes
        PNG files referenced by ``body``, by file name.
    """
    meta = front_matter_of(notebook)
    blok: list[str] = []
    gambar: dict[str, bytes] = {}
    cells = list(notebook.get("cells") or [])
    if meta:
        cells = cells[1:]
    for nomor, cell in enumerate(cells, start=1):
        jenis = cell.get("cell_type")
        sumber = _teks_sel(cell.get("source"))
        if jenis == "markdown":
            blok.append(sumber)
            continue
        if jenis != "code":
            continue
        opsi = cell_options(sumber)
        if _salah(opsi.get("include")) or _salah(opsi.get("output")):
            continue
        label = str(opsi.get("label") or "")
        cap = opsi.get("fig-cap")
        n_gambar = 0
        asis = str(opsi.get("output", "")).lower() == "asis"
        for keluaran in cell.get("outputs") or []:
            if (
                asis
                and keluaran.get("output_type") == "stream"
                and keluaran.get("name") == "stdout"
            ):
                # Quarto's `output: asis` takes printed text as Markdown too.
                blok.append(_teks_sel(keluaran.get("text")))
                continue
            if keluaran.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = keluaran.get("data") or {}
            if "text/markdown" in data:
                blok.append(_teks_sel(data["text/markdown"]))
            elif "image/png" in data:
                n_gambar += 1
                dasar = re.sub(r"[^A-Za-z0-9_-]", "-", label) or f"gambar-sel-{nomor}"
                nama = f"{dasar}.png" if n_gambar == 1 else f"{dasar}-{n_gambar}.png"
                gambar[nama] = base64.b64decode(_teks_sel(data["image/png"]))
                if cap and n_gambar == 1 and label.startswith("fig-"):
                    blok.append(f"![{_keterangan(str(cap))}]({nama}){{#{label}}}")
                elif cap:
                    blok.append(f"![{_keterangan(str(cap))}]({nama})")
                else:
                    # No caption: a plain image, not a numbered figure.
                    blok.append(f"![]({nama})")
    body = "\n\n".join(b.strip("\n") for b in blok if b.strip()) + "\n"
    return meta, body, gambar


# --- images ------------------------------------------------------------------------------


_GAMBAR_MD = re.compile(r"(!\[(?:[^\]\\]|\\.)*\]\(\s*<?)([^)\s>]+)")
_JENIS_GAMBAR = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def image_files(body: str, folders: list[Path], outputs: Collection[str] = ()) -> dict[str, Path]:
    """The file behind every image the Markdown references; only files of ``folders``.

    A report embeds its own charts and nothing else: each reference must be a
    relative path to a PNG or JPEG inside one of ``folders`` (the month's folder,
    the renderer's temporary folder), never a URL, an absolute path or a path
    leading out of them.

    ``outputs`` names images of the notebook's own outputs (Quarto embeds those
    itself); they are not looked up.

    Raises
    ------
    RenderError
        For the first reference that breaks the rule.
    """
    hasil: dict[str, Path] = {}
    for alamat in dict.fromkeys(m.group(2) for m in _GAMBAR_MD.finditer(body)):
        if alamat in outputs:
            continue
        for folder in folders:
            dasar = folder.resolve()
            asal = (dasar / alamat).resolve()
            if (
                not re.match(r"^([a-z][a-z0-9+.-]*:|/|\\)", alamat, flags=re.I)
                and asal.is_relative_to(dasar)
                and asal.suffix.lower() in _JENIS_GAMBAR
                and asal.is_file()
            ):
                hasil[alamat] = asal
                break
        else:
            raise RenderError(
                f"Gambar {alamat!r} tidak dimuat: laporan hanya boleh memuat gambar PNG/JPEG "
                "dari folder bulannya sendiri (jalur relatif, mis. grafik/kecamatan.png), "
                "bukan URL, jalur absolut atau berkas di luar folder itu."
            )
    return hasil


def _gambar_data_uri(body: str, berkas: dict[str, Path]) -> str:
    """``body`` with each image reference replaced by the image itself (a data URI).

    The HTML is written by pandoc in its sandbox, which reads no file: the images
    the report may show go into the Markdown instead.
    """

    def ganti(m: re.Match[str]) -> str:
        path = berkas[m.group(2)]
        isi = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"{m.group(1)}data:{_JENIS_GAMBAR[path.suffix.lower()]};base64,{isi}"

    return _GAMBAR_MD.sub(ganti, body)


def _salin_gambar(berkas: dict[str, Path], root: Path) -> None:
    """Copy the report's images below the Typst root (Typst reads nothing else)."""
    for alamat, asal in berkas.items():
        tujuan = root / alamat
        if not tujuan.exists():
            tujuan.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asal, tujuan)
