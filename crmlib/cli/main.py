"""``crm-report``: the command line of the monthly CRM report.

Thin by design: parse arguments, call crmlib, map crmlib's errors to exit codes.
Exit codes: 0 ok, 1 invalid data or a failed build, 2 invalid parameters,
3 renderer missing, 70 internal error (a bug: please report it), 74 disk full or
no permission to write, 75 output/ in use by another run, 130 interrupted
(Ctrl-C or SIGTERM).

Everything printed goes through :func:`_echo`, which strips control characters
(values from the data must not drive the terminal); click's own words are
Indonesian (:mod:`crmlib.cli.click_id`).
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import traceback
from pathlib import Path

import click

from crmlib import __version__
from crmlib.cli import click_id as cli_id
from crmlib.cli import edisi as edisi_commands
from crmlib.cli.common import _RENDERER, _TUNGGU, _echo, _echo_err
from crmlib.errors import CrmReportError, StorageError

EXIT_INTERNAL = 70
IZINKAN_KOSONG_HELP = (
    "Terima bulan tanpa laporan (berkas hanya berisi judul, atau 0 laporan dalam periode)."
)
EXIT_INTERRUPTED = 130
STOPPED = "Dihentikan. Bulan yang belum selesai tidak diterbitkan; hasil terbit tidak diubah."

cli_id.install()  # before the decorators below build their help texts


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="crm-report")
@click.option(
    "--debug",
    is_flag=True,
    envvar="CRM_REPORT_DEBUG",
    help="Tampilkan traceback lengkap bila terjadi kesalahan internal.",
)
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
    ctx.ensure_object(dict)["debug"] = debug


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "--periode", metavar="YYYY-MM", help="Bulan laporan; bila kosong, bulan terbanyak di data."
)
@click.option(
    "--kota", default="jakarta-timur", show_default=True, help="Kode kota (data referensi)."
)
@click.option("--izinkan-kosong", is_flag=True, help=IZINKAN_KOSONG_HELP)
def validate(data: Path, periode: str | None, kota: str, izinkan_kosong: bool) -> int:
    """Periksa data ekspor CRM satu bulan (DATA = berkas .xlsx atau folder CSV).

    Keluar dengan kode 0 dan ringkasan bila data valid; kode 1 dan daftar semua
    masalah (berkas, sheet, baris, kolom) bila tidak.
    """
    from crmlib.data.reader import read_month

    month = read_month(data, periode, kota=kota, izinkan_kosong=izinkan_kosong)
    _echo(format_validation_summary(month))
    return 0


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--periode", required=True, metavar="YYYY-MM", help="Bulan laporan.")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path),
    help="Tulis ke berkas ini; tanpa -o, metrics.json dicetak ke layar (stdout).",
)
@click.option("--per-tanggal", metavar='"YYYY-MM-DD HH:MM"', help="Waktu ekspor data CRM.")
@click.option(
    "--kota", default="jakarta-timur", show_default=True, help="Kode kota (data referensi)."
)
@click.option(
    "--tabel/--tanpa-tabel",
    default=True,
    show_default=True,
    help="Dengan -o: tulis juga tabel.xlsx (semua tabel laporan) di folder yang sama.",
)
@click.option("--izinkan-kosong", is_flag=True, help=IZINKAN_KOSONG_HELP)
def metrics(
    data: Path,
    periode: str,
    output: Path | None,
    per_tanggal: str | None,
    kota: str,
    tabel: bool,
    izinkan_kosong: bool,
) -> int:
    """Hitung semua angka laporan dan tulis metrics.json (tanpa menjalankan notebook).

    DATA = berkas .xlsx atau folder CSV. Data yang tidak valid: kode keluar 1.
    """
    import pandas as pd

    from crmlib.data.reader import read_month
    from crmlib.data.refdata import load_reference
    from crmlib.report.laporan import compute_month
    from crmlib.report.outputs import metrics_to_dict, month_provenance, write_metrics_json
    from crmlib.report.workbook import write_tables_xlsx

    when = None
    if per_tanggal:
        try:
            when = pd.Timestamp(per_tanggal)
        except ValueError:
            raise click.BadParameter(
                f"'{per_tanggal}' bukan tanggal; contoh: \"2022-07-11 08:34\"",
                param_hint="--per-tanggal",
            ) from None
    ref = load_reference(kota)
    month = read_month(data, periode, reference=ref, izinkan_kosong=izinkan_kosong)
    m = compute_month(month, ref, per_tanggal=when)
    provenance = month_provenance(month, m, when)
    if output is None:
        # Printed, not written into output/: the published month only changes through `build`.
        _echo(json.dumps(metrics_to_dict(m, provenance), ensure_ascii=False, indent=2))
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    write_metrics_json(m, output, provenance)
    _echo(f"metrics.json ditulis: {output}")
    if tabel:
        xlsx = output.parent / "tabel.xlsx"
        write_tables_xlsx(m, xlsx)
        _echo(f"tabel laporan ditulis: {xlsx}")
    return 0


@cli.command()
@click.argument("months", nargs=-1, metavar="[YYYY-MM ...]")
@click.option(
    "--all", "all_months", is_flag=True, help="Semua bulan yang punya params/YYYY-MM.yaml."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Jumlah bulan yang dibangun bersamaan (bawaan: jumlah CPU).",
)
@click.option("--force", is_flag=True, help="Bangun ulang walau tidak ada yang berubah.")
@click.option(
    "--tahun", multiple=True, metavar="YYYY", help="Bangun juga laporan tahunan tahun ini."
)
@_RENDERER
@_TUNGGU
def build(
    months: tuple[str, ...],
    all_months: bool,
    tahun: tuple[str, ...],
    jobs: int | None,
    force: bool,
    renderer: str,
    tunggu: float,
) -> int:
    """Susun laporan bulanan: validasi data, jalankan notebook, buat HTML + PDF, perbarui arsip.

    \b
    Contoh:
      crm-report build 2022-06            satu bulan
      crm-report build --all              semua bulan di params/
      crm-report build 2022-06 --force    bangun ulang walau tidak berubah
      crm-report build 2022               laporan tahunan 2022 (dari metrics.json bulanannya)
    Bulan yang gagal tidak mengubah hasil yang sudah terbit; bulan lain tetap dibangun.
    Ctrl-C menghentikan seluruh build (kode 130) tanpa menerbitkan bulan berikutnya.
    """
    if force and not (all_months or tahun) and len(months) == 1 and "-" in months[0]:
        # One month, rebuilt for sure: its kernel boots while the build's modules load
        # (the analyst's edit-and-rebuild loop; a final month is killed unused at exit).
        from crmlib.render.execute import prestart_warm_kernel

        prestart_warm_kernel(papermill=True)
    from crmlib.cli.progress import BuildProgress
    from crmlib.project import Project
    from crmlib.publish.build import build as run_build
    from crmlib.publish.build import plan

    project = Project.find()
    for y in tahun:
        if not re.fullmatch(r"\d{4}", y):
            raise click.BadParameter(f"'{y}' bukan tahun; contoh: 2022", param_hint="--tahun")
    years = sorted({m for m in months if re.fullmatch(r"\d{4}", m)} | set(tahun))
    months = tuple(m for m in months if m not in years)
    todo = plan(project, list(months), all_months) if months or all_months or not years else []
    command = " ".join(["build", *(["--all"] if all_months else todo)])
    results = []
    if todo:
        with BuildProgress(len(todo)) as progress:
            results = run_build(
                project,
                todo,
                jobs=jobs,
                force=force,
                renderer=renderer,
                on_event=progress.event,
                wait=tunggu,
                command=command,
            )
        _echo(progress.summary(results))
    _build_annual(project, years, todo, results, all_months, renderer, force, tunggu)
    for r in results:
        for warning in r.warnings:
            _echo_err(f"PERINGATAN: {warning}")
    failed = [r for r in results if r.status == "gagal"]
    if failed:
        # A disk or permission problem concerns the whole run, not one month's data.
        return StorageError.exit_code if any(r.exit_code == 74 for r in failed) else 1
    _echo(f"Arsip: {project.output_dir / 'index.html'}")
    return 0


def _build_annual(project, years, todo, results, all_months, renderer, force, tunggu) -> None:
    """Annual reports asked for, of every year with --all, and of years whose month changed."""
    from crmlib.publish.year import build_years

    wanted = set(years)
    if all_months:
        wanted |= {m[:4] for m in todo}
    for r in results:  # a republished month changes its year's published annual report
        if (
            r.status == "dibangun"
            and (project.output_dir / r.periode[:4] / "laporan.html").exists()
        ):
            wanted.add(r.periode[:4])
    if not wanted:
        return
    for year, status in build_years(project, sorted(wanted), renderer, force, tunggu).items():
        keterangan = {
            "dibangun": "dibangun",
            "terkini": "sudah terkini",
            "kosong": "belum ada bulan",
            "final": "final, terbit dari terbitan/ (tidak dibangun ulang)",
        }
        _echo(f"Laporan tahunan {year}: {keterangan[status]}")


@cli.command("new-month")
@click.argument("periode", metavar="YYYY-MM")
@click.option(
    "--data",
    "data",
    required=True,
    type=click.Path(path_type=Path),
    help="Data ekspor CRM bulan ini (.xlsx atau folder CSV).",
)
@click.option("--per-tanggal", metavar='"YYYY-MM-DD HH:MM"', help="Waktu ekspor data CRM.")
@click.option(
    "--force",
    is_flag=True,
    help="Timpa params/YYYY-MM.yaml yang sudah ada (berkas lama disimpan sebagai .bak-WAKTU).",
)
@click.option("--izinkan-kosong", is_flag=True, help=IZINKAN_KOSONG_HELP)
def new_month(
    periode: str, data: Path, per_tanggal: str | None, force: bool, izinkan_kosong: bool
) -> int:
    """Validasi data bulan baru dan buat params/YYYY-MM.yaml dari nilai bawaan.

    Semua diperiksa sebelum berkas ditulis; bila ada yang salah, tidak ada berkas yang berubah.
    """
    from crmlib.data.newmonth import write_month_params
    from crmlib.project import Project

    path, backup = write_month_params(
        Project.find(), periode, data, per_tanggal, force=force, izinkan_kosong=izinkan_kosong
    )
    if backup is not None:
        _echo(f"Berkas lama disimpan sebagai: {backup}")
    _echo(
        f"Berkas parameter dibuat: {path}\nSunting kendala/saran/catatan bila perlu, lalu "
        f"jalankan: crm-report build {periode}"
    )
    return 0


@cli.command()
@_RENDERER
def status(renderer: str) -> int:
    """Tampilkan setiap bulan di params/: sudah dibangun atau belum, terkini atau perlu
    dibangun ulang, dan peringatan kewajaran datanya; lalu laporan tahunannya (draf atau
    final, dan apakah edisi tahunannya usang)."""
    from crmlib.project import Project
    from crmlib.publish.status import format_statuses, format_years, month_statuses, year_statuses

    project = Project.find()
    text = format_statuses(month_statuses(project, renderer))
    _echo(text + format_years(year_statuses(project)))
    return 0


@cli.command()
@click.argument("periode", metavar="YYYY-MM")
def nilai(periode: str) -> int:
    """Tampilkan setiap nama isian sel Markdown notebook ({{ nama }}) dengan nilai bulan itu."""
    from crmlib.report.laporan import siapkan_laporan
    from crmlib.report.narasi import teks_daftar_nilai

    _echo(teks_daftar_nilai(siapkan_laporan(periode=periode, output_dir=None)))
    return 0


@cli.command()
@click.argument("notebook", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_RENDERER
def render(notebook: Path, renderer: str) -> int:
    """Susun HTML + PDF dari notebook laporan yang dijalankan sendiri (papermill, JupyterLab).

    Hasilnya NAMA.html dan NAMA.pdf di samping NOTEBOOK, sama dengan laporan crm-report
    build (sampul, kata pengantar, tanda tangan dari params bulan itu).
    """
    from crmlib.render.notebook import render_notebook

    out = render_notebook(notebook, renderer=renderer)
    _echo(f"HTML: {out['html']}\nPDF:  {out['pdf']}")
    return 0


@cli.command()
@click.argument("periode", metavar="YYYY-MM")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def preview(periode: str, port: int) -> int:
    """Pratinjau langsung: susun bulan itu ke .preview/YYYY-MM/ dan tampilkan di
    http://127.0.0.1:PORT/; setiap kali notebook, params, data atau templat disimpan,
    pratinjau diperbarui dan halaman dimuat ulang. Ctrl-C untuk berhenti."""
    import time

    from crmlib.cli.preview import Preview
    from crmlib.project import Project

    pv = Preview(Project.find().root, periode, port, log=_echo)
    pv.start()
    _echo(f"Pratinjau {periode}: {pv.url}  (Ctrl-C untuk berhenti)")
    try:
        while True:
            time.sleep(3600)
    finally:
        pv.stop()


@cli.command()
@_TUNGGU
def archive(tunggu: float) -> int:
    """Bangun ulang output/index.html (arsip) dari bulan yang sudah terbit di output/."""
    from crmlib.project import Project
    from crmlib.publish.publishing import refresh_archive, writing_output

    project = Project.find()
    with writing_output(project, "archive", tunggu, lambda note: _echo_err(f"catatan: {note}")):
        path = refresh_archive(project)
    _echo(f"Arsip diperbarui: {path}")
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
    from crmlib.publish.tandatangan import take_passphrase

    # The signing passphrase leaves the environment before anything starts a child process.
    obj = {"sandi": take_passphrase()}
    debug = os.environ.get("CRM_REPORT_DEBUG") == "1" or "--debug" in (argv or sys.argv[1:])
    try:
        rc = cli.main(args=argv, prog_name="crm-report", standalone_mode=False, obj=obj)
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C (and our SIGTERM) into Abort; a declined prompt is Abort too.
        stopped = isinstance(exc.__cause__, KeyboardInterrupt)
        _echo_err(STOPPED if stopped else "Dibatalkan.")
        rc = EXIT_INTERRUPTED
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)
        _echo_err(shown.getvalue().rstrip("\n"))
        rc = exc.exit_code
    except CrmReportError as exc:
        _echo_err(f"GAGAL: {exc}")
        rc = exc.exit_code
    except KeyboardInterrupt:
        _echo_err(STOPPED)
        rc = EXIT_INTERRUPTED
    except OSError as exc:
        storage = StorageError.from_oserror(exc)
        if storage is None:
            return _internal_error(exc, debug)
        _echo_err(f"GAGAL: {storage}")
        rc = storage.exit_code
    except Exception as exc:  # a bug, not the user's fault
        return _internal_error(exc, debug)
    return int(rc or 0)


def _internal_error(exc: Exception, debug: bool) -> int:
    """Report a bug in one line (the traceback only with --debug); call from an except block."""
    if debug:
        traceback.print_exc()
    _echo_err(
        f"Kesalahan internal: {type(exc).__name__}: {exc}\n"
        "Ini kemungkinan bug crm-report; jalankan ulang dengan --debug dan laporkan ke tim."
    )
    return EXIT_INTERNAL


for _command in edisi_commands.COMMANDS:
    cli.add_command(_command)
cli.subcommand_metavar = cli_id.SUBCOMMAND_METAVAR
for _command in (cli, *cli.commands.values()):
    _command.options_metavar = cli_id.OPTIONS_METAVAR


if __name__ == "__main__":
    sys.exit(main())
