"""The month the build hands to the notebook's kernel comes back exactly as it was computed.

``crm-report build`` reads and computes a month, then leaves it in the month's temp
folder (``crmlib.report.handoff``); the notebook's ``siapkan_laporan`` takes it instead
of reading and computing again, but only when its own arguments name exactly that
month. The end-to-end check that a kernel takes it (and shows what it was handed) is
in ``tests/test_gambar_lebih_dulu.py``; the built months of ``tests/test_build.py``
log that their kernel took it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from conftest import ROOT, write_month

from crmlib.data.params import load_params, resolve_data_path
from crmlib.data.reader import read_month
from crmlib.data.refdata import load_reference
from crmlib.project import Project
from crmlib.report import laporan as report_laporan
from crmlib.report.handoff import (
    HANDOFF_DIR,
    TAKEN_FILE,
    handoff_key,
    handoff_taken,
    read_handoff,
    write_handoff,
)
from crmlib.report.laporan import compute_month, siapkan_laporan


def _computed(periode: str):
    """A sample month as the build has it: params, data path, month and metrics."""
    params = load_params(Project(ROOT).params_dir, periode)
    data = resolve_data_path(params, ROOT)
    ref = load_reference()
    month = read_month(data, periode, reference=ref)
    metrics = compute_month(
        month, ref, metrik=params.get("metrik"), per_tanggal=params.get("per_tanggal")
    )
    return params, data, month, metrics


def _key(params: dict, data) -> dict:
    return handoff_key(
        params["periode"],
        data,
        params.get("per_tanggal"),
        params.get("kota"),
        params.get("metrik"),
        params.get("izinkan_kosong"),
    )


def _assert_same(a, b) -> None:
    """Same dataclass values: tables equal value for value with the same dtypes and index."""
    assert type(a) is type(b)
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True)
            assert list(x.dtypes) == list(y.dtypes), f.name
            assert type(x.index) is type(y.index), f.name
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, check_exact=True)
            assert type(x.index) is type(y.index) and x.name == y.name, f.name
        else:
            assert type(x) is type(y) and x == y, (f.name, x, y)


@pytest.fixture(scope="module", params=["2022-05", "2022-06"])
def sample(request):
    """An xlsx month (May) and the seed CSV month (June), read and computed once."""
    return _computed(request.param)


def test_a_handed_month_comes_back_exactly(sample, tmp_path):
    params, data, month, metrics = sample
    key = _key(params, data)
    write_handoff(tmp_path, key, month, metrics)
    assert handoff_taken(tmp_path) is False
    handed = read_handoff(tmp_path, key)
    assert handed is not None
    _assert_same(month, handed[0])
    _assert_same(metrics, handed[1])
    assert handoff_taken(tmp_path) is True


def test_an_empty_month_comes_back_exactly(tmp_path):
    from conftest import LAPORAN_HEADER

    folder = write_month(tmp_path / "kosong", [], [], laporan_columns=LAPORAN_HEADER)
    ref = load_reference()
    month = read_month(folder, "2022-06", reference=ref, izinkan_kosong=True)
    metrics = compute_month(month, ref)
    key = handoff_key("2022-06", folder, izinkan_kosong=True)
    write_handoff(tmp_path, key, month, metrics)
    month_back, metrics_back = read_handoff(tmp_path, key)
    _assert_same(month, month_back)
    _assert_same(metrics, metrics_back)


@pytest.mark.parametrize(
    "other",
    [
        {"periode": "2022-07"},
        {"per_tanggal": "2022-07-12 08:00"},
        {"kota": "jakarta-barat"},
        {"metrik": {"batas_respon_jam": 5}},
        {"izinkan_kosong": True},
    ],
)
def test_only_the_month_of_the_same_arguments_is_taken(sample, tmp_path, other):
    params, data, month, metrics = sample
    write_handoff(tmp_path, _key(params, data), month, metrics)
    assert read_handoff(tmp_path, _key({**params, **other}, data)) is None
    assert handoff_taken(tmp_path) is False


def test_the_data_path_is_compared_as_the_real_path(sample, tmp_path):
    params, data, month, metrics = sample
    write_handoff(tmp_path, _key(params, data), month, metrics)
    link = tmp_path / "tautan"
    link.symlink_to(data)
    assert read_handoff(tmp_path, _key(params, link)) is not None
    assert read_handoff(tmp_path, _key(params, tmp_path)) is None


def test_nothing_handed_nothing_taken(sample, tmp_path):
    params, data, month, metrics = sample
    key = _key(params, data)
    assert read_handoff(tmp_path, key) is None and read_handoff(None, key) is None
    assert handoff_taken(tmp_path) is None
    # A hand-off stopped before its key was written is never taken.
    write_handoff(tmp_path, key, month, metrics)
    (tmp_path / HANDOFF_DIR / "kunci.json").unlink()
    assert read_handoff(tmp_path, key) is None


def _refuse(*args, **kwargs):
    raise AssertionError("the handed month was read or computed again")


def test_the_notebook_setup_takes_the_month_without_reading_or_computing(
    sample, tmp_path, monkeypatch
):
    params, data, month, metrics = sample
    write_handoff(tmp_path, _key(params, data), month, metrics)
    args = {
        "periode": params["periode"],
        "data": data,
        "per_tanggal": params.get("per_tanggal"),
        "kota": params.get("kota"),
        "metrik": params.get("metrik"),
        "riwayat": [],
        "output_dir": tmp_path,
    }
    monkeypatch.setattr(report_laporan, "read_month", _refuse)
    monkeypatch.setattr(report_laporan, "compute_month", _refuse)
    lap = siapkan_laporan(**args)
    assert (tmp_path / HANDOFF_DIR / TAKEN_FILE).is_file()
    assert lap.m == report_laporan.laporan_dari(month, load_reference(), metrics).m
    # Other metric settings: the notebook computes for itself.
    with pytest.raises(AssertionError, match="read or computed again"):
        siapkan_laporan(**{**args, "metrik": {"top_n": 3}})
    # Without an output folder (JupyterLab, plain papermill) nothing is looked for.
    with pytest.raises(AssertionError, match="read or computed again"):
        siapkan_laporan(**{**args, "output_dir": None})


def test_values_json_cannot_give_back_are_refused(sample, tmp_path):
    params, data, month, metrics = sample
    odd = dataclasses.replace(month, counts={"laporan": (1, 2)})
    with pytest.raises(TypeError, match="counts"):
        write_handoff(tmp_path, _key(params, data), odd, metrics)
    assert handoff_taken(tmp_path) is None


# ------------------------------------------------------------------ the previous month's figures


def test_the_previous_months_figures_are_remembered_from_its_build(tmp_path, monkeypatch):
    from fixtures_built import copy_project

    from crmlib.publish import riwayat
    from crmlib.report.laporan import previous_month_headline

    project = Project(copy_project(tmp_path / "proyek"))
    computed = previous_month_headline(project, "2022-06")  # May, read and computed
    params = load_params(project.params_dir, "2022-05")
    ref = load_reference()
    may = read_month(resolve_data_path(params, project.root), "2022-05", reference=ref)
    riwayat.remember(project, "2022-05", compute_month(may, ref, per_tanggal="2022-06-10"))
    monkeypatch.setattr(report_laporan, "compute_month", _refuse)
    remembered = riwayat.previous_headline(project, "2022-06")
    assert remembered == (computed, None)
    # In the same key order too: the entry is the notebook's `riwayat` parameter as written.
    assert [list(e) for e in remembered[0]] == [list(e) for e in computed]
    # May's inputs changed since (here its params): its figures are computed again.
    may_params = project.params_dir / "2022-05.yaml"
    may_params.write_text(may_params.read_text() + 'catatan: "diubah"\n')
    # (computing it again is refused here; a failure only leaves the comparison out)
    again, warning = riwayat.previous_headline(project, "2022-06")
    assert again == [] and "AssertionError" in warning
