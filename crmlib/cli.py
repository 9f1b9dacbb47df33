"""``crm-report``: the command line of the monthly CRM report.

Thin by design: parse arguments, call crmlib, map crmlib's errors to exit codes.
Exit codes: 0 ok, 1 invalid data or a failed build, 2 invalid parameters,
3 renderer missing, 130 interrupted, 70 internal error (a bug: please report it).
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from crmlib import __version__
from crmlib.errors import CrmReportError, InputDataError

EXIT_INTERNAL = 70


def _echo_err(text: str) -> None:
    click.echo(text, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="crm-report")
@click.option("--debug", is_flag=True, envvar="CRM_REPORT_DEBUG",
              help="Tampilkan traceback lengkap bila terjadi kesalahan internal.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Laporan bulanan CRM Kota Administrasi Jakarta Timur: data ekspor CRM masuk,
    laporan HTML + PDF dan arsip keluar.

    \b
    Alur kerja bulanan:
      1. crm-report validate DATA --periode YYYY-MM     periksa data ekspor CRM
      2. crm-report new-month YYYY-MM --data DATA       buat params/YYYY-MM.yaml
      3. (sunting kendala/saran di params/YYYY-MM.yaml bila perlu)
      4. crm-report build YYYY-MM                       susun laporan HTML + PDF
    Hasil ada di output/YYYY-MM/ dan arsip di output/index.html.
    """
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--periode", metavar="YYYY-MM", help="Bulan laporan; bila kosong, bulan terbanyak di data.")
@click.option("--kota", default="jakarta-timur", show_default=True, help="Kode kota (data referensi).")
def validate(data: Path, periode: str | None, kota: str) -> int:
    """Periksa data ekspor CRM satu bulan (DATA = berkas .xlsx atau folder CSV).

    Keluar dengan kode 0 dan ringkasan bila data valid; kode 1 dan daftar semua
    masalah (berkas, sheet, baris, kolom) bila tidak.
    """
    from crmlib.reader import read_month

    month = read_month(data, periode, kota=kota)
    click.echo(format_validation_summary(month))
    return 0


def format_validation_summary(month) -> str:
    """One-screen summary of a valid month (counts only: never any row content)."""
    lines = [f"Data valid untuk periode {month.periode}."]
    for s in month.sources:
        lines.append(f"  berkas: {s['file']} (sha256 {s['sha256'][:12]}…)")
    for sheet, c in month.counts.items():
        lines.append(
            f"  {sheet:<11} dibaca {c['read']:>7} baris, dipakai {c['kept']:>7}, "
            f"di luar periode {c['left_out']:>5}"
        )
    for sheet, d in month.dropped_columns.items():
        if d["pelapor"] or d["lainnya"]:
            extra = f"; kolom lain diabaikan: {', '.join(d['lainnya'])}" if d["lainnya"] else ""
            lines.append(f"  {sheet}: {d['pelapor']} kolom identitas pelapor dibuang{extra}")
    for note in month.notices:
        lines.append(f"  catatan: {note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; never lets a traceback reach the user for their mistakes."""
    debug = os.environ.get("CRM_REPORT_DEBUG") == "1" or "--debug" in (argv or sys.argv[1:])
    try:
        rc = cli.main(args=argv, prog_name="crm-report", standalone_mode=False)
    except click.exceptions.Abort:
        _echo_err("Dibatalkan.")
        rc = 130
    except click.ClickException as exc:
        exc.show()
        rc = exc.exit_code
    except InputDataError as exc:
        _echo_err(f"GAGAL: {exc}")
        rc = exc.exit_code
    except CrmReportError as exc:
        _echo_err(f"GAGAL: {exc}")
        rc = exc.exit_code
    except KeyboardInterrupt:
        _echo_err("Dihentikan (Ctrl-C). Hasil yang sudah terbit tidak diubah.")
        rc = 130
    except Exception as exc:  # a bug, not the user's fault
        if debug:
            traceback.print_exc()
        _echo_err(
            f"Kesalahan internal: {type(exc).__name__}: {exc}\n"
            "Ini kemungkinan bug crm-report; jalankan ulang dengan --debug dan laporkan ke tim."
        )
        rc = EXIT_INTERNAL
    return int(rc or 0)


if __name__ == "__main__":
    sys.exit(main())
