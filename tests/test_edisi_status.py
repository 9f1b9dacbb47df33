"""Issue 24, items 2 and 4: every edition says what it is; lifecycle hints.

Uses the shared finalized and revised projects (:mod:`fixtures_edisi`): 2022-06 final
edition 1 (signed), then edition 2 (revised, unsigned).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fixtures_edisi import ALASAN, copy_of, finalized_project, revised_project, run_cli
from test_build import quarto_on_path  # noqa: F401  (autouse: a failing `quarto` on PATH)

from crmlib.publish.edisi import read_manifest

pytestmark = pytest.mark.e2e


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def text_of(page: Path) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return re.sub(r" ([,.:)])", r"\1", " ".join(soup.get_text(" ").split()))


@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    return revised_project(tmp_path_factory)


@pytest.fixture(scope="module")
def finalized(tmp_path_factory):
    return finalized_project(tmp_path_factory)


WAKTU = r"\d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WIB"


def test_superseded_edition_says_so_beside_its_unchanged_bytes(revised):
    month = revised / "output" / "2022-06"
    old = month / "edisi-1"
    # The stored bytes of edition 1 are untouched: the published copy equals its manifest.
    for name, expected in read_manifest(revised, "2022-06", 1)["berkas"].items():
        assert sha(old / name) == expected, name
    # Edition 1's own cover states what it was when it was made, and links its status page.
    cover = BeautifulSoup((old / "laporan.html").read_text(encoding="utf-8"), "html.parser")
    status_line = cover.find("p", class_="status-edisi").get_text(" ")
    assert re.search(rf"Edisi final 1, difinalkan {WAKTU}\.", status_line)
    assert cover.find("a", class_="tautan-status")["href"] == "status.html"
    # Its status page (also the folder's index.html) says it was replaced, by which, and why.
    for page in ("status.html", "index.html"):
        said = text_of(old / page)
        assert re.search(rf"Edisi 1 — digantikan oleh edisi 2 pada {WAKTU}: ", said), said
        assert ALASAN in said  # plain text, shown as written
    raw = (old / "status.html").read_text(encoding="utf-8")
    assert "Data &lt;b&gt;UKPD&lt;/b&gt; dikoreksi *ulang* #set" in raw and "<b>UKPD" not in raw
    links = [a["href"] for a in BeautifulSoup(raw, "html.parser").find_all("a")]
    assert "../laporan.html" in links and "../laporan.pdf" in links
    # The month's own status page: edition 2 is the one in force; edition 1 replaced.
    said = text_of(month / "status.html")
    assert re.search(rf"Edisi final 2, difinalkan {WAKTU}: edisi yang berlaku", said)
    assert "Edisi 1, difinalkan" in said and "digantikan oleh edisi 2" in said
    # Edition 1's "Arsip laporan" link (../index.html) lands on that status page.
    assert (month / "index.html").read_bytes() == (month / "status.html").read_bytes()


def test_archive_lists_superseded_editions_with_the_reason_in_indonesian_dates(revised):
    index = revised / "output" / "index.html"
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    card = soup.find("ul", class_="edisi-lama").get_text(" ")
    card = " ".join(card.split())
    assert re.search(
        rf"Edisi 1 \(difinalkan {WAKTU}\) — digantikan oleh edisi 2 pada {WAKTU}", card
    )
    assert ALASAN in card and "PDF edisi 1, digantikan" in card
    status = " ".join(soup.find("p", class_="status-edisi").get_text(" ").split())
    assert re.search(rf"Final, edisi 2 \(difinalkan {WAKTU}\)", status), status
    assert not re.search(r"\d{4}-\d{2}-\d{2}", card + status)  # no ISO date left


def test_draft_status_page_says_draf(finalized):
    said = text_of(finalized / "output" / "2022-05" / "status.html")
    assert "DRAF — laporan ini belum difinalkan" in said
    said = text_of(finalized / "output" / "2022-06" / "status.html")
    assert re.search(rf"Edisi final 1, difinalkan {WAKTU}: edisi yang berlaku", said)
    # "Tentang Laporan Ini" gives the finalize time in Indonesian prose.
    html = (finalized / "output" / "2022-06" / "laporan.html").read_text(encoding="utf-8")
    assert re.search(
        rf"Difinalkan: {WAKTU}", " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    )


# ------------------------------------------------------------------ item 4: lifecycle hints


def test_status_hints_revise_once_a_final_months_inputs_change(finalized, tmp_path):
    root = copy_of(finalized, tmp_path / "proj")
    rc, out, err = run_cli(["status", "--renderer", "embedded"], root)
    assert rc == 0, err
    line = next(x for x in out.splitlines() if x.startswith("2022-06"))
    assert "final, edisi 1" in line and "gunakan revise" not in line
    params = root / "params" / "2022-06.yaml"
    # The month's note corrected (its own lines replaced: a key is written once).
    text = params.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^catatan:.*\n(?:  .*\n)*", 'catatan: "Baru."\n', text)
    assert n == 1
    params.write_text(text, encoding="utf-8")
    rc, out, err = run_cli(["status", "--renderer", "embedded"], root)
    line = next(x for x in out.splitlines() if x.startswith("2022-06"))
    assert "final, tetapi masukan berubah: gunakan revise (params berubah: catatan)" in line
    assert 'crm-report revise 2022-06 --alasan "..."' in line
    # The draft month gets no such hint.
    assert "gunakan revise" not in next(x for x in out.splitlines() if x.startswith("2022-05"))


def test_revise_with_identical_inputs_warns_and_needs_paksa(finalized, tmp_path):
    root = copy_of(finalized, tmp_path / "proj")
    args = ["revise", "2022-06", "--alasan", "Tanpa perubahan", "--renderer", "embedded"]
    rc, out, err = run_cli([*args, "--izinkan-perubahan"], root)
    assert rc == 2, out + err
    assert "sama dengan edisi 1" in err and "--paksa" in err
    assert not (root / "terbitan" / "2022-06" / "edisi-2").exists()
