"""What the command line prints: Indonesian throughout, and never a control character."""

from __future__ import annotations

import re

import pytest

from crmlib.cli.main import main
from crmlib.cli.progress import BuildProgress, terminal_safe

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["build", "--bogus"], ["Penggunaan: crm-report build [OPSI]", "Opsi tidak dikenal"]),
        (["metrics", "data"], ["Kesalahan:", "Opsi belum diisi '--periode'"]),
        (["bangun"], ["Perintah tidak dikenal: 'bangun'", "Lihat 'crm-report --help'"]),
        (["build", "--jobs", "0"], ["Nilai tidak valid untuk '--jobs'", "di luar rentang"]),
        (["build", "--renderer", "x"], ["bukan salah satu dari 'auto', 'quarto', 'embedded'"]),
    ],
)
def test_click_usage_errors_are_indonesian(capsys, args, expected):
    assert main(args) == 2
    err = capsys.readouterr().err
    for text in expected:
        assert text in err, err
    for english in ("Usage:", "Error:", "No such", "Missing", "Try '", "Invalid value"):
        assert english not in err, err


def test_help_is_indonesian(capsys):
    assert main(["build", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Penggunaan: crm-report build [OPSI]" in out and "\nOpsi:\n" in out
    assert "[bawaan: auto]" in out and "Tampilkan bantuan ini lalu keluar." in out
    assert main(["metrics", "--help"]) == 0
    assert "[wajib]" in capsys.readouterr().out
    for english in ("Usage:", "Options:", "default:", "required", "Show this message"):
        assert english not in out


def test_control_characters_never_reach_the_terminal(tmp_path, capsys):
    hostile = tmp_path / "data\x1b]0;judul\x07\x1b[2J\x9b31m"
    assert main(["validate", str(hostile), "--periode", "2022-06"]) == 1
    err = capsys.readouterr().err
    assert "tidak ditemukan" in err and "data" in err
    assert not CONTROL.search(err), repr(err)


def test_progress_lines_strip_control_characters():
    import io

    from crmlib.publish.month import MonthResult

    stream = io.StringIO()
    with BuildProgress(1, stream=stream) as progress:
        progress.event("catatan", "output/ \x1b[1mtebal\x1b[0m\r dipakai")
        progress.event("selesai", MonthResult("2022-06\x1b[2J", "dibangun", renderer="embedded"))
    text = stream.getvalue()
    assert "catatan: output/ tebal dipakai" in text and "2022-06: selesai" in text
    assert not CONTROL.search(text.replace("\n", ""))


def test_terminal_safe_keeps_text_tabs_and_newlines():
    assert terminal_safe("Jakarta\tTimur\nbaris 2 — ✓") == "Jakarta\tTimur\nbaris 2 — ✓"
    assert terminal_safe("\x1b[31mmerah\x1b[0m\x1b]8;;http://x\x1b\\tautan") == "merahtautan"


# ------------------------------------------------------------------ --help, to the last word

# click's own English, as its help shows it: type metavars, ranges, its few sentences.
CLICK_ENGLISH = re.compile(
    r"\b(TEXT|INTEGER|FLOAT|RANGE|PATH|FILENAME|FILE|DIRECTORY|BOOLEAN|CHOICE|UUID)\b"
    r"|x[<>]=?|[<>]=?x\b|default:|required|Show this|Usage|Options|Commands"
)


def _commands():
    from crmlib.cli.main import cli

    return [("", cli), *((name, cmd) for name, cmd in sorted(cli.commands.items()))]


@pytest.mark.parametrize("name", [name for name, _ in _commands()])
def test_every_help_is_indonesian_to_the_last_metavar(capsys, name):
    assert main([*([name] if name else []), "--help"]) == 0
    out = capsys.readouterr().out
    assert CLICK_ENGLISH.findall(out) == [], out


@pytest.mark.parametrize(("name", "command"), _commands())
def test_every_option_says_what_it_is_for(name, command):
    import click

    options = [p for p in command.params if isinstance(p, click.Option)]
    assert [o.name for o in options if not (o.help or "").strip()] == [], name


def test_top_level_help_walks_the_whole_month(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    workflow = out[out.index("Alur kerja bulanan:") : out.index("Opsi:")]
    steps = ("validate", "new-month", "build", "preview", "status", "finalize", "git add")
    steps += ("verify", "revise", "contoh")
    for step in steps:
        assert step in workflow, step
    assert workflow.index("build") < workflow.index("finalize") < workflow.index("git add")


def test_number_ranges_are_said_in_indonesian(capsys):
    assert main(["build", "--jobs", "0"]) == 2
    err = capsys.readouterr().err
    assert "di luar rentang yang diizinkan (paling sedikit 1)" in err, err
    assert main(["preview", "2022-06", "--port", "x"]) == 2
    assert "bukan bilangan yang valid (bilangan bulat)" in capsys.readouterr().err


# ------------------------------------------------------------------ quiet success, one-line failure


def test_library_warnings_and_log_lines_never_reach_the_terminal(capsys, monkeypatch):
    """A command that meets a library's warning and log record prints only its own lines."""
    import logging
    import warnings

    import crmlib.report.narasi

    def nilai_with_noise(lap):
        warnings.warn("DSA is deprecated and support will be removed", UserWarning, stacklevel=1)
        logging.getLogger("pyhanko.sign").warning("certificate is not trusted")
        return "baris milik perintah ini"

    monkeypatch.setattr(crmlib.report.narasi, "teks_daftar_nilai", nilai_with_noise)
    monkeypatch.setattr("crmlib.report.laporan.siapkan_laporan", lambda **kw: None)
    assert main(["nilai", "2022-06"]) == 0
    out, err = capsys.readouterr()
    assert out == "baris milik perintah ini\n" and err == ""


def test_an_internal_error_is_one_indonesian_line_naming_its_log_file(
    tmp_path, capsys, monkeypatch
):
    import crmlib.report.narasi

    def bug(lap):
        import warnings

        warnings.warn("a library's warning, kept for the log", UserWarning, stacklevel=1)
        raise ZeroDivisionError("bug di crmlib")

    monkeypatch.setattr(crmlib.report.narasi, "teks_daftar_nilai", bug)
    monkeypatch.setattr("crmlib.report.laporan.siapkan_laporan", lambda **kw: None)
    (tmp_path / "params").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "laporan_bulanan.ipynb").write_text("{}")
    monkeypatch.chdir(tmp_path)  # a project: the log goes beside its failed months' logs
    assert main(["nilai", "2022-06"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ZeroDivisionError" not in err
    (line,) = err.strip().splitlines()
    assert line.startswith("Kesalahan internal crm-report (bukan kesalahan data")
    log = re.search(r"tersimpan di (\S+\.log);", line).group(1)
    assert log.startswith(str(tmp_path / ".crm-report" / "log" / "crm-report-"))
    text = open(log, encoding="utf-8").read()
    assert "Traceback" in text and "ZeroDivisionError: bug di crmlib" in text
    assert "a library's warning, kept for the log" in text
