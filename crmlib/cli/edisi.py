"""The edition commands: ``finalize``, ``revise``, ``verify`` (a month or a year).

Registered on the ``crm-report`` group by :mod:`crmlib.cli.main`.
"""

from __future__ import annotations

from pathlib import Path

import click

from crmlib.cli.common import _RENDERER, _TUNGGU, PERIODE_ATAU_TAHUN, _echo, _echo_err

_OLEH = click.option(
    "--oleh",
    metavar="JABATAN",
    help="Siapa yang memfinalkan, sebagai jabatan (bawaan: edisi.difinalkan_oleh di "
    "params/_default.yaml); satu baris, tanpa e-mail.",
)


def _tandatangan_option(help_text: str):
    return click.option(
        "--tandatangan",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="BERKAS.p12",
        help=help_text,
    )


def _passphrase(tandatangan: Path | None, sandi: str | None) -> bytes | None:
    """The certificate's passphrase: CRM_TTE_SANDI (read at start-up) or a prompt, never an argument."""
    if tandatangan is None:
        return None
    if sandi is None:
        import getpass

        sandi = getpass.getpass(f"Kata sandi sertifikat {tandatangan}: ")
    return sandi.encode() if sandi else None


_IZINKAN_PERUBAHAN = click.option(
    "--izinkan-perubahan",
    is_flag=True,
    help="Finalkan walau notebook/params/templat/crmlib/lock belum di-commit (dicatat di manifest).",
)


def _final_edition(
    periode: str,
    renderer: str,
    oleh,
    alasan,
    tandatangan,
    tunggu: float,
    izinkan: bool,
    abaikan_hilang: bool = False,
    paksa: bool = False,
) -> int:
    from crmlib.project import Project
    from crmlib.publish.edisi import is_year
    from crmlib.publish.edisi_tahunan import finalize_year
    from crmlib.publish.finalize import finalize

    project = Project.find()
    r = (finalize_year if is_year(periode) else finalize)(
        project,
        periode,
        renderer=renderer,
        oleh=oleh,
        alasan=alasan,
        p12=tandatangan,
        sandi=_passphrase(tandatangan, click.get_current_context().obj.get("sandi")),
        abaikan_hilang=abaikan_hilang,
        wait=tunggu,
        notify=lambda note: _echo_err(f"catatan: {note}"),
        izinkan_perubahan=izinkan,
        paksa=paksa,
    )
    for warning in r.warnings:
        _echo_err(f"PERINGATAN: {warning}")
    _echo(
        f"{periode}: {r.reason}, disimpan di terbitan/{periode}/ dan diterbitkan di "
        f"output/{periode}/ ({r.seconds:.1f} s).\n"
        f"Simpan ke git: git add terbitan/{periode} && git commit\n"
        f"Periksa kapan saja: crm-report verify {periode}"
    )
    return 0


@click.command()
@click.argument("periode", type=PERIODE_ATAU_TAHUN, metavar="YYYY-MM|YYYY")
@_OLEH
@_tandatangan_option(
    "Tandatangani PDF dengan sertifikat PKCS#12; kata sandi dari variabel CRM_TTE_SANDI "
    "atau ditanyakan."
)
@_RENDERER
@_TUNGGU
@_IZINKAN_PERUBAHAN
def finalize(periode, oleh, tandatangan, renderer, tunggu, izinkan_perubahan) -> int:
    """Jadikan bulan ini edisi final 1: dibangun sekali lagi tanpa tanda DRAF (PDF/A, lampiran
    metrics.json dan tabel.xlsx), disimpan byte demi byte di terbitan/ dan tidak dibangun ulang lagi.
    Data kanonik, params dan notebook-nya ikut disimpan, sehingga edisi dapat dibangun ulang.
    YYYY: laporan tahunan, hanya bila kedua belas bulannya sudah final.
    """
    return _final_edition(periode, renderer, oleh, None, tandatangan, tunggu, izinkan_perubahan)


@click.command()
@click.argument("periode", type=PERIODE_ATAU_TAHUN, metavar="YYYY-MM|YYYY")
@click.option(
    "--alasan",
    required=True,
    metavar="TEKS",
    help="Alasan revisi, satu baris (paling banyak 300 karakter; tercetak di sampul edisi baru).",
)
@_OLEH
@_tandatangan_option("Tandatangani PDF edisi baru (kata sandi dari CRM_TTE_SANDI atau ditanyakan).")
@click.option(
    "--abaikan-edisi-hilang",
    is_flag=True,
    help="Edisi final yang tercatat (git, output/) tetapi hilang dari terbitan/ dan tidak dapat "
    "dipulihkan: buat edisi berikutnya dan catat yang hilang di manifest.",
)
@click.option(
    "--paksa",
    is_flag=True,
    help="Revisi walau data, params dan notebook sama dengan edisi terkini (mis. templat atau "
    "crmlib diperbaiki).",
)
@_RENDERER
@_TUNGGU
@_IZINKAN_PERUBAHAN
def revise(
    periode,
    alasan,
    oleh,
    tandatangan,
    abaikan_edisi_hilang,
    paksa,
    renderer,
    tunggu,
    izinkan_perubahan,
) -> int:
    """Buat edisi final berikutnya dari data dan params saat ini; edisi lama tetap terbit.
    YYYY: edisi tahunan berikutnya (mis. setelah sebuah bulan direvisi)."""
    return _final_edition(
        periode,
        renderer,
        oleh,
        alasan,
        tandatangan,
        tunggu,
        izinkan_perubahan,
        abaikan_edisi_hilang,
        paksa,
    )


@click.command()
@click.argument("periode", type=PERIODE_ATAU_TAHUN, metavar="YYYY-MM|YYYY")
@click.option(
    "--bangun-ulang",
    is_flag=True,
    help="Bangun ulang setiap edisi dari masukan yang disimpan pada commit-nya; bandingkan per byte.",
)
@click.option(
    "--akar",
    type=click.Path(exists=True, path_type=Path),
    metavar="PEM",
    help="Akar terpercaya (berkas PEM atau folder) sebagai ganti edisi.akar_terpercaya di "
    "params/_default.yaml, mis. Root CA BSrE yang Anda unduh sendiri.",
)
def verify(periode: str, bangun_ulang: bool, akar: Path | None) -> int:
    """Periksa setiap edisi final bulan ini (PERIODE: YYYY-MM, atau YYYY untuk setahun):
    SHA-256 setiap berkas, isi PDF (PDF/A, periode, tanpa DRAF, lampiran), tanda tangan
    (utuh, sah, terpercaya, sesuai catatan), riwayat git dan masukan yang disimpan.
    Kode keluar 1 bila ada yang tidak cocok."""
    from crmlib.project import Project
    from crmlib.publish.bangun_ulang import verify_months
    from crmlib.publish.tandatangan import load_trust_roots

    project = Project.find()
    roots = load_trust_roots(akar) if akar is not None else None
    return 0 if verify_months(project, periode, bangun_ulang, _echo, roots) else 1


@click.command("bangun-edisi", hidden=True)
@click.argument("edisi_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("target", type=click.Path(path_type=Path))
def bangun_edisi(edisi_dir: Path, target: Path) -> int:
    """(internal, untuk verify --bangun-ulang) Bangun edisi di EDISI_DIR ke TARGET dengan kode ini."""
    from crmlib.project import Project
    from crmlib.publish.bangun_ulang import build_kept_edition

    build_kept_edition(Project.find(), edisi_dir, target)
    return 0


COMMANDS = (finalize, revise, verify, bangun_edisi)
