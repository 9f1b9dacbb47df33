"""The archive renders its unit and kecamatan pages again only when what they show changed.

Three sample months' ``metrics.json`` (tests/fixtures_archive.py) in an output folder,
the project's record in a cache folder beside it. Each test regenerates the archive,
changes one thing, regenerates it again, and counts the unit pages rendered.
"""

from __future__ import annotations

import json

import pytest
from fixtures_archive import sample_output

import crmlib.publish.archive as archive
from crmlib.publish.archive import build_archive
from crmlib.publish.arsip_sidik import SidikArsip
from crmlib.publish.hashcache import HashCache

KOTA = "Kota Administrasi Jakarta Timur"
RAWAMANGUN = "ukpd/kelurahan-rawamangun.html"


@pytest.fixture
def three_months(tmp_path):
    return sample_output(tmp_path / "output", ["2022-04", "2022-05", "2022-06"])


@pytest.fixture
def rendered(monkeypatch):
    """Names of the unit pages rendered, in order."""
    seen: list[str] = []
    real = archive.render_unit_page

    def counting(u, *args, **kwargs):
        seen.append(u["slug"])
        return real(u, *args, **kwargs)

    monkeypatch.setattr(archive, "render_unit_page", counting)
    return seen


def _regenerate(out, kota=KOTA, lock="kunci-1"):
    # A cache of its own each time: what a new process of `crm-report archive` has.
    sidik = SidikArsip(out.parent / "cache", HashCache(None), lock)
    return build_archive(out, kota, sidik_arsip=sidik)


def test_nothing_changed_renders_no_unit_page(three_months, rendered):
    _regenerate(three_months)
    assert len(rendered) == 76
    page = (three_months / RAWAMANGUN).read_bytes()
    rendered.clear()
    result = _regenerate(three_months)
    assert rendered == []
    assert result["ukpd"] == 76 and (three_months / RAWAMANGUN).read_bytes() == page
    assert (three_months / "index.html").is_file()


def test_a_changed_month_shows_on_the_unit_page(three_months, rendered):
    _regenerate(three_months)
    path = three_months / "2022-06" / "metrics.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = next(e for e in data["per_ukpd"] if e["ukpd"] == "KELURAHAN RAWAMANGUN")
    entry["total"] = 4321
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rendered.clear()
    _regenerate(three_months)
    assert len(rendered) == 76
    assert "4.321" in (three_months / RAWAMANGUN).read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["edited", "removed", "added"])
def test_a_page_touched_by_hand_is_made_again(three_months, rendered, change):
    _regenerate(three_months)
    page = three_months / RAWAMANGUN
    original = page.read_bytes()
    stray = three_months / "ukpd" / "palsu.html"
    if change == "edited":
        page.write_text("<p>Jumlah 999</p>", encoding="utf-8")
    elif change == "removed":
        page.unlink()
    else:
        stray.write_text("<p>palsu</p>", encoding="utf-8")
    rendered.clear()
    _regenerate(three_months)
    assert len(rendered) == 76
    assert page.read_bytes() == original
    assert not stray.exists()


@pytest.mark.parametrize("setting", ["kota", "lock"])
def test_city_name_and_locked_packages_are_part_of_the_pages(three_months, rendered, setting):
    _regenerate(three_months)
    rendered.clear()
    if setting == "kota":
        _regenerate(three_months, kota="Kota Administrasi Jakarta Barat")
        assert "Jakarta Barat" in (three_months / RAWAMANGUN).read_text(encoding="utf-8")
    else:
        _regenerate(three_months, lock="kunci-2")
    assert len(rendered) == 76


def test_without_a_record_every_page_is_rendered(three_months, rendered):
    build_archive(three_months, KOTA)
    build_archive(three_months, KOTA)
    assert len(rendered) == 2 * 76


def test_a_new_month_and_a_removed_one_change_every_page(three_months, rendered):
    _regenerate(three_months)
    sample_output(three_months, ["2022-07"])
    rendered.clear()
    _regenerate(three_months)
    assert len(rendered) == 76
    assert "Juli 2022" in (three_months / RAWAMANGUN).read_text(encoding="utf-8")
    for f in (three_months / "2022-07").iterdir():
        f.unlink()
    (three_months / "2022-07").rmdir()
    rendered.clear()
    _regenerate(three_months)
    assert len(rendered) == 76
    assert "Juli 2022" not in (three_months / RAWAMANGUN).read_text(encoding="utf-8")
