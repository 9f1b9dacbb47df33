"""Batch builds end to end: publishing, incremental rebuilds, bad input corpus, privacy.

A template project (params, notebook, templates and two sample months) is built
once per test run (tests/fixtures_built.py); each test works on its own copy, so a
test that breaks something never affects another.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from fixtures_built import MONTHS, built_two_months

from crmlib.cli.main import main
from crmlib.project import Project
from crmlib.publish.build import check_up_to_date
from crmlib.publish.fingerprint import month_fingerprint
from crmlib.publish.lock import LOCK_NAME
from crmlib.publish.publishing import OLD_PREFIX, publish, recover_output

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built_template(tmp_path_factory):
    """A project with both months built once (embedded renderer), shared: only read it."""
    return built_two_months(tmp_path_factory)


@pytest.fixture(autouse=True)
def quarto_on_path(tmp_path_factory, monkeypatch):
    """A `quarto` that always fails is on PATH: a build that does not pin its renderer
    (``--renderer embedded``) picks it and fails, as it would pick a real Quarto."""
    bin_dir = tmp_path_factory.mktemp("bin")
    script = bin_dir / "quarto"
    script.write_text("#!/bin/sh\necho 'tes ini tidak menyematkan renderer' >&2\nexit 9\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return script


@pytest.fixture
def project(built_template, tmp_path, monkeypatch):
    root = tmp_path / "proj"
    shutil.copytree(built_template, root, symlinks=True)
    monkeypatch.chdir(root)
    return root


def snapshot(output: Path) -> dict[str, str]:
    return {
        str(p.relative_to(output)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def run(*args) -> int:
    return main(list(args))


def _is_temporary(path: Path) -> bool:
    """A leftover of a build (temp folder, half-swapped month, temp file); not the lock file."""
    return path.name.startswith(".") and path.name != LOCK_NAME


def _published(snap: dict[str, str]) -> dict[str, str]:
    """A snapshot without what every build may change: the index and failed months' logs."""
    return {k: v for k, v in snap.items() if k != "index.html" and not k.startswith("_log/")}


# ------------------------------------------------------------------ published output


def test_month_outputs_published(built_template):
    month = built_template / "output" / "2022-06"
    for name in (
        "laporan.html",
        "laporan.pdf",
        "laporan.ipynb",
        "metrics.json",
        "tabel.xlsx",
        "build.log",
        "build-info.json",
    ):
        assert (month / name).is_file(), name
    assert (built_template / "output" / "index.html").is_file()
    assert not [p for p in (built_template / "output").iterdir() if _is_temporary(p)]
    # The kernel took the month the build had read and computed (crmlib.report.handoff),
    # and nothing of the hand-over is published.
    assert "bulan diserahkan ke notebook: dipakai" in (month / "build.log").read_text()
    assert not [p for p in month.rglob(".*")]
    data = json.loads((month / "metrics.json").read_text())
    assert data["total_laporan"] == 508
    prov = data["provenance"]
    assert all(len(f["sha256"]) == 64 for f in prov["input"])
    assert prov["renderer"] == "embedded"
    # The figures name the canonical tables they were computed from; those stay out of output/.
    assert sorted(prov["masukan_kanonik"]) == ["koordinasi.csv", "laporan.csv", "sumber.json"]
    assert not (month / "masukan").exists()
    # The documents' dates are the data's (per_tanggal, Jakarta time), never the clock.
    from pypdf import PdfReader

    created = PdfReader(month / "laporan.pdf").metadata.creation_date
    assert created.astimezone(dt.UTC) == dt.datetime(2022, 7, 11, 1, 34, tzinfo=dt.UTC)
    with zipfile.ZipFile(month / "tabel.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2022, 7, 11, 8, 34, 0)}
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2022-07-11T01:34:00Z") == 2  # created and modified, in UTC
    # The build's wall-clock time is in build-info.json only, never in a document.
    state = json.loads((month / "build-info.json").read_text())
    assert state["waktu_build"] and "waktu_build" not in prov
    assert (
        state["lock_sha256"]
        == hashlib.sha256((ROOT / "requirements.lock").read_bytes()).hexdigest()
    )


def test_rebuild_with_nothing_changed_is_up_to_date(project, capsys):
    before = snapshot(project / "output")
    assert run("build", *MONTHS, "--renderer", "embedded") == 0
    err = capsys.readouterr().err
    assert err.count("terkini") == 2
    after = snapshot(project / "output")
    assert {k: v for k, v in after.items() if k != "index.html"} == {
        k: v for k, v in before.items() if k != "index.html"
    }


def test_params_change_rebuilds_only_that_month_and_the_next(project, capsys):
    p = project / "params" / "2022-06.yaml"
    # June's note replaced (a second `catatan:` key would be refused as written twice).
    p.write_text(p.read_text().split("\ncatatan:")[0] + '\ncatatan: "Catatan baru bulan ini."\n')
    assert run("build", *MONTHS, "--jobs", "1", "--renderer", "embedded") == 0
    err = capsys.readouterr().err
    assert "2022-05: terkini" in err and "2022-06: selesai" in err
    html = (project / "output" / "2022-06" / "laporan.html").read_text()
    assert "Catatan baru bulan ini." in html


@pytest.fixture(scope="module")
def forced_rebuild_elsewhere(built_template, tmp_path_factory):
    """``build 2022-06 --force`` with nothing changed, ``output/`` a symlink to another disk.

    One forced rebuild serves the same-figures and the symlinked-output tests:
    (project, the output folder the symlink points to, 2022-06's metrics and charts
    before, what the build printed). Only read it.
    """
    base = tmp_path_factory.mktemp("paksa")
    project = base / "proj"
    shutil.copytree(built_template, project, symlinks=True)
    month = project / "output" / "2022-06"
    files = {n: (month / n).read_bytes() for n in DOCUMENTS}
    charts = {p.name: p.read_bytes() for p in (month / "grafik").glob("*.png")}
    elsewhere = base / "disk-lain" / "output"
    elsewhere.parent.mkdir()
    shutil.move(project / "output", elsewhere)
    (project / "output").symlink_to(elsewhere, target_is_directory=True)
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = run("build", "2022-06", "--force", "--renderer", "embedded")
    assert rc == 0, out.getvalue() + err.getvalue()
    return project, elsewhere, files, charts, out.getvalue()


# The five files of a month that must be the same bytes whenever its inputs are.
DOCUMENTS = ("laporan.html", "laporan.pdf", "metrics.json", "tabel.xlsx", "laporan.ipynb")


def test_same_inputs_same_bytes(forced_rebuild_elsewhere):
    """Built in a two-month batch on a warm kernel, then alone with --force, charts drawn
    ahead, output/ elsewhere and the clock later: the five files are the same bytes."""
    project, _, before, charts, _ = forced_rebuild_elsewhere
    month = project / "output" / "2022-06"
    after = {n: (month / n).read_bytes() for n in DOCUMENTS}
    assert [n for n in DOCUMENTS if before[n] != after[n]] == []
    # One month alone: its charts were drawn ahead in the build's own thread (at least the
    # last one), the same bytes as before, and nothing of the drawing is published.
    assert "grafik digambar lebih dulu: harian" in (month / "build.log").read_text()
    assert {p.name: p.read_bytes() for p in (month / "grafik").glob("*.png")} == charts
    # Each chart twice: the page's drawing and the phone's (grafik/<name>-ponsel.png).
    assert len(charts) == 12 and not (month / ".grafik-siap").exists()
    assert {n.removesuffix("-ponsel.png") for n in charts if n.endswith("-ponsel.png")} == {
        n.removesuffix(".png") for n in charts if not n.endswith("-ponsel.png")
    }
    t_before = pd.read_excel(
        project / "output" / "2022-06" / "tabel.xlsx", sheet_name=None, engine="calamine"
    )
    assert set(t_before)  # tables workbook readable


def test_publish_swaps_whole_month(tmp_path):
    final, tmp = tmp_path / "2022-06", tmp_path / ".tmp-2022-06-1"
    final.mkdir()
    (final / "a.txt").write_text("lama")
    tmp.mkdir()
    (tmp / "a.txt").write_text("baru")
    publish(tmp, final)
    assert (final / "a.txt").read_text() == "baru" and not tmp.exists()


def test_killed_mid_swap_restores_previous_month(tmp_path):
    (tmp_path / f"{OLD_PREFIX}2022-06").mkdir()
    (tmp_path / f"{OLD_PREFIX}2022-06" / "laporan.html").write_text("lama")
    (tmp_path / ".tmp-2022-07-99").mkdir()
    notes = recover_output(tmp_path)
    assert (tmp_path / "2022-06" / "laporan.html").read_text() == "lama"
    assert not (tmp_path / ".tmp-2022-07-99").exists() and notes


# ------------------------------------------------------------------ bad input (corpus at the end)


def _csv_month(project: Path) -> Path:
    return project / "data" / "2022-06"


def _edit_laporan(project: Path, row: int, column: str, value: str) -> None:
    path = _csv_month(project) / "laporan.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row - 2, column] = value
    df.to_csv(path, index=False)


def _add_cell_after_parameters(project: Path, source: str) -> None:
    """A code cell right after the notebook's parameters (papermill injects the month's
    values just before it): it runs with the month's parameters, and the failure comes
    without executing the whole report first."""
    nb_path = project / "notebooks" / "laporan_bulanan.ipynb"
    nb = json.loads(nb_path.read_text())
    at = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c["metadata"].get("tags", []))
    cell = {
        "cell_type": "code",
        "id": "kaput",
        "metadata": {},
        "execution_count": None,
        "outputs": [],
        "source": source,
    }
    nb["cells"].insert(at + 1, cell)
    nb_path.write_text(json.dumps(nb))


def _break(kind: str, project: Path) -> tuple[list[str], list[str]]:
    """Break the project one way; return (CLI args, fragments the message must contain)."""
    month = _csv_month(project)
    if kind == "unknown_unit":
        _edit_laporan(project, 5, "ukpd", "KELURAHAN PULOGEBNG")
        return [], ["laporan.csv", "baris 5", "kolom 'ukpd'", "KELURAHAN PULO GEBANG"]
    if kind == "unknown_channel":
        _edit_laporan(project, 7, "kanal", "Merpati Pos")
        return [], ["laporan.csv", "baris 7", "kolom 'kanal'", "kanal tidak dikenal"]
    if kind == "unknown_status":
        _edit_laporan(project, 9, "status", "Complet")
        return [], ["baris 9", "kolom 'status'", "Complete"]
    if kind == "duplicate_number":
        first = pd.read_csv(month / "laporan.csv", dtype=str).loc[0, "nomor_laporan"]
        _edit_laporan(project, 10, "nomor_laporan", first)
        return [], ["baris 10", "nomor_laporan ganda", "baris 2"]
    if kind == "not_a_date":
        _edit_laporan(project, 11, "waktu_masuk", "31 Juni 2022")
        return [], ["baris 11", "kolom 'waktu_masuk'", "bukan tanggal"]
    if kind == "negative_rejections":
        _edit_laporan(project, 12, "jumlah_tl_ditolak", "-2")
        return [], ["baris 12", "kolom 'jumlah_tl_ditolak'", "negatif"]
    if kind == "score_out_of_range":
        _edit_laporan(project, 13, "nilai_tl", "150")
        return [], ["baris 13", "kolom 'nilai_tl'", "0–100"]
    if kind == "time_backwards":
        path = month / "koordinasi.csv"
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df.loc[2, "waktu_proses"] = "2022-05-01 00:00:00"
        df.to_csv(path, index=False)
        return [], ["koordinasi.csv", "baris 4", "kolom 'waktu_proses'", "waktu mundur"]
    if kind == "missing_column":
        path = month / "laporan.csv"
        pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="kategori").to_csv(
            path, index=False
        )
        return [], ["laporan.csv", "kolom 'kategori'", "kolom wajib tidak ada"]
    if kind == "empty_file":
        (month / "koordinasi.csv").write_text("")
        return [], ["koordinasi.csv", "berkas kosong"]
    if kind == "data_path_missing":
        shutil.rmtree(month)
        return [], ["data/2022-06", "tidak ditemukan"]
    if kind == "corrupt_xlsx":
        xlsx = next((project / "data").glob("*.xlsx"))
        shutil.rmtree(month)
        p = project / "params" / "2022-06.yaml"
        p.write_text(p.read_text().replace("data: data/2022-06", "data: data/rusak.xlsx"))
        (project / "data" / "rusak.xlsx").write_bytes(xlsx.read_bytes()[:500])
        return [], ["rusak.xlsx", "tidak dapat dibaca sebagai Excel"]
    if kind == "params_unknown_key":
        p = project / "params" / "2022-06.yaml"
        p.write_text(p.read_text() + "sarann: []\n")
        return [], ["2022-06.yaml", "sarann", "saran"]
    if kind == "params_bad_yaml":
        p = project / "params" / "2022-06.yaml"
        p.write_text(p.read_text() + "kendala: [tidak ditutup\n")
        return [], ["2022-06.yaml", "YAML tidak valid"]
    if kind == "other_months_export":
        # the June params point at the May export: refused, June stays as published
        may = next(p for p in (project / "data").iterdir() if p.name.startswith("2022-05"))
        p = project / "params" / "2022-06.yaml"
        p.write_text(p.read_text().replace("data: data/2022-06", f"data: data/{may.name}"))
        return [], ["2022-06", "terbanyak bulan 2022-05", "waktu_masuk"]
    if kind == "params_colon_in_kendala":
        p = project / "params" / "2022-06.yaml"
        p.write_text(p.read_text() + "kendala:\n  - Penyebab utama: banjir\n")
        return [], ["2022-06.yaml, baris", "kendala butir 1", "tanda kutip"]
    if kind == "malformed_month":
        return ["build", "2022-13"], ["2022-13", "YYYY-MM"]
    if kind == "month_without_params":
        return ["build", "2023-01"], ["2023-01", "new-month"]
    if kind == "notebook_error":
        _add_cell_after_parameters(project, "raise ValueError('tabel kategori tidak lengkap')")
        return [], ["ValueError", "tabel kategori tidak lengkap", "Notebook gagal"]
    if kind == "cell_timeout":
        p = project / "params" / "2022-06.yaml"
        p.write_text(p.read_text() + "sel_timeout_detik: 2\n")
        _add_cell_after_parameters(project, "import time\ntime.sleep(30)")
        return [], ["lebih dari 2 detik", "sel_timeout_detik"]
    raise AssertionError(kind)


def test_renderer_quarto_missing_says_how_to_install(project, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    if shutil.which("quarto"):
        pytest.skip("quarto is installed here")
    rc = run("build", "2022-06", "--force", "--renderer", "quarto")
    err = capsys.readouterr().err
    assert rc == 3 and "Quarto" in err and "conda" in err


def test_one_broken_month_does_not_stop_the_others(project, capsys):
    before = snapshot(project / "output" / "2022-06")
    _break("unknown_status", project)
    # Both months by name, forced: two months for a pool of two workers. (`--all` would
    # also build the annual report, which this test is not about; test_edisi covers it.)
    rc = run("build", *MONTHS, "--force", "--jobs", "2", "--renderer", "embedded")
    err = capsys.readouterr()
    assert rc == 1
    assert "2022-05  dibangun" in err.out and "2022-06  gagal" in err.out
    assert snapshot(project / "output" / "2022-06") == before


# ------------------------------------------------------------------ plausibility warnings


def test_status_after_build_shows_months_current_then_stale(project, capsys):
    assert run("status", "--renderer", "embedded") == 0
    out = capsys.readouterr().out
    assert "2022-05  terkini" in out and "2022-06  terkini" in out
    p = project / "params" / "2022-06.yaml"
    p.write_text(p.read_text().split("\ncatatan:")[0] + "\ncatatan: Ada gangguan aplikasi.\n")
    assert run("status", "--renderer", "embedded") == 0
    assert "2022-06  perlu dibangun ulang" in capsys.readouterr().out


def test_a_notebook_edit_says_how_many_drafts_it_rebuilds_before_rebuilding(project, capsys):
    nb = project / "notebooks" / "laporan_bulanan.ipynb"
    nb.write_text(nb.read_text().replace("PENDAHULUAN", "PENDAHULUAN (diubah)", 1))
    assert run("status", "--renderer", "embedded") == 0
    out = capsys.readouterr().out
    assert "PERHATIAN: notebook berubah: 2 draf perlu dibangun ulang (2022-05 s.d. 2022-06)" in out
    assert "'crm-report build --all' akan membangun ulang semuanya" in out
    # build --all says it before the first month starts; stopped there, nothing is rebuilt.
    before = snapshot(project / "output")
    proc = subprocess.Popen(
        [sys.executable, "-m", "crmlib.cli.main", "build", "--all", "--renderer", "embedded"],
        cwd=project,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    said = []
    try:
        for line in proc.stderr:
            said.append(line)
            if "draf akan dibangun ulang" in line or line.startswith("["):
                break
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        said.append(proc.communicate(timeout=60)[1])
    first = said[0]
    assert first.startswith("catatan: notebook berubah: 2 draf akan dibangun ulang"), said
    assert _published(snapshot(project / "output")) == _published(before)


def test_month_far_below_earlier_months_builds_with_a_warning_everywhere(project, capsys):
    path = _csv_month(project) / "laporan.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.head(100).to_csv(path, index=False)
    assert run("build", "2022-06", "--renderer", "embedded") == 0
    out = capsys.readouterr()
    assert "PERINGATAN: 2022-06: jumlah laporan 100 jauh lebih sedikit dari median" in out.err
    month = project / "output" / "2022-06"
    assert "PERINGATAN: 2022-06: jumlah laporan 100" in (month / "build.log").read_text()
    # A comparison with what is published now: build-info.json, not the month's documents.
    state = json.loads((month / "build-info.json").read_text())
    assert "1 bulan sebelumnya (2022-05 s.d. 2022-05)" in state["peringatan_kewajaran"][0]
    assert "peringatan_kewajaran" not in (month / "metrics.json").read_text()
    assert run("status", "--renderer", "embedded") == 0
    assert "PERINGATAN: 2022-06: jumlah laporan 100" in capsys.readouterr().out


def test_truly_empty_month_builds_only_when_its_params_allow_it(project, capsys):
    empty = project / "data" / "2022-07-kosong"
    empty.mkdir()
    for name in ("laporan.csv", "koordinasi.csv"):
        header = (_csv_month(project) / name).read_text().splitlines()[0]
        (empty / name).write_text(header + "\n")
    params = project / "params" / "2022-07.yaml"
    params.write_text('periode: "2022-07"\ndata: data/2022-07-kosong\n')
    assert run("build", "2022-07", "--renderer", "embedded") == 1
    assert "hanya berisi baris judul" in capsys.readouterr().out
    assert not (project / "output" / "2022-07").exists()
    params.write_text(params.read_text() + "izinkan_kosong: true\n")
    assert run("build", "2022-07", "--renderer", "embedded") == 0
    data = json.loads((project / "output" / "2022-07" / "metrics.json").read_text())
    assert data["total_laporan"] == 0
    assert "jumlah laporan 0 jauh lebih sedikit" in capsys.readouterr().err


# ------------------------------------------------------------------ privacy

SECRETS = {
    "nama_pelapor": "Wulandari Kusumaningtyas",
    "no_hp": "081398765432",
    "email": "wulandari.k@contoh-surel.id",
    "isi_laporan": "Tumpukan sampah di depan rumah nomor 17 belum diangkut sejak Senin",
}


def _all_text(output: Path, unchanged: dict[str, str] | None = None) -> str:
    """The text of every file under ``output`` (PDF text and bytes, workbook XML, the rest).

    ``unchanged``: a snapshot from before the reporter data was in the input; files
    still byte-identical to it were written without that data and are skipped.
    """
    from pypdf import PdfReader

    unchanged = unchanged or {}
    now = snapshot(output)
    chunks = []
    for p in output.rglob("*"):
        if not p.is_file():
            continue
        key = str(p.relative_to(output))
        if key in unchanged and unchanged[key] == now[key]:
            continue
        if p.suffix == ".pdf":
            chunks.extend(page.extract_text() or "" for page in PdfReader(p).pages)
            chunks.append(p.read_bytes().decode("latin-1"))
        elif p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                chunks.extend(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            chunks.append(p.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


def test_reporter_data_never_reaches_output(project, capsys):
    before = snapshot(project / "output")
    path = _csv_month(project) / "laporan.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col, value in SECRETS.items():
        df[col] = [f"{value}" if i % 2 == 0 else f"{value} {i}" for i in range(len(df))]
    # Real exports name these columns in many ways; use export-style headers.
    df = df.rename(
        columns={
            "nama_pelapor": "Nama Pelapor",
            "no_hp": "No HP",
            "email": "Email",
            "isi_laporan": "Isi Laporan",
        }
    )
    df.to_csv(path, index=False)
    assert run("build", "2022-06", "--force", "--renderer", "embedded") == 0
    captured = capsys.readouterr()
    text = _all_text(project / "output", unchanged=before) + captured.out + captured.err
    for value in SECRETS.values():
        assert value not in text
    assert "Wulandari" not in text


# ------------------------------------------------------------------ honest up-to-date checks


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("laporan.pdf", lambda p: p.write_bytes(p.read_bytes()[:1000])),  # truncated
        ("tabel.xlsx", lambda p: p.write_bytes(b"")),  # emptied
        ("tabel.xlsx", lambda p: p.unlink()),  # missing
        ("grafik/kanal.png", lambda p: p.write_bytes(b"x")),  # any published file
    ],
)
def test_damaged_published_file_makes_the_month_stale(project, name, damage):
    damage(project / "output" / "2022-06" / name)
    todo, fresh, _ = check_up_to_date(Project(project), list(MONTHS), "embedded", force=False)
    assert todo == ["2022-06"] and [r.periode for r in fresh] == ["2022-05"]


def test_data_fingerprint_reads_only_the_files_the_reader_reads(project):
    params = {"data": "data/2022-06"}
    before = month_fingerprint(Project(project), "2022-06", params, "embedded")["data"]
    (project / "data" / "2022-06" / "catatan-analis.txt").write_text("bukan data")
    after = month_fingerprint(Project(project), "2022-06", params, "embedded")["data"]
    assert after == before


def test_data_path_is_validated_before_it_is_hashed(project, monkeypatch):
    big = project / "bukan-data"
    (big / "sub").mkdir(parents=True)
    (big / "sub" / "besar.bin").write_bytes(b"\0" * 1000)
    read = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or original(self))
    fp = month_fingerprint(Project(project), "2022-06", {"data": "bukan-data"}, "embedded")
    assert fp["data"] == "tidak-valid"
    assert [p for p in read if big in p.parents] == []


def test_output_folder_may_be_a_symlink(forced_rebuild_elsewhere):
    project, elsewhere, _, _, out = forced_rebuild_elsewhere
    assert "2022-06  dibangun" in out
    assert (project / "output").is_symlink()
    assert (elsewhere / "2022-06" / "laporan.pdf").stat().st_size > 10_000
    assert not [p for p in elsewhere.iterdir() if _is_temporary(p)]


# ------------------------------------------------------------------ failures, once and kept


def test_failed_month_keeps_its_log_and_prints_its_reason_once(project, capsys):
    _break("unknown_status", project)
    assert run("build", "2022-06", "--force", "--renderer", "embedded") == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert text.count("kolom 'status'") == 1, text
    assert "log: .crm-report/log/2022-06-gagal.log" in out.out
    assert "Arsip:" not in text  # a failed build does not look like a success
    log = (project / ".crm-report" / "log" / "2022-06-gagal.log").read_text()
    assert not (project / "output" / "_log").exists()  # output/ holds what readers may see
    assert "GAGAL" in log and "kolom 'status'" in log
    # Once the month builds again, its failure log goes.
    shutil.rmtree(project / "data" / "2022-06")
    shutil.copytree(ROOT / "data" / "sample" / "2022-06", project / "data" / "2022-06")
    assert run("build", "2022-06", "--renderer", "embedded") == 0
    assert not (project / ".crm-report" / "log").exists()


def test_internal_error_keeps_the_traceback_in_the_log(project, capsys, monkeypatch):
    import crmlib.publish.month

    def bug(*args, **kwargs):
        raise ZeroDivisionError("bug di crmlib")

    monkeypatch.setattr(crmlib.publish.month, "notebook_parameters", bug)
    assert run("build", "2022-06", "--force", "--renderer", "embedded") == 1
    out = capsys.readouterr().out
    assert "kesalahan internal: ZeroDivisionError: bug di crmlib" in out
    log = (project / ".crm-report" / "log" / "2022-06-gagal.log").read_text()
    assert "Traceback" in log and "ZeroDivisionError" in log


# ------------------------------------------------------------------ disk full, no permission


@pytest.mark.parametrize(
    ("code", "message"),
    [(errno.ENOSPC, "Disk penuh saat menulis"), (errno.EACCES, "Tidak ada izin menulis")],
)
def test_disk_full_and_permission_errors_have_their_own_message(
    project, capsys, monkeypatch, code, message
):
    import crmlib.publish.publishing

    def write_fails(metrics, path, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(path))

    before = snapshot(project / "output")
    monkeypatch.setattr("crmlib.report.outputs.write_metrics_json", write_fails)
    assert run("build", "2022-06", "--force", "--renderer", "embedded") == 74
    out = capsys.readouterr().out
    assert message in out and "metrics.json" in out and "kesalahan internal" not in out
    assert _published(snapshot(project / "output")) == _published(before)

    monkeypatch.setattr(
        crmlib.publish.publishing, "refresh_archive", lambda project: write_fails(None, "x")
    )
    assert run("archive") == 74
    assert message in capsys.readouterr().err


# ------------------------------------------------------------------ bad input corpus, run last

# Last in the module: the two notebook failures (last in CORPUS) stop this process's warm
# kernel, as a failed notebook must; placed here, no later build of the module pays for
# booting a new one.
CORPUS = [
    "unknown_unit",
    "unknown_channel",
    "unknown_status",
    "duplicate_number",
    "not_a_date",
    "negative_rejections",
    "score_out_of_range",
    "time_backwards",
    "missing_column",
    "empty_file",
    "data_path_missing",
    "corrupt_xlsx",
    "params_unknown_key",
    "params_bad_yaml",
    "other_months_export",
    "params_colon_in_kendala",
    "malformed_month",
    "month_without_params",
    "notebook_error",
    "cell_timeout",
]


@pytest.mark.parametrize("kind", CORPUS)
def test_bad_input_refused_cleanly_and_output_untouched(project, kind, capsys):
    before = snapshot(project / "output")
    args, fragments = _break(kind, project)
    rc = run(*(args or ["build", "2022-06", "--force"]), "--renderer", "embedded")
    out = capsys.readouterr()
    text = out.out + out.err
    assert rc != 0
    assert "Traceback" not in text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} missing from:\n{text}"
    after = snapshot(project / "output")
    assert _published(after) == _published(before)
    assert not [p for p in (project / "output").iterdir() if _is_temporary(p)]
