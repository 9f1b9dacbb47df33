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
