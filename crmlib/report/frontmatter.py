"""Front matter of the monthly report: built from the parameters, put into the notebook.

The executed notebook ``output/<YYYY-MM>/laporan.ipynb`` starts with a raw cell
holding YAML front matter. Quarto reads it when it renders the notebook, and the
embedded renderer of :mod:`crmlib.render.renderer` reads it too, so both renderers draw the
cover, foreword, signature block, links and provenance from the same values.

Metadata keys (all optional for the renderers; see docs/architecture.md):

``title``, ``subtitle``, ``pagetitle``, ``lang`` (``id``), ``periode`` (``YYYY-MM``),
``periode-label`` ("Juni 2022"), ``identitas`` (list of ``{label, nilai}``),
``kata-pengantar`` (list of paragraphs, Markdown), ``tempat-tanggal``,
``penandatangan`` (``{jabatan: [lines], nama, nip}``), ``kertas`` (``a4``/``f4``),
``tentang`` (list of ``{label, nilai}``), ``dibuat-dengan`` (the plain provenance line
"crm-report versi 1.0.0 (commit 0123456789)"; the templates add the renderer and write
"Dibuat dengan ..." in "Tentang laporan ini", never in a page footer), ``tautan`` (``{pdf, ipynb, json, xlsx, prev, next, index, status}``, relative paths),
``waktu-dokumen`` (the document's own date, :func:`document_time`).

No value here comes from the clock: the times a report shows are the data's
``per_tanggal`` and a final edition's finalize time, both inputs of the build.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from crmlib.data.periode import PERIODE_RE
from crmlib.data.yamlio import load_yaml
from crmlib.errors import ParamsError, RenderError
from crmlib.report.escape import kode, teks_data, teks_narasi
from crmlib.report.ipynb import write_notebook

JUDUL_BAKU = "LAPORAN BULANAN CRM"
KOTA_BAKU = "KOTA ADMINISTRASI JAKARTA TIMUR"
KERTAS = ("a4", "f4")
TAUTAN = ("pdf", "ipynb", "json", "xlsx", "prev", "next", "index", "status")

# Labels of the cover's identity block, in the official order. Each entry lists the
# parameter keys accepted for it (first match wins).
IDENTITAS = (
    ("Unit/Satuan Kerja", ("unit_kerja", "unit_satuan_kerja", "satuan_kerja", "unit")),
    ("Pengguna Anggaran", ("pengguna_anggaran",)),
    ("Kuasa Pengguna Anggaran", ("kuasa_pengguna_anggaran",)),
    ("Program", ("program",)),
    ("Kegiatan", ("kegiatan",)),
    (
        "DPA-SKPD Nomor",
        ("dpa_nomor", "dpa_skpd_nomor", "nomor_dpa_skpd", "dpa_skpd", "nomor_dpa", "dpa"),
    ),
    ("Tahun Anggaran", ("tahun_anggaran",)),
)

_BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def _bulan_tahun(tahun: int, bulan: int) -> str:
    """Return "Juni 2022"."""
    from crmlib.report.fmt import format_bulan_tahun

    return str(format_bulan_tahun(f"{tahun:04d}-{bulan:02d}"))


def _nama_kota(params: Mapping[str, Any]) -> str:
    """City line of the cover, upper case: "KOTA ADMINISTRASI JAKARTA TIMUR".

    ``params["kota"]`` is normally the slug of a folder under
    ``crmlib/data/reference/kota/`` whose ``kota.yaml`` has the official name;
    ``nama_kota`` overrides it, and a ``kota`` value that is not a slug is used as is.
    """
    if params.get("nama_kota"):
        return _teks(params["nama_kota"]).upper()
    kota = _teks(params.get("kota") or "")
    if not kota:
        return KOTA_BAKU
    if re.fullmatch(r"[a-z0-9-]+", kota):
        from crmlib.data.refdata import load_reference
        from crmlib.errors import ReferenceDataError

        try:
            data = load_reference(kota).kota
        except ReferenceDataError:
            return kota.replace("-", " ").upper()
        return _teks(data.get("nama_resmi") or data.get("kota") or kota).upper()
    return kota.upper()


def _teks(nilai: Any) -> str:
    if isinstance(nilai, datetime):
        return nilai.isoformat(sep=" ", timespec="minutes")
    if isinstance(nilai, date):
        return nilai.isoformat()
    teks = str(nilai).strip()
    # ISO timestamps from metrics provenance ("2022-07-11T08:34:00") read better as
    # "2022-07-11 08:34".
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?", teks)
    return f"{m.group(1)} {m.group(2)}" if m else teks


def parse_periode(periode: str) -> tuple[int, int]:
    """Split ``"2022-06"`` into ``(2022, 6)``.

    Raises
    ------
    ParamsError
        If ``periode`` is not of the form ``YYYY-MM``.
    """
    m = PERIODE_RE.match(str(periode).strip())
    if not m:
        raise ParamsError(
            f"Periode tidak valid: {periode!r}; yang diharapkan: YYYY-MM, mis. 2022-06."
        )
    return int(m.group(1)), int(m.group(2))


def _paragraf(nilai: Any) -> list[str]:
    """Foreword paragraphs from a list, or from one string split at blank lines."""
    if nilai is None:
        return []
    if isinstance(nilai, str):
        bagian = re.split(r"\n\s*\n", nilai)
    else:
        bagian = [str(p) for p in nilai]
    # One paragraph per entry: internal newlines would be soft breaks anyway.
    return [" ".join(p.split()) for p in bagian if p and p.strip()]


def _isi_pola(teks: str, nilai: Mapping[str, Any]) -> str:
    """Fill ``{tahun}``-style placeholders, leaving any other braces untouched."""

    def ganti(m: re.Match[str]) -> str:
        kunci = m.group(1)
        return str(nilai[kunci]) if kunci in nilai else m.group(0)

    return re.sub(r"\{([a-z_]+)\}", ganti, teks)


def _identitas(params: Mapping[str, Any], tahun: int) -> list[dict[str, str]]:
    blok = params.get("identitas")
    if isinstance(blok, list):
        # Already a list of {label, nilai}.
        return [
            {"label": _teks(i.get("label", "")), "nilai": _teks(i.get("nilai", ""))}
            for i in blok
            if isinstance(i, Mapping)
        ]
    sumber: Mapping[str, Any] = blok if isinstance(blok, Mapping) else params
    hasil = []
    dipakai: set[str] = set()
    for label, kunci_kunci in IDENTITAS:
        for kunci in kunci_kunci:
            nilai = sumber.get(kunci)
            if isinstance(nilai, Mapping):  # per budget year, e.g. dpa_nomor: {2022: ...}
                nilai = nilai.get(tahun, nilai.get(str(tahun)))
            if nilai not in (None, ""):
                hasil.append({"label": label, "nilai": _teks(nilai)})
                dipakai.add(kunci)
                break
        else:
            if label == "Tahun Anggaran":
                hasil.append({"label": label, "nilai": str(tahun)})
    if isinstance(blok, Mapping):
        # Extra identity fields the template does not know: keep them, in order.
        for kunci, nilai in blok.items():
            if kunci not in dipakai and nilai not in (None, ""):
                hasil.append({"label": str(kunci).replace("_", " ").title(), "nilai": _teks(nilai)})
    return hasil


def _penandatangan(nilai: Any) -> dict[str, Any]:
    if not isinstance(nilai, Mapping):
        return {}
    jabatan = nilai.get("jabatan") or []
    if isinstance(jabatan, str):
        jabatan = [b.strip() for b in jabatan.splitlines() if b.strip()]
    hasil: dict[str, Any] = {"jabatan": [_teks(b) for b in jabatan]}
    if nilai.get("nama"):
        hasil["nama"] = _teks(nilai["nama"])
    if nilai.get("nip") not in (None, ""):
        # NIPs are 18-digit identifiers, never numbers (YAML may have parsed one).
        hasil["nip"] = _teks(nilai["nip"])
    return hasil


_LABEL_JEJAK = {
    "periode": "Periode",
    "per_tanggal": "Data per tanggal",
    "difinalkan_pada": "Difinalkan",
}
# Provenance entries that are for metrics.json, not for the reader of the report.
# ``renderer`` is added by crmlib.render.renderer at render time; ``periode`` is on the cover;
# the version and commit make the one "Dibuat dengan ..." line (``dibuat-dengan``).
# A build time is never shown (older notebooks' provenance may still carry one).
_JEJAK_DILEWATI = {
    "renderer",
    "periode",
    "parameter",
    "baris",
    "kolom_dibuang",
    "catatan",
    "crmlib_version",
    "git_commit",
    "masukan_kanonik",
    "waktu_build",
    "dibangun",
    "build_time",
}


def _tanggal(nilai: Any) -> str:
    """A signing date: ISO dates become "15 Juli 2022", free text stays as written."""
    from crmlib.report.fmt import format_tanggal

    if isinstance(nilai, date) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(nilai).strip()):
        try:
            return str(format_tanggal(nilai))
        except (TypeError, ValueError):
            pass
    return _teks(nilai)


_WAKTU = ("per_tanggal", "difinalkan_pada")


def _waktu(nilai: Any) -> str:
    """A timestamp as the report writes it: "11 Juli 2022 pukul 08.34 WIB"."""
    from crmlib.report.fmt import format_waktu_wib

    try:
        return str(format_waktu_wib(nilai))
    except (TypeError, ValueError):
        return _teks(nilai)


# The renderer as a reader understands it (laporan.lua has the same words for the
# templates, which only know the ``renderer`` metadata).
RENDERER_TEKS = {"embedded": "pandoc + Typst", "quarto": "Quarto"}


def dibuat_dengan(versi: str, commit: Any = None) -> str:
    """The plain provenance line's subject: "crm-report versi 1.0.0 (commit 0123456789)".

    The templates write it as "Dibuat dengan ..." and add the renderer; the commit is
    shortened to ten characters (enough to find it, short enough to read).
    """
    teks = f"crm-report versi {_teks(versi)}"
    if commit:
        teks += f" (commit {_teks(commit)[:10]})"
    return teks


def _tentang(provenance: Mapping[str, Any]) -> tuple[list[dict[str, str]], str]:
    """Provenance lines for the "Tentang laporan ini" block and its "Dibuat dengan" line."""
    from crmlib import __version__

    prov = dict(provenance or {})
    prov.setdefault("crmlib_version", __version__)
    baris: list[dict[str, str]] = []
    for kunci, nilai in prov.items():
        if nilai in (None, "", [], {}) or kunci in _JEJAK_DILEWATI:
            continue
        if kunci in ("input", "input_sha256", "sha256"):
            if isinstance(nilai, Mapping):
                pasangan = list(nilai.items())
            elif isinstance(nilai, list):
                pasangan = [
                    (i.get("name") or i.get("file") or i.get("nama") or "", i.get("sha256", ""))
                    for i in nilai
                    if isinstance(i, Mapping)
                ]
            else:
                pasangan = [("", nilai)]
            for nama, sha in pasangan:
                label = f"SHA-256 {teks_data(str(nama))}".strip()
                baris.append({"label": label, "nilai": kode(_teks(sha))})
            continue
        label = teks_data(_LABEL_JEJAK.get(kunci, str(kunci).replace("_", " ").capitalize()))
        if kunci in _WAKTU:
            teks = teks_data(_waktu(nilai))
        elif isinstance(nilai, list | tuple):
            teks = teks_data(", ".join(_teks(v) for v in nilai))
        elif isinstance(nilai, Mapping):
            teks = teks_data(", ".join(f"{k}: {_teks(v)}" for k, v in nilai.items()))
        else:
            teks = teks_data(_teks(nilai))
        baris.append({"label": label, "nilai": teks})
    return baris, teks_data(dibuat_dengan(prov["crmlib_version"], prov.get("git_commit")))


def _literal(nilai: Any) -> Any:
    """Every string in ``nilai`` (lists and mappings walked) as literal Markdown text."""
    if isinstance(nilai, Mapping):
        return {k: _literal(v) for k, v in nilai.items()}
    if isinstance(nilai, list):
        return [_literal(v) for v in nilai]
    return teks_data(nilai)


def build_front_matter(
    params: Mapping[str, Any],
    periode: str,
    links: Mapping[str, Any] | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the report's front-matter metadata for one month.

    Parameters
    ----------
    params : mapping
        The run parameters (``params/_default.yaml`` merged with the month's file).
        Read, all optional: ``judul`` (title), ``kota`` (slug of a folder under
        ``crmlib/data/reference/kota/``, whose ``nama_resmi`` becomes the city line;
        ``nama_kota`` overrides it), ``identitas`` (mapping with ``unit_kerja``,
        ``pengguna_anggaran``, ``kuasa_pengguna_anggaran``, ``program``,
        ``kegiatan``, ``dpa_nomor``, ``tahun_anggaran`` — default: the year of the
        period — or a ready list of ``{label, nilai}``), ``kata_pengantar`` (list
        of paragraphs or one string with blank lines; ``{tahun}``, ``{bulan}``,
        ``{periode_label}``, ``{kota}`` are filled in), ``tempat`` (default
        "Jakarta"), ``tanggal_laporan`` (signing date, ``YYYY-MM-DD`` becomes
        "Jakarta, 15 Juli 2022"; without it the line reads "Jakarta, Juli 2022",
        the month after the period), ``penandatangan``
        (``jabatan`` as list or multi-line string, ``nama``, ``nip``), ``kertas``
        (``a4``/``f4``).
    periode : str
        Month of the report, ``YYYY-MM``.
    links : mapping, optional
        Relative links for the HTML header: ``pdf``, ``ipynb``, ``json``, ``xlsx``,
        ``prev``, ``next``, ``index``. Empty values are dropped.
    provenance : mapping, optional
        As built by :func:`crmlib.report.outputs.build_provenance` plus the build's
        additions: ``input`` (``[{name, sha256}]``; ``input_sha256`` as
        ``{file: sha}`` also works), ``per_tanggal``, ``difinalkan_pada`` (a final
        edition's finalize time), ``crmlib_version`` (defaults to the installed one),
        ``git_commit``; other scalar keys are listed under their own name.
        ``renderer`` (set at render time), ``periode``, ``parameter``, ``baris``,
        ``kolom_dibuang`` and ``catatan`` are left to metrics.json.

    Returns
    -------
    dict
        Metadata for :func:`inject_front_matter` (keys listed in the module docstring).

    Raises
    ------
    ParamsError
        If ``periode`` is not ``YYYY-MM`` or ``kertas`` is not ``a4``/``f4``.
    """
    params = params or {}
    tahun, bulan = parse_periode(periode)
    label = _bulan_tahun(tahun, bulan)
    kota = _nama_kota(params)
    kertas = _kertas(params)
    tempat_tanggal = _tempat_tanggal(params, tahun, bulan)
    tentang, dibuat = _tentang(provenance or {})
    judul = _teks(params.get("judul") or JUDUL_BAKU)
    # Metadata values are Markdown to pandoc and Quarto: parameters are literal text,
    # the foreword is narrative (emphasis only; crmlib.report.escape).
    meta: dict[str, Any] = {
        "title": teks_data(judul),
        "subtitle": teks_data(f"{kota} {tahun}"),
        "pagetitle": teks_data(f"{judul} {kota} — {label}"),
        "lang": "id",
        "periode": f"{tahun:04d}-{bulan:02d}",
        "periode-label": label,
        "identitas": _literal(_identitas(params, tahun)),
        "kata-pengantar": _kata_pengantar(params, tahun, bulan, label, kota),
        "tempat-tanggal": teks_data(tempat_tanggal),
        "penandatangan": _literal(_penandatangan(params.get("penandatangan"))),
        "kertas": kertas,
        "tentang": tentang,
        "dibuat-dengan": dibuat,
        "tautan": {k: str(v) for k, v in (links or {}).items() if k in TAUTAN and v},
        "waktu-dokumen": document_time(periode, provenance or {}),
    }
    return meta


def document_time(periode: str, provenance: Mapping[str, Any]) -> str:
    """The date a month's documents carry (PDF dates, workbook dates), ISO: never the clock.

    A final edition's finalize time; otherwise the data's ``per_tanggal``; otherwise
    the first moment after the period. Naive values are Jakarta time.
    """
    for key in ("difinalkan_pada", "per_tanggal"):
        if provenance.get(key):
            return datetime.fromisoformat(str(provenance[key]).replace(" ", "T")).isoformat()
    tahun, bulan = parse_periode(periode)
    return datetime(tahun + bulan // 12, bulan % 12 + 1, 1).isoformat()


def _kata_pengantar(
    params: Mapping[str, Any], tahun: int, bulan: int, label: str, kota: str
) -> list[str]:
    """The foreword's paragraphs, ``{tahun}``, ``{bulan}``, ``{periode_label}``, ``{kota}`` filled in."""
    pola = {
        "tahun": tahun,
        "bulan": _BULAN[bulan - 1],
        "periode_label": label,
        "kota": kota,
    }
    return [
        teks_narasi(_isi_pola(p, pola), satu_paragraf=True)
        for p in _paragraf(params.get("kata_pengantar"))
    ]


def _kertas(params: Mapping[str, Any]) -> str:
    """The paper size, ``a4`` (default) or ``f4``."""
    kertas = _teks(params.get("kertas") or "a4").lower()
    if kertas not in KERTAS:
        raise ParamsError(
            f"Parameter 'kertas' tidak valid: {kertas!r}; yang diharapkan: a4 atau f4."
        )
    return kertas


def _tempat_tanggal(params: Mapping[str, Any], tahun: int, bulan: int) -> str:
    """The signature's place and date: "Jakarta, 15 Juli 2022" or "Jakarta, Juli 2022"."""
    if params.get("tanggal_laporan"):
        tanggal = _tanggal(params["tanggal_laporan"])
    else:
        # The report is signed in the month after the one it covers.
        berikut = (tahun + (bulan == 12), bulan % 12 + 1)
        tanggal = _bulan_tahun(*berikut)
    tempat = _teks(params.get("tempat") or "Jakarta")
    return f"{tempat}, {tanggal}"


def _adalah_front_matter(sumber: str) -> bool:
    return sumber.lstrip().startswith("---")


def _baca_yaml(sumber: str, asal: str) -> dict[str, Any]:
    baris = sumber.strip().splitlines()
    if baris and baris[0].strip() == "---":
        baris = baris[1:]
    if baris and baris[-1].strip() in ("---", "..."):
        baris = baris[:-1]
    try:
        data = load_yaml("\n".join(baris)) or {}
    except yaml.YAMLError as e:
        raise RenderError(
            f"{asal}: front matter (sel pertama) bukan YAML yang valid: {e}"
        ) from None
    if not isinstance(data, dict):
        raise RenderError(f"{asal}: front matter (sel pertama) harus berupa pemetaan YAML.")
    return data


def _sumber(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _gabung(lama: dict[str, Any], baru: Mapping[str, Any]) -> dict[str, Any]:
    hasil = dict(lama)
    for k, v in baru.items():
        if isinstance(v, Mapping) and isinstance(hasil.get(k), dict):
            hasil[k] = _gabung(hasil[k], v)
        else:
            hasil[k] = v
    return hasil


def front_matter_of(notebook: Mapping[str, Any], asal: str = "notebook") -> dict[str, Any]:
    """Return the YAML front matter of a loaded notebook (``{}`` if it has none)."""
    cells = notebook.get("cells") or []
    if cells and cells[0].get("cell_type") == "raw" and _adalah_front_matter(_sumber(cells[0])):
        return _baca_yaml(_sumber(cells[0]), asal)
    return {}


def read_front_matter(ipynb_path: Path | str) -> dict[str, Any]:
    """Return the YAML front matter of the notebook at ``ipynb_path``."""
    path = Path(ipynb_path)
    return front_matter_of(json.loads(path.read_text(encoding="utf-8")), str(path))


def dump_front_matter(meta: Mapping[str, Any]) -> str:
    """Serialise metadata as a ``---``-delimited YAML block."""
    teks = yaml.safe_dump(dict(meta), allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{teks}---\n"


def merge_front_matter(
    notebook: dict[str, Any], meta: Mapping[str, Any], asal: str = "notebook"
) -> None:
    """Merge ``meta`` into the front-matter cell of the loaded ``notebook``, in place.

    The first cell must be a raw cell with YAML front matter; if it is not, a new
    one is inserted at the top. Mappings are merged key by key (``meta`` wins),
    other values are replaced.

    Raises
    ------
    RenderError
        If the notebook's front matter is not valid YAML (``asal`` names the notebook).
    """
    cells = notebook.setdefault("cells", [])
    if cells and cells[0].get("cell_type") == "raw" and _adalah_front_matter(_sumber(cells[0])):
        cell = cells[0]
        lama = _baca_yaml(_sumber(cell), asal)
    else:
        cell = {"cell_type": "raw", "metadata": {}, "source": []}
        if (notebook.get("nbformat"), notebook.get("nbformat_minor", 0)) >= (4, 5):
            cell["id"] = "front-matter"
        cells.insert(0, cell)
        lama = {}
    cell["source"] = dump_front_matter(_gabung(lama, meta)).splitlines(keepends=True)


def inject_front_matter(ipynb_path: Path | str, meta: Mapping[str, Any]) -> None:
    """Merge ``meta`` into the front matter of the notebook file at ``ipynb_path``.

    :func:`merge_front_matter` on the file, rewritten atomically through
    :func:`crmlib.report.ipynb.write_notebook`.

    Parameters
    ----------
    ipynb_path : path
        The executed notebook, normally ``output/<YYYY-MM>/laporan.ipynb``.
    meta : mapping
        Metadata, usually from :func:`build_front_matter`.

    Raises
    ------
    RenderError
        If the notebook cannot be read, its front matter is not valid YAML, or it
        is not a valid nbformat 4 notebook.
    """
    path = Path(ipynb_path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise RenderError(f"Notebook {path} tidak dapat dibaca: {e}") from None
    merge_front_matter(nb, meta, str(path))
    write_notebook(nb, path)


# The front-matter key of a final edition's PDF standard (e.g. ``a-3a``): Quarto (>= 1.9)
# reads it and passes it to Typst, and the embedded renderer reads the same key.
PDF_STANDARD_KEY = "pdf-standard"
DRAFT_FRONT_MATTER = {"draf": True}
