"""``crm-report``: the command line of the monthly CRM report.

Thin by design: parse arguments, call crmlib; :mod:`crmlib.cli.runlog` maps crmlib's
errors to exit codes and keeps everything but the command's own lines off the terminal.
Exit codes: 0 ok, 1 invalid data or a failed build, 2 invalid parameters,
3 renderer missing, 70 internal error (a bug: please report it), 74 disk full or
no permission to write, 75 output/ in use by another run, 130 interrupted
(Ctrl-C, SIGTERM, or the terminal closing: SIGHUP).

Everything printed goes through :func:`_echo`, which strips control characters
(values from the data must not drive the terminal); click's own words are
Indonesian (:mod:`crmlib.cli.click_id`).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from crmlib import __version__
from crmlib.cli import click_id as cli_id
from crmlib.cli import edisi as edisi_commands
from crmlib.cli import runlog
from crmlib.cli.common import (
    _KOTA,
    _RENDERER,
    _TUNGGU,
    PERIODE,
    _echo,
    _echo_err,
    _months_or_years,
)
from crmlib.cli.progress import published_files
from crmlib.errors import ParamsError, StorageError

IZINKAN_KOSONG_HELP = (
    "Terima bulan tanpa laporan (berkas hanya berisi judul, atau 0 laporan dalam periode)."
)

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
      1. crm-report validate DATA --periode YYYY-MM      periksa data ekspor CRM
      2. crm-report new-month YYYY-MM --data DATA        buat params/YYYY-MM.yaml
      3. (sunting kendala/saran/catatan di params/YYYY-MM.yaml bila perlu)
      4. crm-report build YYYY-MM                        susun draf laporan HTML + PDF
         crm-report preview YYYY-MM                      pratinjau sambil menyunting kalimat
         crm-report status                               bulan mana yang perlu dibangun ulang
      5. crm-report finalize YYYY-MM                     edisi final (tanpa DRAF, di terbitan/)
      6. git add terbitan/YYYY-MM && git commit          simpan edisi final ke git
         crm-report verify YYYY-MM                       periksa edisi final kapan saja
         crm-report revise YYYY-MM --alasan "TEKS"       edisi final berikutnya bila ada koreksi
    Berlatih dengan data contoh: crm-report contoh YYYY-MM --ke data/YYYY-MM.xlsx
    Hasil ada di output/YYYY-MM/ dan arsip di output/index.html; panduan: README.md dan docs/.
    """
    ctx.ensure_object(dict)["debug"] = debug


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option(
    "--periode", type=PERIODE, help="Bulan laporan; bila kosong, bulan terbanyak di data."
)
@_KOTA
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
@click.option("--periode", required=True, type=PERIODE, help="Bulan laporan.")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path),
    metavar="BERKAS",
    help="Tulis ke berkas ini; tanpa -o, metrics.json dicetak ke layar (stdout).",
)
@click.option("--per-tanggal", metavar='"YYYY-MM-DD HH:MM"', help="Waktu ekspor data CRM.")
@_KOTA
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
    m = compute_month(month, ref, per_tanggal=when, tiket=True)
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
@click.argument("months", nargs=-1, metavar="[YYYY-MM ...]", callback=_months_or_years)
@click.option(
    "--all", "all_months", is_flag=True, help="Semua bulan yang punya params/YYYY-MM.yaml."
)
@click.option(
    "--jobs",
    "-j",
    type=cli_id.BilanganBulat(min=1),
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
                warm_after=bool(all_months or years),  # an annual report may follow
            )
        _echo(progress.summary(results))
    annual = _build_annual(project, years, todo, results, all_months, renderer, force, tunggu)
    for r in results:
        for warning in r.warnings:
            _echo_err(f"PERINGATAN: {warning}")
    _echo(published_files(project.output_dir, results, annual))
    failed = [r for r in results if r.status == "gagal"]
    if failed:
        # A disk or permission problem concerns the whole run, not one month's data.
        return StorageError.exit_code if any(r.exit_code == 74 for r in failed) else 1
    return 0


def _build_annual(project, years, todo, results, all_months, renderer, force, tunggu) -> dict:
    """Annual reports asked for, of every year with --all, and of years whose month changed.

    Returns ``{YYYY: status}`` of the years considered.
    """
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
        return {}
    statuses = build_years(project, sorted(wanted), renderer, force, tunggu)
    for year, status in statuses.items():
        keterangan = {
            "dibangun": "dibangun",
            "terkini": "sudah terkini",
            "kosong": "belum ada bulan",
            "final": "final, terbit dari terbitan/ (tidak dibangun ulang)",
        }
        _echo(f"Laporan tahunan {year}: {keterangan[status]}")
    return statuses


def _data_option(flag: str, dest: str, help: str):
    """A required option naming a month's export (an .xlsx file or a CSV folder)."""
    return click.option(
        flag, dest, required=True, type=click.Path(path_type=Path), metavar="DATA", help=help
    )


@cli.command("new-month")
@click.argument("periode", type=PERIODE, metavar="YYYY-MM")
@_data_option("--data", "data", "Data ekspor CRM bulan ini (.xlsx atau folder CSV).")
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
@click.argument("periode", type=PERIODE, metavar="YYYY-MM")
@_data_option(
    "--ke",
    "tujuan",
    "Tujuan: nama berakhiran .xlsx = satu berkas Excel (sheet laporan dan koordinasi); "
    "selain itu folder berisi laporan.csv dan koordinasi.csv.",
)
@click.option("--force", is_flag=True, help="Timpa berkas atau folder yang sudah ada di tujuan.")
def contoh(periode: str, tujuan: Path, force: bool) -> int:
    """Buat data ekspor CRM contoh (sintetis, tanpa data pelapor) untuk bulan mana pun,
    untuk berlatih menyusun laporan sebulan penuh.

    Bulan 2022 sama dengan data/sample/; bulan lain dibuat dari bulan itu sendiri (selalu
    sama). Laporan dari data contoh bukan laporan resmi: jangan memfinalkan atau
    menerbitkannya.
    """
    from crmlib.samplegen import write_example

    try:
        path, as_of = write_example(periode, tujuan, force=force)
    except FileExistsError:
        raise ParamsError(
            f"{tujuan} sudah ada; pilih tujuan lain dengan --ke, atau tambahkan --force untuk "
            "menimpanya."
        ) from None
    _echo(
        f"Data contoh {periode} (sintetis, bukan data CRM) ditulis: {path}\n"
        f"Waktu ekspornya (per tanggal): {as_of}\n"
        f"Berikutnya: crm-report validate {path} --periode {periode}"
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
@click.argument("periode", type=PERIODE, metavar="YYYY-MM")
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
@click.argument("periode", type=PERIODE, metavar="YYYY-MM")
@click.option(
    "--port",
    type=cli_id.BilanganBulat(0, 65535),
    default=None,
    metavar="PORT",
    help="Port di 127.0.0.1 (bawaan 8000; bila 8000 sedang dipakai, port bebas berikutnya; "
    "0 = port bebas mana pun).",
)
def preview(periode: str, port: int | None) -> int:
    """Pratinjau langsung: susun bulan itu ke .preview/YYYY-MM/ dan tampilkan di
    http://127.0.0.1:PORT/; setiap kali notebook, params, data atau templat disimpan,
    pratinjau diperbarui dan halaman dimuat ulang. Ctrl-C untuk berhenti."""
    import time

    from crmlib.cli.preview import DEFAULT_PORT, Preview
    from crmlib.project import Project
    from crmlib.publish.lock import stop_on_signals

    root = Project.find().root
    pv = Preview(
        root,
        periode,
        DEFAULT_PORT if port is None else port,
        log=_echo,
        next_free_port=port is None,
    )
    # Ctrl-C, SIGTERM and the terminal closing (SIGHUP) stop it alike.
    with stop_on_signals():
        try:
            pv.start()
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            _echo_err("Pratinjau dihentikan.")
            return runlog.EXIT_INTERRUPTED
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
    """Console-script entry point; never lets a traceback reach the user's terminal.

    Third-party warnings and log records stay off the terminal, crmlib's errors become
    one Indonesian line and an exit code, and an internal error's traceback goes to a
    log file that the message names (:mod:`crmlib.cli.runlog`).
    """
    from crmlib.publish.tandatangan import take_passphrase

    args = list(sys.argv[1:] if argv is None else argv)
    debug = os.environ.get("CRM_REPORT_DEBUG") == "1" or "--debug" in args
    # The signing passphrase leaves the environment before anything starts a child process.
    return runlog.run(cli, args, debug, obj={"sandi": take_passphrase()})


def console() -> None:
    """The ``crm-report`` console script: :func:`main`, then the process ends at once.

    What :func:`main` returns is the exit code; :func:`crmlib.cli.runlog.end_process`
    ends the process without Python's teardown once everything is written.
    """
    runlog.end_process(main())


for _command in edisi_commands.COMMANDS:
    cli.add_command(_command)
cli.subcommand_metavar = cli_id.SUBCOMMAND_METAVAR
for _command in (cli, *cli.commands.values()):
    _command.options_metavar = cli_id.OPTIONS_METAVAR


if __name__ == "__main__":
    console()
