"""Values as literal text in the report's Markdown: data is never markup.

Every string that reaches the report's pandoc Markdown from outside the
templates goes through this module: values from the CRM export and from
reference data (categories, descriptions, report numbers, unit and channel
names, file names) through :func:`teks_data`, and the analysts' narrative
parameters (``kendala``, ``saran``, ``catatan``, ``kata_pengantar``) through
:func:`teks_narasi`. Pandoc then writes them, escaped for its output, into HTML
and Typst; because the Markdown holds no raw HTML, raw Typst, link, image or math
coming from a value, neither output can run script, read a file or fetch a URL
because of one.

How it works: in pandoc's Markdown (and in CommonMark, which Jupyter uses to
show the notebook) a backslash before any ASCII punctuation character makes that
character literal. :func:`teks_data` backslash-escapes every ASCII punctuation
character that can start or end markup; a few that never do inside a line
(``, . ; ? % ( ) /``, ``:`` between digits as in "16:15", ``-`` inside a word
as in "370/P-DPA/2022") are left as they are so numbers, dates and sentences
stay readable in the notebook and the front matter.
Newlines become spaces (a value is one line: no headings, lists, fences or YAML
blocks) and control characters are removed.

Narrative parameters may use Markdown emphasis (``*miring*``, ``**tebal**``,
``_miring_``) and lists (lines starting with ``-``, ``*``, ``+``, ``1.`` or
``1)``); everything else is escaped like data (docs/parameter-narasi.md).

This is presentation code: :mod:`crmlib.metrics` never imports it.
"""

from __future__ import annotations

import re
import string
import unicodedata

__all__ = [
    "Markup",
    "atribut",
    "seperti_rumus",
    "bersihkan_kontrol",
    "kode",
    "teks_data",
    "teks_narasi",
]

# Characters that never start or end markup inside a line, left readable.
_AMAN = set(",.;?%()/")
# Never markup between two such characters: a time ("16:15"), a compound word or
# number ("Rahmat-Nya", "370/P-DPA/2022").
_ANTARA = {":": str.isdigit, "-": str.isalnum}
_TANDA = "".join(c for c in string.punctuation if c not in _AMAN)
_POLA_TANDA = re.compile("[" + re.escape(_TANDA) + "]")
_POLA_TANDA_NARASI = re.compile("[" + re.escape(_TANDA.replace("*", "").replace("_", "")) + "]")
# Line and paragraph separators read as line breaks by some tools.
_PEMISAH_BARIS = {"\u2028", "\u2029", "\x85"}
# A list item marker at the start of a narrative line: "- ", "* ", "+ ", "1. ", "1) ".
_PENANDA_DAFTAR = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])(\s+)")


class Markup(str):
    """A string that is already Markdown written by the templates (not escaped again)."""

    __slots__ = ()


def bersihkan_kontrol(teks: str, baris_baru: str = " ") -> str:
    """Remove control characters; line breaks and tabs become ``baris_baru``/a space.

    Parameters
    ----------
    teks : str
        Any text.
    baris_baru : str, default " "
        What a line break (``\\n``, ``\\r\\n``, ``\\r``, U+2028, ...) becomes.
    """
    teks = teks.replace("\r\n", "\n").replace("\r", "\n")
    hasil = []
    for c in teks:
        if c == "\n" or c in _PEMISAH_BARIS:
            hasil.append(baris_baru)
        elif c == "\t":
            hasil.append(" ")
        elif unicodedata.category(c) == "Cc":
            continue
        else:
            hasil.append(c)
    return "".join(hasil)


def _escape(teks: str, pola: re.Pattern[str]) -> str:
    def ganti(m: re.Match[str]) -> str:
        c, i = m.group(0), m.start()
        cocok = _ANTARA.get(c)
        if cocok and 0 < i < len(teks) - 1 and cocok(teks[i - 1]) and cocok(teks[i + 1]):
            return c
        return "\\" + c

    return pola.sub(ganti, teks)


def teks_data(nilai: object) -> str:
    """A value as literal Markdown text on one line.

    ``None`` and NaN-like values that are not strings are written with ``str``;
    callers decide what an empty value shows. A :class:`Markup` value is
    returned unchanged (it is the templates' own Markdown).

    Examples
    --------
    >>> teks_data("<img src=x onerror=alert(1)>")
    '\\\\<img src\\\\=x onerror\\\\=alert(1)\\\\>'
    >>> teks_data("10,63")
    '10,63'
    """
    if isinstance(nilai, Markup):
        return str(nilai)
    teks = "" if nilai is None else str(nilai)
    return _escape(bersihkan_kontrol(teks), _POLA_TANDA)


def _baris_narasi(baris: str) -> str:
    m = _PENANDA_DAFTAR.match(baris)
    if m:
        awal, isi = m.group(0), baris[m.end() :]
        return awal + _escape(isi, _POLA_TANDA_NARASI)
    return _escape(baris, _POLA_TANDA_NARASI)


def teks_narasi(nilai: object, satu_paragraf: bool = False) -> str:
    """An analyst's narrative text as Markdown: emphasis and lists kept, all else literal.

    Parameters
    ----------
    nilai : object
        The parameter's text (``str()`` of anything else).
    satu_paragraf : bool, default False
        Join all lines into one paragraph (an item of a list parameter such as
        ``kendala``, where a line break would end the item).

    Returns
    -------
    str
        Markdown in which only ``*``/``_`` emphasis and list markers at the start
        of a line are markup.
    """
    teks = bersihkan_kontrol("" if nilai is None else str(nilai), baris_baru="\n")
    if satu_paragraf:
        return _escape(" ".join(teks.split()), _POLA_TANDA_NARASI)
    return "\n".join(_baris_narasi(b.rstrip()) for b in teks.strip("\n").split("\n"))


def kode(nilai: object) -> str:
    """A value as an inline code span (monospace, literal), e.g. a file name or hash."""
    teks = " ".join(bersihkan_kontrol("" if nilai is None else str(nilai)).split())
    pagar = "`" * (max((len(r) for r in re.findall(r"`+", teks)), default=0) + 1)
    isi = f" {teks} " if teks.startswith("`") or teks.endswith("`") else teks
    return f"{pagar}{isi}{pagar}"


_POLA_SEMUA_TANDA = re.compile("[" + re.escape(string.punctuation) + "]")


def atribut(nilai: object) -> str:
    """A value for a quoted Markdown attribute (e.g. ``fig-alt="..."``), read back literally.

    Pandoc undoes backslash escapes inside attribute values, so every ASCII
    punctuation character is escaped: the value cannot close the quotes, and
    nothing that scans the Markdown (such as the renderer's image check) mistakes
    a value like ``![](http://...)`` for markup.
    """
    teks = " ".join(bersihkan_kontrol("" if nilai is None else str(nilai)).split())
    return _POLA_SEMUA_TANDA.sub(lambda m: "\\" + m.group(0), teks)


# A cell starting with one of these is a formula when typed into a spreadsheet.
_AWAL_RUMUS = ("=", "+", "-", "@", "\t", "\r", "\n")


def seperti_rumus(nilai: object) -> bool:
    """Whether a text would be read as a formula by a spreadsheet (xlsx cell, CSV field)."""
    return isinstance(nilai, str) and nilai.startswith(_AWAL_RUMUS)
