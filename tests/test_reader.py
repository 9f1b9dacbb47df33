"""Reader: both input forms, aliases, datetimes, PII dropping, month filter, every bad-input kind."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import koordinasi_row, laporan_row

from crmlib.data.parsing import parse_datetimes
from crmlib.data.reader import read_month
from crmlib.errors import InputDataError

FORMS = ["csv", "xlsx"]


def problems_of(path, periode="2022-06"):
    with pytest.raises(InputDataError) as info:
        read_month(path, periode)
    return info.value.problems


def only(problems, **where):
    hits = [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]
    assert hits, f"no problem with {where} in {[str(p) for p in problems]}"
    return hits[0]


@pytest.mark.parametrize("form", FORMS)
def test_valid_month_reads_in_both_forms(month_factory, form):
    path = month_factory(
        [laporan_row(), laporan_row(nomor_laporan="JK2206030002", status="Selesai")], form=form
    )
    month = read_month(path, "2022-06")
    assert len(month.laporan) == 2
    assert list(month.laporan["status"]) == ["Complete", "Complete"]
    assert month.laporan["waktu_masuk"].iloc[0] == pd.Timestamp("2022-06-03 08:00")
    assert month.laporan["kecamatan"].iloc[0] == "MATRAMAN"
    assert month.counts["laporan"] == {"read": 2, "kept": 2, "left_out": 0}
    assert [s["name"] for s in month.sources] and all(len(s["sha256"]) == 64 for s in month.sources)


def test_defaults_filled_max_hours_and_rejections(month_factory):
    month = read_month(
        month_factory(
            [
                laporan_row(),
                laporan_row(
                    nomor_laporan="JK2206030002",
                    kategori="Jalan",
                    max_waktu_tl_jam="72",
                    jumlah_tl_ditolak="3",
                    nilai_tl="90",
                ),
            ]
        ),
        "2022-06",
    )
    lap = month.laporan
    assert list(lap["max_waktu_tl_jam"]) == [48.0, 72.0]
    assert list(lap["jumlah_tl_ditolak"]) == [0, 3]
    assert pd.isna(lap["nilai_tl"].iloc[0]) and lap["nilai_tl"].iloc[1] == 90


def test_header_and_value_aliases(month_factory):
    header_alias = {
        "nomor_laporan": "No. Laporan",
        "kanal": "Kanal Laporan",
        "ukpd": "Nama SKPD",
        "waktu_masuk": "Tgl Masuk",
        "waktu_selesai": "Tgl TL",
        "status": " STATUS ",
    }
    rows = [
        {
            header_alias.get(k, k): v
            for k, v in laporan_row(
                ukpd="kel. pulogebang",
                kanal="Jakarta Kini",
                status="Proses",
                kategori="Pekerja Penanganan Prasarana dan Sarana Umum Kelurahan",
            ).items()
        }
    ]
    month = read_month(month_factory(rows), "2022-06")
    r = month.laporan.iloc[0]
    assert r["ukpd"] == "KELURAHAN PULO GEBANG"
    assert r["kanal"] == "JAKI"
    assert r["status"] == "In Progres"
    assert r["kategori"] == "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan"


def test_datetime_forms_iso_dayfirst_and_excel_native(tmp_path):
    series = pd.Series(
        [
            "2022-06-03 16:15:00",
            "2022-06-03 16:15",
            "03/06/2022 16:15",
            dt.datetime(2022, 6, 3, 16, 15),
            44715.6770833333,
            "",
            None,
        ],
        dtype=object,
    )
    parsed, invalid = parse_datetimes(series)
    expected = pd.Timestamp("2022-06-03 16:15")
    assert list(parsed.iloc[:5]) == [expected] * 5
    assert parsed.iloc[5:].isna().all()
    assert not invalid.any()


@pytest.mark.parametrize("form", FORMS)
def test_reporter_columns_dropped_and_never_echoed(month_factory, form):
    secret = {
        "Nama Pelapor": "Siti Rahmawati",
        "No HP": "081299990000",
        "Email": "siti@example.com",
        "Isi Laporan": "sampah menumpuk di depan rumah saya",
    }
    rows = [
        dict(laporan_row(), **secret),
        dict(laporan_row(nomor_laporan="JK2206030001"), **secret),
    ]
    # The duplicate number makes the read fail: the message must still not carry PII.
    problems = problems_of(month_factory(rows, form=form))
    text = "\n".join(str(p) for p in problems)
    for value in secret.values():
        assert value not in text
    ok = read_month(month_factory([dict(laporan_row(), **secret)], form=form), "2022-06")
    assert not set(secret) & set(ok.laporan.columns)
    assert ok.dropped_columns["laporan"]["pelapor"] == 4
    assert all(v not in ok.laporan.to_string() for v in secret.values())


def test_rows_of_other_months_left_out_and_counted(month_factory):
    month = read_month(
        month_factory(
            [
                laporan_row(),
                laporan_row(
                    nomor_laporan="JK2205310001",
                    waktu_masuk="2022-05-31 23:59:59",
                    waktu_respon="",
                    waktu_selesai="",
                ),
            ],
            [
                koordinasi_row(),
                koordinasi_row(waktu_koordinasi="2022-07-01 00:00:00", waktu_proses=""),
            ],
        ),
        "2022-06",
    )
    assert month.counts["laporan"] == {"read": 2, "kept": 1, "left_out": 1}
    assert month.counts["koordinasi"] == {"read": 2, "kept": 1, "left_out": 1}


def test_periode_inferred_when_not_given(valid_month):
    assert read_month(valid_month).periode == "2022-06"


# ------------------------------------------------------------------ bad input, each kind


@pytest.mark.parametrize("form", FORMS)
def test_missing_required_column(month_factory, form):
    rows = [{k: v for k, v in laporan_row().items() if k != "kanal"}]
    p = only(problems_of(month_factory(rows, form=form)), column="kanal")
    assert p.message == "kolom wajib tidak ada"
    assert p.sheet == ("laporan" if form == "xlsx" else None)
    assert p.file.endswith("laporan.csv" if form == "csv" else ".xlsx")


def test_empty_csv_file(month_factory):
    path = month_factory([laporan_row()])
    (path / "koordinasi.csv").write_text("")
    p = only(problems_of(path), message="berkas kosong")
    assert p.file.endswith("koordinasi.csv")


def test_unreadable_xlsx(tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"this is not a workbook")
    p = only(problems_of(bad))
    assert "tidak dapat dibaca sebagai Excel" in p.message


def test_missing_sheet(tmp_path):
    path = tmp_path / "satu-sheet.xlsx"
    pd.DataFrame([laporan_row()]).to_excel(path, sheet_name="laporan", index=False)
    p = only(problems_of(path), sheet="koordinasi")
    assert p.message == "sheet tidak ditemukan"


def test_missing_data_path(tmp_path):
    p = only(problems_of(tmp_path / "tidak-ada"))
    assert "tidak ditemukan" in p.message


@pytest.mark.parametrize("form", FORMS)
def test_value_not_a_date(month_factory, form):
    rows = [laporan_row(), laporan_row(nomor_laporan="JK2206030002", waktu_selesai="kemarin sore")]
    p = only(problems_of(month_factory(rows, form=form)), row=3)
    assert p.column.startswith("waktu_selesai") and p.value == "kemarin sore"
    assert "tanggal" in p.expected


def test_value_not_a_number(month_factory):
    p = only(problems_of(month_factory([laporan_row(max_waktu_tl_jam="dua hari")])), row=2)
    assert p.column == "max_waktu_tl_jam" and p.message == "bukan angka"


@pytest.mark.parametrize("form", FORMS)
def test_unknown_unit_channel_status_with_suggestions(month_factory, form):
    rows = [laporan_row(ukpd="KELURAHAN PULOGEBNG", kanal="Twiter", status="Complet")]
    problems = problems_of(month_factory(rows, form=form))
    unit = only(problems, message="UKPD tidak dikenal")
    assert unit.row == 2 and "KELURAHAN PULO GEBANG" in unit.expected
    assert "Twitter" in only(problems, message="kanal tidak dikenal").expected
    assert "Complete" in only(problems, message="status tidak dikenal").expected


def test_unknown_unit_in_koordinasi(month_factory):
    p = only(
        problems_of(month_factory([laporan_row()], [koordinasi_row(ukpd="KELURAHAN ATLANTIS")]))
    )
    assert p.file.endswith("koordinasi.csv") and p.row == 2 and p.column == "ukpd"


@pytest.mark.parametrize("form", FORMS)
def test_duplicate_report_number(month_factory, form):
    rows = [laporan_row(), laporan_row(ukpd="KELURAHAN SETU"), laporan_row()]
    problems = [p for p in problems_of(month_factory(rows, form=form)) if "ganda" in p.message]
    assert [p.row for p in problems] == [3, 4]
    assert "baris 2" in problems[0].expected


def test_negative_rejections_and_score_out_of_range(month_factory):
    problems = problems_of(
        month_factory(
            [
                laporan_row(jumlah_tl_ditolak="-1"),
                laporan_row(nomor_laporan="JK2206030002", nilai_tl="101"),
                laporan_row(nomor_laporan="JK2206030003", nilai_tl="-5"),
            ]
        )
    )
    assert only(problems, column="jumlah_tl_ditolak").row == 2
    assert {p.row for p in problems if p.column == "nilai_tl"} == {3, 4}


def test_times_running_backwards(month_factory):
    problems = problems_of(
        month_factory(
            [
                laporan_row(waktu_respon="2022-06-03 07:59:00"),
                laporan_row(nomor_laporan="JK2206030002", waktu_selesai="2022-06-02 08:00:00"),
            ],
            [koordinasi_row(waktu_proses="2022-06-03 08:00:00")],
        )
    )
    assert only(problems, row=2, column="waktu_respon").message.startswith("waktu mundur")
    assert only(problems, row=3, column="waktu_selesai")
    assert only(problems, column="waktu_proses").file.endswith("koordinasi.csv")


def test_all_problems_reported_not_just_first(month_factory):
    rows = [laporan_row(nomor_laporan=f"JK22060300{i:02d}", kanal="Merpati") for i in range(30)]
    problems = problems_of(month_factory(rows))
    assert len(problems) == 30
    assert sorted(p.row for p in problems) == list(range(2, 32))


def test_row_numbers_count_blank_lines_as_the_user_sees_them(month_factory):
    path = month_factory([laporan_row()])
    text = (path / "laporan.csv").read_text().splitlines()
    bad = ",".join(["JK2206030009", "Merpati"] + text[1].split(",")[2:])
    (path / "laporan.csv").write_text("\n".join([text[0], text[1], "", bad]) + "\n")
    assert only(problems_of(path), message="kanal tidak dikenal").row == 4


def test_xlsx_names_column_letter(month_factory):
    p = only(problems_of(month_factory([laporan_row(kanal="Merpati")], form="xlsx")))
    assert p.column == "kanal [B]" and p.sheet == "laporan" and p.row == 2


def test_message_names_file_sheet_row_column(month_factory):
    path = month_factory([laporan_row(status="Ditunda")], form="xlsx")
    with pytest.raises(InputDataError) as info:
        read_month(path, "2022-06")
    text = str(info.value)
    assert str(path) in text and "sheet 'laporan'" in text and "baris 2" in text
    assert "kolom 'status [F]'" in text and "'Ditunda'" in text


def test_bad_periode_parameter(valid_month):
    p = only(problems_of(valid_month, periode="2022-13"))
    assert p.column == "periode"
