"""The report's wording as templates in the notebook's Markdown cells, filled by crmlib.

Analysts write every sentence that carries a number in a Markdown cell of
``notebooks/laporan_bulanan.ipynb``, with named placeholders (Jinja2)::

    Jumlah pengaduan bulan {{ bulan }} sebanyak **{{ total_laporan }}** pengaduan.
    {% if n.perubahan_total %}Dibandingkan bulan {{ bulan_lalu }}, ...{% endif %}

crmlib decides what there is to say and computes the values (:func:`nilai`):

- a top-level name (``total_laporan``) is the value formatted in Indonesian
  (:mod:`crmlib.report.fmt`) and already literal Markdown text (values from the export
  go through :func:`crmlib.report.escape.teks_data`, the analysts' kendala and saran
  through :func:`crmlib.report.escape.teks_narasi`); lists (names of units, kendala)
  are joined "A, B dan C" when written as they are;
- ``n.<name>`` is the raw value of the same name (a number, ``None``, a list),
  for conditions: ``{% if n.total_laporan == 0 %}``. Written into the text it is
  escaped like data.

The notebook's setup cell ends with :func:`simpan_nilai`, whose (hidden) output
carries the values into the executed notebook; :func:`isi_notebook` then fills
every Markdown cell of the executed notebook (the source notebook keeps its
placeholders), so Quarto and the embedded renderer read the finished text.
Templates run in Jinja2's sandbox with ``StrictUndefined``: an unknown name
fails the build with a message naming the cell, the name and the closest known
names. Comments use ``{## ... ##}`` because ``{#...}`` is pandoc's attribute
syntax (``# BAB I {#bab-1}``).
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.errors import NarasiError
from crmlib.metrics import persen
from crmlib.report import fmt
from crmlib.report.escape import Markup, teks_data, teks_narasi
from crmlib.report.ipynb import write_notebook

MIME = "application/vnd.crm-report.narasi+json"
META_KEY = "crm_report"
_HURUF = "abcdefghijklmnopqrstuvwxyz"

__all__ = ["NarasiError", "daftar_nilai", "isi_notebook", "isi_teks", "nilai", "simpan_nilai"]


# --------------------------------------------------------------------------- values


def _gabung(items: Iterable[object], tebal: bool = False) -> str:
    """'A', 'A dan B', 'A, B dan C' (items already literal Markdown)."""
    names = [f"**{i}**" if tebal else str(i) for i in items]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " dan " + names[-1]


def _fmt_persen(x: float | None) -> str:
    return fmt.format_persen(x, 2) if x is not None else ""


def _umum(lap) -> dict[str, tuple[Any, str]]:
    ref = lap.reference
    n_kel = int((ref.ukpd["tingkat"] == "kelurahan").sum())
    n_kec = int((ref.ukpd["tingkat"] == "kecamatan").sum())
    nama_kota = ref.kota.get("nama_resmi", "")
    capaian = lap.m["capaian_persen"]
    p = lap.metrics.params
    return {
        "bulan": (lap.periode, lap.bulan),
        "bulan_kapital": (lap.periode, fmt.nama_bulan(int(lap.periode[5:])).upper()),
        "tahun": (int(lap.periode[:4]), lap.periode[:4]),
        "kota": (nama_kota, lap.kota),
        "kota_kapital": (nama_kota, teks_data(nama_kota.upper())),
        "total_laporan": (lap.total, fmt.format_angka(lap.total)),
        "capaian": (capaian, _fmt_persen(capaian)),
        "jumlah_kanal": (len(ref.kanal), fmt.format_angka(len(ref.kanal))),
        "jumlah_kecamatan": (n_kec, fmt.format_angka(n_kec)),
        "jumlah_kecamatan_terbilang": (n_kec, fmt.format_jumlah_terbilang(n_kec)),
        "jumlah_kelurahan": (n_kel, fmt.format_angka(n_kel)),
        "batas_respon_jam": (p.batas_respon_jam, fmt.format_angka(p.batas_respon_jam)),
        "langkah_jam": (p.langkah_jam, fmt.format_angka(p.langkah_jam)),
        "penalti_per_langkah": (p.penalti_per_langkah, fmt.format_angka(p.penalti_per_langkah)),
    }


def _respon(lap) -> dict[str, tuple[Any, str]]:
    r, total = lap.m["respon"], lap.total
    tepat, telat = persen(r["tepat_waktu"], total), persen(r["terlambat"], total)
    return {
        "respon_tepat_waktu": (r["tepat_waktu"], fmt.format_angka(r["tepat_waktu"])),
        "persen_tepat_waktu": (tepat, _fmt_persen(tepat)),
        "respon_terlambat": (r["terlambat"], fmt.format_angka(r["terlambat"])),
        "persen_terlambat": (telat, _fmt_persen(telat)),
    }


def _teratas(lap) -> dict[str, tuple[Any, str]]:
    m, total, p = lap.m, lap.total, lap.metrics.params
    out: dict[str, tuple[Any, str]] = {
        "top_n": (p.top_n, fmt.format_angka(p.top_n)),
        "top_n_terbilang": (p.top_n, fmt.format_jumlah_terbilang(p.top_n)),
        "jumlah_top_ukpd": (len(m["top_ukpd"]), fmt.format_angka(len(m["top_ukpd"]))),
        "jumlah_top_kategori": (len(m["top_kategori"]), fmt.format_angka(len(m["top_kategori"]))),
    }
    for key, nama, fungsi in (
        ("ukpd", "top_ukpd", fmt.format_ukpd),
        ("kategori", "top_kategori", str),
    ):
        top = [e for e in m[nama] if e["peringkat"] == 1]
        names = [fungsi(e[key]) for e in top]
        jumlah = top[0]["jumlah"] if top else None
        bagian = persen(jumlah, total) if top else None
        out[f"{key}_tertinggi"] = (names, [teks_data(x) for x in names])
        out[f"jumlah_{key}_tertinggi"] = (jumlah, fmt.format_angka(jumlah) if top else "")
        out[f"persen_{key}_tertinggi"] = (bagian, _fmt_persen(bagian))
    return out


def _peringkat(lap) -> dict[str, tuple[Any, str]]:
    m, p = lap.m, lap.metrics.params
    out: dict[str, tuple[Any, str]] = {
        "peringkat_n": (p.peringkat_n, fmt.format_angka(p.peringkat_n)),
        "peringkat_n_terbilang": (
            p.peringkat_n,
            fmt.format_jumlah_terbilang(p.peringkat_n, kapital=True),
        ),
    }
    for key in (
        "koordinasi_tercepat",
        "koordinasi_terlama",
        "penyelesaian_tercepat",
        "penyelesaian_terlama",
    ):
        out[f"jumlah_{key}"] = (len(m[key]), fmt.format_angka(len(m[key])))
    return out


def _tindak_lanjut(lap) -> dict[str, tuple[Any, str]]:
    m, ambang = lap.m, lap.metrics.params.ambang_ditolak
    ditolak = m["tl_ditolak"]
    units = [fmt.format_ukpd(u) for u in dict.fromkeys(e["ukpd"] for e in ditolak)]
    rendah = m["nilai_tl_dibawah_100"]
    n_unit_rendah = len({e["ukpd"] for e in rendah})
    return {
        "ambang_ditolak": (ambang, fmt.format_angka(ambang)),
        "ambang_ditolak_terbilang": (ambang, fmt.format_jumlah_terbilang(ambang)),
        "jumlah_tl_ditolak": (len(ditolak), fmt.format_angka(len(ditolak))),
        "jumlah_tl_ditolak_terbilang": (len(ditolak), fmt.format_jumlah_terbilang(len(ditolak))),
        "ukpd_tl_ditolak": (units, [teks_data(u) for u in units]),
        "jumlah_nilai_dibawah_100": (len(rendah), fmt.format_angka(len(rendah))),
        "jumlah_nilai_dibawah_100_terbilang": (
            len(rendah),
            fmt.format_jumlah_terbilang(len(rendah)),
        ),
        "jumlah_ukpd_nilai_dibawah_100_terbilang": (
            n_unit_rendah,
            fmt.format_jumlah_terbilang(n_unit_rendah),
        ),
    }


def _perbandingan(lap) -> dict[str, tuple[Any, str]]:
    prev_periode = (pd.Period(lap.periode, "M") - 1).strftime("%Y-%m")
    riwayat = lap.riwayat
    prev = riwayat.loc[riwayat["periode"] == prev_periode] if len(riwayat) else riwayat
    out: dict[str, tuple[Any, str]] = {
        "bulan_lalu": (prev_periode, fmt.format_bulan_tahun(prev_periode)),
        "total_bulan_lalu": (None, ""),
        "perubahan_total": (None, ""),
        "perubahan_capaian": (None, ""),
        "perubahan_tepat_waktu": (None, ""),
    }
    if prev.empty:
        return out
    p = prev.iloc[0]
    total_now = lap.total
    tepat_now = persen(lap.m["respon"]["tepat_waktu"], total_now)

    def singkat(teks: str) -> str:
        # The sentence names the month once; the per-figure phrases need not repeat it.
        return teks.replace(" dibanding bulan lalu", "").replace("sama dengan bulan lalu", "tetap")

    before = int(p["total_laporan"])
    out["total_bulan_lalu"] = (before, fmt.format_angka(before))
    d = total_now - before
    out["perubahan_total"] = (d, singkat(fmt.format_perubahan(total_now, before)))
    capaian = lap.m["capaian_persen"]
    if capaian is not None and pd.notna(p["capaian_persen"]):
        d = capaian - float(p["capaian_persen"])
        teks = fmt.format_perubahan_poin(capaian, p["capaian_persen"])
        out["perubahan_capaian"] = (d, singkat(teks))
    if tepat_now is not None and pd.notna(p["persen_tepat_waktu"]):
        d = tepat_now - float(p["persen_tepat_waktu"])
        teks = fmt.format_perubahan_poin(tepat_now, p["persen_tepat_waktu"])
        out["perubahan_tepat_waktu"] = (d, singkat(teks))
    return out


def _narasi_params(lap) -> dict[str, tuple[Any, Any]]:
    kendala = [str(k) for k in lap.narasi.get("kendala") or []]
    saran = [str(s) for s in lap.narasi.get("saran") or []]
    return {
        "kendala": (kendala, [teks_narasi(k, satu_paragraf=True) for k in kendala]),
        "saran": (saran, [teks_narasi(s, satu_paragraf=True) for s in saran]),
    }


def nilai(lap) -> dict[str, Any]:
    """Every name a Markdown cell may use, with this month's value.

    Parameters
    ----------
    lap : crmlib.report.laporan.Laporan
        The month (:func:`crmlib.report.laporan.siapkan_laporan`).

    Returns
    -------
    dict
        Formatted, Markdown-literal values by name (str, or list of str), plus
        ``"n"``: the raw values by the same names (JSON types).
    """
    pasangan: dict[str, tuple[Any, Any]] = {}
    for bagian in (_umum, _respon, _teratas, _peringkat, _tindak_lanjut, _perbandingan):
        pasangan.update(bagian(lap))
    pasangan.update(_narasi_params(lap))
    out: dict[str, Any] = {k: v[1] for k, v in pasangan.items()}
    out["n"] = json.loads(json.dumps({k: v[0] for k, v in pasangan.items()}, default=float))
    return out


# --------------------------------------------------------------------------- notebook side


class _NilaiNarasi:
    """The values as a (hidden) notebook output: JSON for crmlib, a short note for people."""

    def __init__(self, data: dict[str, Any], bulan: str):
        self.data, self.bulan = data, bulan

    def _repr_mimebundle_(self, include=None, exclude=None):
        note = (
            f"Nilai narasi {self.bulan}: {len(self.data) - 1} nama "
            "(daftar lengkap: narasi.daftar_nilai(lap) atau crm-report nilai YYYY-MM)."
        )
        return {MIME: self.data, "text/plain": note}


def simpan_nilai(lap) -> _NilaiNarasi:
    """The last line of the notebook's setup cell: hands the month's values to the build."""
    return _NilaiNarasi(nilai(lap), lap.bulan)


def _tampil(v: Any) -> str:
    if isinstance(v, list):
        return _gabung(v)
    return "" if v is None else str(v)


def baris_nilai(values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(name, value as it reads in the text, raw value) for every name, sorted."""
    raw = values.get("n", {})
    return [
        (k, _tampil(values[k]), json.dumps(raw.get(k), ensure_ascii=False))
        for k in sorted(k for k in values if k != "n")
    ]


def teks_daftar_nilai(lap) -> str:
    """Every name with this month's value as plain text columns (``crm-report nilai``)."""
    rows = baris_nilai(nilai(lap))
    w = max(len(k) for k, _, _ in rows)
    head = [
        f"Nilai untuk sel Markdown notebook, {lap.bulan}: tulis {{{{ nama }}}} dalam teks, "
        "n.nama (angka mentah) dalam {% if %}.",
        "",
        f"{'nama'.ljust(w)}  dalam teks  |  n.nama",
    ]
    return "\n".join(head + [f"{k.ljust(w)}  {t}  |  {m}" for k, t, m in rows])


def daftar_nilai(lap, as_text: bool = False):
    """A table of every name with this month's value, for a notebook cell."""
    lines = ["| nama | dalam teks | `n.` (angka mentah) |", "|:---|:---|:---|"]
    for k, teks, mentah in baris_nilai(nilai(lap)):
        # Formatted values are literal Markdown already (a '|' in them is escaped).
        lines.append(f"| `{k}` | {teks} | {teks_data(mentah)} |")
    text = "\n".join(lines) + "\n"
    if as_text:
        return text
    from IPython.display import Markdown

    return Markdown(text)


# --------------------------------------------------------------------------- filling


def _finalize(v: Any) -> str:
    # Everything crmlib formatted is Markup; anything else (a raw n.* value) is data.
    if isinstance(v, Markup):
        return str(v)
    if isinstance(v, list):
        return _gabung(_finalize(x) for x in v)
    if isinstance(v, float):
        v = fmt.format_angka(v, 2)
    return teks_data(v)


@functools.cache
def _environment():
    # One environment per process: building it and its template cache costs more than filling.
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=False,  # the output is Markdown: values arrive escaped for it (teks_data)
        comment_start_string="{##",
        comment_end_string="##}",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["gabung"] = lambda v, tebal=False: Markup(
        _gabung((_finalize(x) for x in v), tebal=tebal)
    )
    env.filters["huruf"] = lambda i: Markup(_HURUF[(int(i) - 1) % len(_HURUF)])
    return env


@functools.lru_cache(maxsize=256)
def _template(sumber: str):
    # Compiled once per distinct cell text: the preview re-fills the same cells on every save.
    return _environment().from_string(sumber)


def _as_markup(v: Any) -> Any:
    if isinstance(v, str):
        return Markup(v)
    if isinstance(v, list):
        return [_as_markup(x) for x in v]
    return v


def konteks(values: Mapping[str, Any]) -> dict[str, Any]:
    """The template context: formatted values as Markup, raw values under ``n``."""
    ctx = {k: _as_markup(v) for k, v in values.items() if k != "n"}
    ctx["n"] = dict(values.get("n", {}))
    return ctx


# A line that is only template logic or a comment: not what the analyst recognises a cell by.
_TAG_SAJA = re.compile(r"^\s*(\{%.*?%\}|\{##.*?##\}|\s)*$")
_JUDUL = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*(\{#[^}]*\})?\s*$")


def _potong(teks: str, panjang: int = 70) -> str:
    teks = " ".join(teks.split())
    return teks if len(teks) <= panjang else teks[: panjang - 1].rstrip() + " …"


def _baris_teks(sumber: str) -> str:
    """The cell's first line of text as JupyterLab shows it (not a Jinja tag, not a heading)."""
    lines = [ln for ln in sumber.splitlines() if ln.strip() and not _TAG_SAJA.match(ln)]
    text = next((ln for ln in lines if not _JUDUL.match(ln)), lines[0] if lines else "")
    return _potong(text)


def judul_terakhir(sumber: str, sebelumnya: str | None) -> str | None:
    """The last Markdown heading in ``sumber`` (without its ``{#id}``), else ``sebelumnya``."""
    for line in reversed(sumber.splitlines()):
        m = _JUDUL.match(line)
        if m:
            return _potong(m.group(1))
    return sebelumnya


def _letak(sumber: str, judul: str | None) -> str:
    """Where a Markdown cell is, in the words of what the analyst sees in JupyterLab."""
    letak = f"sel Markdown yang diawali \u201c{_baris_teks(sumber)}\u201d"
    return letak + (f" (di bawah judul \u201c{judul}\u201d)" if judul else "")


def _nama_hilang(exc: Exception) -> str | None:
    msg = str(exc)
    m = re.search(r"'([^']+)' is undefined", msg) or re.search(r"has no attribute '([^']+)'", msg)
    return m.group(1) if m else None


def _pesan(exc: Exception, sumber: str, judul: str | None, values: Mapping[str, Any]) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError

    sel = _letak(sumber, judul)
    bulan = (values.get("n") or {}).get("bulan") or "YYYY-MM"
    if isinstance(exc, UndefinedError):
        nama = _nama_hilang(exc)
        if nama is None:
            return f"{sel}: nama tidak dikenal ({exc})."
        pool = [k for k in values if k != "n"] + [f"n.{k}" for k in values.get("n", {})]
        mirip = difflib.get_close_matches(nama, pool, n=3, cutoff=0.6)
        if not mirip:
            mirip = difflib.get_close_matches(f"n.{nama}", pool, n=3, cutoff=0.6)
        saran = f" Mungkin maksudnya: {', '.join(mirip)}." if mirip else ""
        return (
            f"{sel}: nama '{nama}' tidak dikenal.{saran} "
            f"Daftar semua nama dan nilainya: crm-report nilai {bulan}."
        )
    if isinstance(exc, TemplateSyntaxError):
        return (
            f"{sel}, baris {exc.lineno} di sel itu: penulisan isian salah ({exc.message}); "
            "periksa pasangan {{ }} dan {% %}."
        )
    return f"{sel}: isian tidak dapat diisi: {type(exc).__name__}: {exc}."


def isi_teks(sumber: str, values: Mapping[str, Any], judul: str | None = None) -> str:
    """Fill one Markdown cell's template with the month's values.

    ``judul`` is the heading the cell sits under, for the error message.

    Raises
    ------
    NarasiError
        Unknown name (with the closest known names) or broken template syntax.
    """
    if "{{" not in sumber and "{%" not in sumber:
        return sumber
    try:
        return _template(sumber).render(konteks(values))
    except Exception as exc:
        from jinja2 import TemplateError

        if not isinstance(exc, TemplateError | TypeError | ValueError | AttributeError):
            raise
        raise NarasiError(_pesan(exc, sumber, judul, values)) from None


def nilai_dari_notebook(nb: Mapping[str, Any]) -> dict[str, Any] | None:
    """The values :func:`simpan_nilai` left in an executed notebook (None if absent)."""
    for cell in nb.get("cells") or []:
        for out in cell.get("outputs") or []:
            data = (out.get("data") or {}).get(MIME)
            if data is not None:
                return json.loads(data) if isinstance(data, str) else dict(data)
    return None


def isi_sel(nb: dict[str, Any], values: Mapping[str, Any]) -> None:
    """Fill every Markdown cell of the notebook JSON ``nb`` in place."""
    judul = None  # the heading the next cell sits under, as written (placeholders and all)
    for cell in nb.get("cells") or []:
        if cell.get("cell_type") != "markdown":
            continue
        src = cell.get("source") or ""
        src = "".join(src) if isinstance(src, list) else src
        # A cell that starts with its own heading sits under that heading.
        first = next((ln for ln in src.splitlines() if ln.strip()), "")
        cell["source"] = isi_teks(src, values, judul_terakhir(first, judul))
        judul = judul_terakhir(src, judul)


def isi_notebook(path: Path | str) -> bool:
    """Fill the Markdown templates of an executed notebook in place (once).

    Returns
    -------
    bool
        False when the notebook carries no values (not made by the report
        notebook) or was filled already.

    Raises
    ------
    NarasiError
        A template names an unknown value or is broken.
    """
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    meta = nb.setdefault("metadata", {}).setdefault(META_KEY, {})
    if meta.get("narasi_terisi"):
        return False
    values = nilai_dari_notebook(nb)
    if values is None:
        return False
    isi_sel(nb, values)
    meta["narasi_terisi"] = True
    write_notebook(nb, path)  # as nbformat stores it: Quarto needs sources as lists of lines
    return True
