"""Importing field verification answers (kantong.verval.importer) and keeping them
(kantong.verval.results): the filled xlsx list, ODK Central csv and KoboToolbox csv/xlsx
exports, every rejection reason, duplicates, repeated imports, later answers, follow-ups.

Every fixture file is written here, from a handful of synthetic families:

    nagari A 13.06.01.2001: P01 P02 P03 P04   (all on the list made)
    nagari B 13.06.01.2002: P05 P06 P07       (all on the list made)
    nagari C 13.06.02.2001: P08               (no list made)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import zipfile

import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from etl.errors import InputError
from kantong.verval import choices, importer
from kantong.verval.importer import read_results
from kantong.verval.results import FollowUp, ResultStore, import_files

A, B, C = "13.06.01.2001", "13.06.01.2002", "13.06.02.2001"
FAMILIES = {"P01": A, "P02": A, "P03": A, "P04": A, "P05": B, "P06": B, "P07": B, "P08": C}
LISTED = {(kode, fam) for fam, kode in FAMILIES.items() if kode != C}
ALL = (A, B, C)
WIB = dt.timezone(dt.timedelta(hours=7))
NEEDS = [c.kode for c in choices.NEEDS]


# ----------------------------------------------------------------------------- fixture files


def _family_cells(fam: str, kode: str, no: int) -> dict:
    return {
        "no": no,
        "id_keluarga": fam,
        "kode_desa": kode,
        "nama_kepala": f"Kepala {fam}",
        "nik_kepala": "130601******" + fam[-2:].rjust(4, "0"),
        "alamat": f"Jorong Uji, RT 00{no}",
        "jiwa": 3,
        "status_dtks": "Belum di DTKS",
        "status_bansos": "Tidak menerima",
        "alasan": "Desil 1, belum di DTKS",
    }


ANSWER_KODES = [kode for kode, _, _ in choices.ANSWER_COLUMNS]


def list_xlsx(sheets: list[tuple[str, str, list], ...], reverse_columns: tuple[str, ...] = ()) -> bytes:
    """The filled list: a cover sheet, then per nagari (sheet name, code, rows) five title
    rows, the header on row 6 and a family per row from row 7. A row is (id, kode_desa,
    answers by ANSWER_KODES order) or a plain string written in column A (a note)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    cover = book.add_worksheet("Sampul")
    cover.write(0, 0, "Daftar Verifikasi dan Validasi Keluarga Miskin Ekstrem")
    for r, (name, kode, rows) in enumerate(sheets, start=3):
        cover.write_row(r, 0, [name, kode, f"Nagari {name}", len(rows)])
    labels = [(k, label) for k, label in choices.FAMILY_COLUMNS] + [
        (k, label) for k, label, _ in choices.ANSWER_COLUMNS
    ]
    for name, kode, rows in sheets:
        sheet = book.add_worksheet(name)
        columns = labels[::-1] if name in reverse_columns else labels  # columns moved around
        sheet.write(0, 0, "Daftar Verifikasi dan Validasi Keluarga Miskin Ekstrem")
        sheet.write(1, 0, f"Nagari/desa: Nagari {name} ({kode}), Kecamatan Uji, Kabupaten Uji")
        sheet.write(2, 0, "Dibuat 1 Mei 2024 oleh operator")
        sheet.write(3, 0, "Terpilih 4 dari 9 keluarga desil 1")
        for c, (_, label) in enumerate(columns):
            sheet.write_string(5, c, label)
        for r, row in enumerate(rows, start=6):
            if isinstance(row, str):
                sheet.write_string(r, 0, row)
                continue
            fam, fam_kode, answers = row
            cells = _family_cells(fam, fam_kode, r - 5) | dict(zip(ANSWER_KODES, answers))
            for c, (k, _) in enumerate(columns):
                value = cells.get(k)
                if isinstance(value, int):
                    sheet.write_number(r, c, value)
                elif value:
                    sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def filled_list() -> bytes:
    nagari_a = [
        ("P01", A, ["Ditemukan", "Layak", "Ya", "Bibit ternak", "Modal usaha", "", ""]),  # row 7: a duplicate
        ("P02", A, ["tidak_ditemukan", "", "", "", "", "", ""]),  # row 8: a kode rather than a label
        ("P03", A, [""] * 7),  # row 9: not visited yet
        ("P04", A, ["Ditemukan", "Layak", "Ya", "Pertanian/saprodi", "KIP", "Bibit ternak", ""]),  # row 10
        ("P05", B, ["Ditemukan", "", "", "", "", "", ""]),  # row 11: nagari B's family on A's sheet
        ("P99", A, ["Ditemukan", "", "", "", "", "", ""]),  # row 12: no such family
        ("P01", A, ["Ditemukan", "Tidak layak", "", "", "", "", "Sudah bekerja tetap"]),  # row 13: kept
        "",
        "Petugas verifikasi: ______________",  # row 15: not a data row
    ]
    nagari_b = [
        ("P05", B, ["Pindah", "", "", "", "", "", "Pindah ke Padang"]),  # row 7
        ("P06", B, ["Ditemukan", "Mungkin", "", "", "", "", ""]),  # row 8: not a choice
        ("P07", B, ["", "", "", "", "", "", "Rumah kosong"]),  # row 9: keberadaan missing
    ]
    return list_xlsx([("A", A, nagari_a), ("B", B, nagari_b)], reverse_columns=("B",))


ODK_HEAD = ["SubmissionDate", "start", "end", "today", "desa", "id_keluarga"]
ODK_META = ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "Status", "ReviewState", "DeviceID", "Edits"]


def odk_csv(rows: list[dict], split: bool) -> bytes:
    """An ODK Central export: kebutuhan_lain as one space-separated column, or (split) one
    0/1 column per choice."""
    multi = [f"jawaban-kebutuhan_lain/{k}" for k in NEEDS] if split else ["jawaban-kebutuhan_lain"]
    answers = ["jawaban-keberadaan", "jawaban-kelayakan", "jawaban-usulan_dtks", "jawaban-kebutuhan_utama"]
    header = ODK_HEAD + answers + multi + ["jawaban-keterangan"] + ODK_META
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i, r in enumerate(rows):
        lain = r.get("lain", [])
        uuid = f"uuid:{r['uuid']}"
        values = [r["time"], "2024-05-01T08:00:00.000+07:00", "2024-05-01T08:10:00.000+07:00", "2024-05-01"]
        values += [r["desa"], r["id"], r.get("ada", ""), r.get("layak", ""), r.get("usul", ""), r.get("utama", "")]
        values += [str(int(k in lain)) for k in NEEDS] if split else [" ".join(lain)]
        values += [r.get("ket", ""), uuid, uuid, "7", "Petugas Uji", "", r.get("review", ""), f"collect:{i}", "0"]
        writer.writerow(values)
    return out.getvalue().encode("utf-8")


def odk_files() -> tuple[bytes, bytes, bytes]:
    joined = odk_csv(
        [
            # row 2: P01, later superseded by the split file's row 4
            {"time": "2024-05-02T01:00:00.000Z", "desa": "13_06_01_2001", "id": "P01", "ada": "ditemukan",
             "layak": "layak", "usul": "ya", "utama": "bibit_ternak", "lain": ["modal_usaha", "pertanian"], "uuid": "a1"},
            {"time": "2024-05-02T02:00:00.000Z", "desa": "13_06_01_2002", "id": "P05", "ada": "meninggal",
             "uuid": "a2"},  # row 3
            {"time": "2024-05-02T03:00:00.000Z", "desa": "13_06_02_2001", "id": "P08", "ada": "ditemukan",
             "uuid": "a3"},  # row 4: no list made for nagari C
            {"time": "2024-05-02T04:00:00.000Z", "desa": "13_06_01_2001", "id": "P06", "ada": "ditemukan",
             "uuid": "a4"},  # row 5: P06 lives in B
            {"time": "2024-05-02T05:00:00.000Z", "desa": "13_06_01_2002", "id": "P07", "ada": "ditemukan",
             "review": "rejected", "uuid": "a5"},  # row 6
            {"time": "2024-05-01T00:00:00.000Z", "desa": "13_06_01_2001", "id": "P01", "ada": "ditemukan",
             "layak": "tidak_layak", "uuid": "a6"},  # row 7: P01 again, earlier
        ],
        split=False,
    )  # fmt: skip
    split = odk_csv(
        [
            {"time": "2024-05-03T00:00:00.000Z", "desa": "13_06_01_2001", "id": "P02", "ada": "ditemukan",
             "layak": "layak", "usul": "tidak", "utama": "perikanan", "lain": ["pertanian", "pendidikan"],
             "uuid": "b1"},  # row 2
            {"time": "2024-05-03T01:00:00.000Z", "desa": "13_06_01_2001", "id": "P04", "ada": "ganda",
             "uuid": "b2"},  # row 3
            {"time": "2024-05-04T00:00:00.000Z", "desa": "13_06_01_2001", "id": "P01", "ada": "ditemukan",
             "layak": "layak", "usul": "tidak", "utama": "modal_usaha", "lain": ["bibit_ternak"],
             "uuid": "b3"},  # row 4: P01's latest
            {"time": "2024-05-03T02:00:00.000Z", "desa": "13_06_01_2002", "id": "P06", "ada": "hilang",
             "uuid": "b4"},  # row 5: not a choice
        ],
        split=True,
    )  # fmt: skip
    repeat = (
        "anggota-nama,anggota-umur,PARENT_KEY,KEY\r\n"
        "Anggota Satu,40,uuid:a1,uuid:a1/anggota[1]\r\n"
        "Anggota Dua,12,uuid:a1,uuid:a1/anggota[2]\r\n"
    ).encode()
    return joined, split, repeat


KOBO_HEAD = ["start", "end", "desa", "id_keluarga", "jawaban/keberadaan", "jawaban/kelayakan", "jawaban/usulan_dtks"]
KOBO_HEAD += ["jawaban/kebutuhan_utama"]
KOBO_META = ["jawaban/keterangan", "meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status"]
KOBO_META += ["_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"]


def kobo_table(rows: list[dict], combined: bool, extra_choices: tuple[str, ...] = (), as_text: bool = True) -> list:
    """Kobo's default export: the space-separated column (when combined) and the 0/1 columns."""
    split = [f"jawaban/kebutuhan_lain/{k}" for k in (*NEEDS, *extra_choices)]
    header = KOBO_HEAD + (["jawaban/kebutuhan_lain"] if combined else []) + split + KOBO_META
    table = [header]
    for i, r in enumerate(rows, start=1):
        lain = r.get("lain", [])
        flag = (lambda on: "1" if on else "0") if as_text else (lambda on: 1.0 if on else 0.0)
        values = ["2024-05-01T08:00:00.000+07:00", "2024-05-01T08:10:00.000+07:00", r["desa"], r["id"]]
        values += [r.get("ada", ""), r.get("layak", ""), r.get("usul", ""), r.get("utama", "")]
        values += [" ".join(lain)] if combined else []
        values += [flag(k in lain) for k in (*NEEDS, *extra_choices)]
        uuid = r["uuid"]
        values += [r.get("ket", ""), f"uuid:{uuid}", 1000 + i if not as_text else str(1000 + i), uuid, r["time"]]
        values += [r.get("review", ""), "", "submitted_via_web", "petugas", "vAbc", "", i if not as_text else str(i)]
        table.append(values)
    return table


def kobo_csv() -> bytes:
    rows = [
        {"desa": A, "id": "P03", "ada": "ditemukan", "layak": "layak", "usul": "ya", "utama": "pendidikan",
         "lain": ["lainnya"], "time": "2024-05-05T03:00:00", "uuid": "k1"},  # row 2
        {"desa": A, "id": "P04", "ada": "Tidak ditemukan", "time": "2024-05-05T04:00:00", "uuid": "k2"},  # 3: a label
        {"desa": A, "id": "P99", "ada": "ditemukan", "time": "2024-05-05T05:00:00", "uuid": "k3"},  # row 4
        {"desa": B, "id": "P05", "ada": "", "time": "2024-05-05T06:00:00", "uuid": "k4"},  # row 5
        {"desa": B, "id": "P06", "ada": "ditemukan", "layak": "layak", "lain": ["roket"],
         "time": "2024-05-05T07:00:00", "uuid": "k5"},  # row 6: a choice the form no longer has
        {"desa": A, "id": "P03", "ada": "pindah", "time": "2024-05-04T00:00:00", "uuid": "k6"},  # row 7: earlier
    ]  # fmt: skip
    table = kobo_table(rows, combined=True, extra_choices=("roket",))
    for row in table[1:]:  # the combined column holds only the form's own choices, as Kobo writes it
        row[table[0].index("jawaban/kebutuhan_lain")] = row[table[0].index("jawaban/kebutuhan_lain")].replace(
            "roket", ""
        )
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(table)
    return out.getvalue().encode("utf-8")


def kobo_xlsx() -> bytes:
    rows = [
        {"desa": "13_06_01_2001", "id": "P01", "ada": "ditemukan", "layak": "layak", "usul": "ya",
         "utama": "modal_usaha", "lain": ["bibit_ternak", "perikanan"], "time": dt.datetime(2024, 5, 6, 1, 0),
         "uuid": "x1"},
        {"desa": "13_06_01_2001", "id": "P02", "ada": "ditemukan", "layak": "tidak_layak",
         "time": dt.datetime(2024, 5, 6, 2, 0), "uuid": "x2"},
        {"desa": "1306012002", "id": "P07", "ada": "ganda", "time": dt.datetime(2024, 5, 6, 3, 0), "uuid": "x3"},
        {"desa": "13_06_01_2002", "id": "P06", "ada": "ditemukan", "time": dt.datetime(2024, 5, 6, 4, 0),
         "review": "validation_status_not_approved", "uuid": "x4"},
    ]  # fmt: skip
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    main = book.add_worksheet("Verval keluarga miskin ekstrem")
    for r, values in enumerate(kobo_table(rows, combined=False, as_text=False)):
        for c, v in enumerate(values):
            if isinstance(v, dt.datetime):
                main.write_datetime(r, c, v, stamp)
            elif v != "":
                main.write(r, c, v)
    repeat = book.add_worksheet("anggota")
    repeat.write_row(0, 0, ["anggota/nama", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"])
    repeat.write_row(1, 0, ["Anggota Satu", 1, "Verval keluarga miskin ekstrem", 1, "x1"])
    book.close()
    return buffer.getvalue()


# ----------------------------------------------------------------------------- the importer


def _where(result) -> dict[str, tuple]:
    return {r.alasan + ":" + (r.id_keluarga or ""): (r.lembar, r.baris, r.kolom, r.nilai) for r in result.rejected}


def test_filled_list_every_row_accounted_for():
    result = read_results([("daftar_terisi.xlsx", filled_list())], FAMILIES, LISTED)
    assert result.files[0].bentuk == "daftar" and result.files[0].baris == 10
    assert result.rows_read == 10  # 7 on sheet A (note rows are not data), 3 on sheet B
    answers = {a.id_keluarga: a for a in result.accepted}
    assert sorted(answers) == ["P01", "P02", "P04", "P05"]
    p01 = answers["P01"]  # the later row of the two
    assert (p01.keberadaan, p01.kelayakan, p01.keterangan, p01.baris) == (
        "ditemukan",
        "tidak_layak",
        "Sudah bekerja tetap",
        13,
    )
    assert answers["P02"].keberadaan == "tidak_ditemukan"
    p04 = answers["P04"].record()
    assert p04 == {
        "id_keluarga": "P04",
        "kode_desa": A,
        "keberadaan": "ditemukan",
        "kelayakan": "layak",
        "usulan_dtks": "ya",
        "kebutuhan_utama": "pertanian",
        "kebutuhan_lain": ["pendidikan", "bibit_ternak"],  # both columns feed one answer
        "keterangan": None,
        "submitted_at": None,
        "source": "daftar_terisi.xlsx, lembar 'A', baris 10",
    }
    assert answers["P05"].keterangan == "Pindah ke Padang"  # sheet B's columns are in reverse order
    assert [(d.id_keluarga, d.source, d.kept) for d in result.duplicates] == [
        ("P01", "daftar_terisi.xlsx, lembar 'A', baris 7", "daftar_terisi.xlsx, lembar 'A', baris 13")
    ]
    assert [(u.id_keluarga, u.lembar, u.baris) for u in result.unanswered] == [("P03", "A", 9)]
    assert result.rejected_by_reason == {
        "keluarga_tidak_dikenal": 1,
        "di_luar_nagari": 1,
        "jawaban_tidak_dikenal": 1,
        "keberadaan_kosong": 1,
    }
    assert _where(result) == {
        "di_luar_nagari:P05": ("A", 11, None, A),  # the sheet's nagari
        "keluarga_tidak_dikenal:P99": ("A", 12, choices.ID_COLUMN, "P99"),
        "jawaban_tidak_dikenal:P06": ("B", 8, choices.KELAYAKAN.label, "Mungkin"),
        "keberadaan_kosong:P07": ("B", 9, choices.KEBERADAAN.label, None),
    }
    outside = next(r for r in result.rejected if r.alasan == "di_luar_nagari")
    assert str(outside) == (
        "berkas daftar_terisi.xlsx, lembar 'A', baris 11: keluarga P05 tercatat di nagari 13.06.01.2002, "
        "bukan 13.06.01.2001 (nagari lembar ini)"
    )
    wrong = next(r for r in result.rejected if r.alasan == "jawaban_tidak_dikenal")
    assert "jawaban 'Mungkin' pada kolom 'Kelayakan sebagai keluarga miskin ekstrem'" in str(wrong)
    assert "(Layak, Tidak layak)" in wrong.pesan
    assert result.warnings == []  # the cover sheet is passed over quietly


def test_odk_central_both_select_multiple_styles_and_a_repeat_file():
    joined, split, repeat = odk_files()
    files = [("odk_gabung.csv", joined), ("odk_pisah.csv", split), ("odk_anggota.csv", repeat)]
    result = read_results(files, FAMILIES, LISTED)
    assert [(f.nama, f.bentuk, f.baris) for f in result.files] == [
        ("odk_gabung.csv", "odk", 6),
        ("odk_pisah.csv", "odk", 4),
        ("odk_anggota.csv", None, 0),  # a repeat group's rows are not submissions
    ]
    assert any("odk_anggota.csv: 2 baris kelompok berulang" in w for w in result.warnings)
    assert result.rows_read == 10
    answers = {a.id_keluarga: a for a in result.accepted}
    assert sorted(answers) == ["P01", "P02", "P04", "P05"]
    p01 = answers["P01"]  # the latest of three submissions, from the file with 0/1 columns
    assert (p01.kebutuhan_utama, p01.kebutuhan_lain, p01.usulan_dtks) == ("modal_usaha", ["bibit_ternak"], "tidak")
    assert p01.submitted_at == dt.datetime(2024, 5, 4, tzinfo=dt.UTC)
    assert p01.source == "odk_pisah.csv uuid:b3" and p01.instance_id == "uuid:b3"
    assert answers["P02"].kebutuhan_lain == ["pertanian", "pendidikan"]
    assert (answers["P05"].keberadaan, answers["P05"].kode_desa) == ("meninggal", B)
    assert sorted((d.source, d.kept) for d in result.duplicates) == [
        ("odk_gabung.csv uuid:a1", "odk_pisah.csv uuid:b3"),
        ("odk_gabung.csv uuid:a6", "odk_pisah.csv uuid:b3"),
    ]
    assert _where(result) == {
        "di_luar_nagari:P08": (None, 4, "id_keluarga", "P08"),  # no list made for nagari C
        "di_luar_nagari:P06": (None, 5, "desa", "13_06_01_2001"),
        "ditolak_peninjau:P07": (None, 6, None, "rejected"),
        "jawaban_tidak_dikenal:P06": (None, 5, "jawaban-keberadaan", "hilang"),
    }
    # Only the joined file, alone: the space-separated column is read the same way.
    alone = read_results([("odk_gabung.csv", joined)], FAMILIES, LISTED)
    first = {a.id_keluarga: a for a in alone.accepted}["P01"]
    assert (first.kebutuhan_lain, first.source) == (["modal_usaha", "pertanian"], "odk_gabung.csv uuid:a1")


def test_kobo_csv_with_semicolons():
    result = read_results([("kobo.csv", kobo_csv())], FAMILIES, LISTED)
    assert result.files[0].bentuk == "kobo" and result.rows_read == 6
    answers = {a.id_keluarga: a for a in result.accepted}
    assert sorted(answers) == ["P03", "P04"]
    p03 = answers["P03"]  # the combined column and the 0/1 column name the same choice once
    assert (p03.keberadaan, p03.kebutuhan_utama, p03.kebutuhan_lain) == ("ditemukan", "pendidikan", ["lainnya"])
    assert p03.submitted_at == dt.datetime(2024, 5, 5, 3, tzinfo=dt.UTC)  # Kobo writes UTC without a zone
    assert p03.source == "kobo.csv uuid:k1"
    assert answers["P04"].keberadaan == "tidak_ditemukan"  # written as the label
    assert [(d.source, d.kept) for d in result.duplicates] == [("kobo.csv uuid:k6", "kobo.csv uuid:k1")]
    assert _where(result) == {
        "keluarga_tidak_dikenal:P99": (None, 4, "id_keluarga", "P99"),
        "keberadaan_kosong:P05": (None, 5, "jawaban/keberadaan", None),
        "jawaban_tidak_dikenal:P06": (None, 6, "jawaban/kebutuhan_lain/roket", "roket"),
    }


def test_kobo_xlsx_with_a_repeat_sheet():
    result = read_results([("kobo.xlsx", kobo_xlsx())], FAMILIES, LISTED)
    assert result.files[0].bentuk == "kobo" and result.rows_read == 4
    answers = {a.id_keluarga: a for a in result.accepted}
    assert sorted(answers) == ["P01", "P02", "P07"]
    assert answers["P01"].kebutuhan_lain == ["bibit_ternak", "perikanan"]  # 1.0 cells
    assert answers["P01"].submitted_at == dt.datetime(2024, 5, 6, 1, tzinfo=dt.UTC)  # a date cell
    assert answers["P01"].instance_id == "uuid:x1"
    assert answers["P07"].kode_desa == B  # written 1306012002
    assert [(r.alasan, r.baris, r.id_keluarga) for r in result.rejected] == [("ditolak_peninjau", 5, "P06")]
    assert any("lembar kelompok berulang" in w for w in result.warnings)


def test_kobo_export_with_labels():
    header = ["Nagari/desa", "Keluarga yang dikunjungi", "Hasil kunjungan/Keberadaan keluarga"]
    header += ["Hasil kunjungan/Kebutuhan lain (boleh lebih dari satu)", "_uuid", "_submission_time"]
    rows = [
        header,
        ["Nagari A (Kec. Uji)", "P01", "Ditemukan", "Bibit ternak KIP/bantuan pendidikan", "u1", "2024-05-05T01:00:00"],
        ["Nagari A (Kec. Uji)", "P02", "Meninggal dunia", "", "u2", "2024-05-05T02:00:00"],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    result = read_results([("kobo_label.csv", out.getvalue().encode("utf-8-sig"))], FAMILIES, LISTED)
    answers = {a.id_keluarga: a for a in result.accepted}
    assert answers["P01"].kebutuhan_lain == ["bibit_ternak", "pendidikan"]
    assert answers["P02"].keberadaan == "meninggal"
    assert any("2 baris berisi nama nagari" in w for w in result.warnings)


def test_files_of_no_known_shape_are_refused_in_indonesian():
    with pytest.raises(InputError) as err:
        read_results([("p3ke.csv", b"ID Keluarga,Nama\nP01,Budi\n")], FAMILIES, LISTED)
    assert str(err.value).startswith("berkas p3ke.csv: bentuk berkas tidak dikenali")
    with pytest.raises(InputError) as err:
        read_results([("anggota.csv", odk_files()[2])], FAMILIES, LISTED)
    assert "hanya memuat kelompok berulang" in str(err.value)
    no_answer = b"SubmissionDate,id_keluarga,KEY\n2024-05-01T00:00:00Z,P01,uuid:1\n"
    with pytest.raises(InputError) as err:
        read_results([("odk.csv", no_answer)], FAMILIES, LISTED)
    assert (err.value.berkas, err.value.baris, err.value.kolom) == ("odk.csv", 1, "keberadaan")
    with pytest.raises(InputError) as err:
        read_results([("rusak.xlsx", b"PK\x03\x04 bukan zip")], FAMILIES, LISTED)
    assert "berkas Excel tidak dapat dibaca" in str(err.value)
    with pytest.raises(InputError, match="berkas kosong"):
        read_results([("kosong.csv", b"")], FAMILIES, LISTED)


def test_without_lists_only_the_nagari_is_checked():
    joined, _, _ = odk_files()
    result = read_results([("odk_gabung.csv", joined)], FAMILIES, listed=None)
    assert "P08" in {a.id_keluarga for a in result.accepted}  # nagari C had no list, but is consistent
    assert result.rejected_by_reason == {"di_luar_nagari": 1, "ditolak_peninjau": 1}


# ----------------------------------------------------------------------------- the store


def _at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2024, 6, day, hour, tzinfo=WIB)


def _store(tmp_path) -> ResultStore:
    store = ResultStore(tmp_path / "verval.sqlite")
    rows = [(kode, fam, "Desil 1, belum di DTKS", i) for i, (fam, kode) in enumerate(FAMILIES.items()) if kode != C]
    store.record_list("operator", {"aturan": "acak_berstrata"}, rows, benih=42, per_desa=4, now=_at(1, 8))
    return store


def test_lists_made_are_kept_by_nagari(tmp_path):
    store = _store(tmp_path)
    assert store.listed_pairs(ALL) == LISTED
    assert store.listed_pairs([B]) == {(B, "P05"), (B, "P06"), (B, "P07")}
    made = store.lists([A, B])
    assert [(m["kode_desa"], m["keluarga"], m["terverifikasi"], m["benih"], m["dibuat_oleh"]) for m in made] == [
        (A, 4, 0, 42, "operator"),
        (B, 3, 0, 42, "operator"),
    ]
    assert [r["id_keluarga"] for r in store.list_families(made[0]["daftar_id"], [B])] == ["P05", "P06", "P07"]
    assert store.lists([]) == [] and store.listed_pairs([C]) == set()
    # A list's rows as the selection gives them: a DataFrame's records, numpy integers and all.
    frame = pd.DataFrame({"kode_desa": [C], "id_keluarga": ["P08"], "alasan": ["Desil 1 lainnya"], "peringkat": [1]})
    store.record_list("admin", "semua desil 1", frame.to_dict("records"), benih=np.int64(7), now=_at(2))
    assert [(m["daftar_id"], m["kode_desa"], m["benih"]) for m in store.lists([C])] == [(2, C, 7)]


def test_import_tallies_and_the_same_file_twice(tmp_path):
    store = _store(tmp_path)
    files = [("daftar_terisi.xlsx", filled_list())]
    result, outcome = import_files(store, files, FAMILIES, store.listed_pairs(ALL), "operator", now=_at(1))
    assert (outcome.diterima, outcome.baru, outcome.diganti, outcome.tetap) == (4, 4, 0, 0)
    assert result.rows_read == 10
    tallies = {t["kode_desa"]: t for t in store.tallies(ALL)}
    assert tallies[A] == {
        "kode_desa": A,
        "kk_didaftar": 4,
        "kk_verval": 3,  # P01, P02, P04
        "kk_verval_ditemukan": 2,
        "kk_verval_tidak_ditemukan": 1,
        "kk_verval_pindah": 0,
        "kk_verval_meninggal": 0,
        "kk_verval_ganda": 0,
        "kk_verval_layak": 1,  # P04 (P01's kept answer is tidak layak)
        "kk_usul_dtks": 1,
        "kk_butuh_bibit_ternak": 1,
        "kk_butuh_pertanian": 1,
        "kk_butuh_modal_usaha": 0,  # named only in P01's row that was set aside
        "kk_butuh_perikanan": 0,
        "kk_butuh_pendidikan": 1,
        "kk_butuh_lainnya": 0,
    }
    assert (tallies[B]["kk_didaftar"], tallies[B]["kk_verval"], tallies[B]["kk_verval_pindah"]) == (3, 1, 1)
    assert store.tallies([B]) == [tallies[B]]  # only the codes asked for
    first = store.imports(ALL)
    assert len(first) == 1 and first[0]["ditolak_per_alasan"]["keberadaan_kosong"] == 1
    assert (first[0]["dibaca"], first[0]["duplikat"], first[0]["belum_diisi"], first[0]["desa"]) == (10, 1, 1, [A, B])
    before = store.results(ALL)
    assert [(r["id_keluarga"], r["diimpor_oleh"]) for r in before] == [("P01", "operator"), ("P02", "operator"),
                                                                      ("P04", "operator"), ("P05", "operator")]  # fmt: skip

    again, outcome = import_files(store, files, FAMILIES, store.listed_pairs(ALL), "admin", now=_at(2))
    assert again is None and outcome.impor_id is None
    assert "sudah pernah diimpor (impor #1, 1 Juni 2024, oleh operator)" in outcome.pesan
    assert store.results(ALL) == before and store.imports(ALL) == first
    # Read again by hand and saved: the store still recognises the file by its hash.
    reread = read_results(files, FAMILIES, LISTED)
    assert store.save_import(reread, "admin", now=_at(3)).impor_id is None
    assert store.results(ALL) == before


def test_a_file_read_again_after_the_family_store_changed(tmp_path):
    store = _store(tmp_path)
    files = [("kobo.csv", kobo_csv())]
    result, first = import_files(store, files, FAMILIES, store.listed_pairs(ALL), "operator", now=_at(1))
    assert result.rejected_by_reason["keluarga_tidak_dikenal"] == 1 and first.baru == 2  # P03, P04
    # P99 was missing from the family store; it is there now, and on a list.
    store.record_list("operator", "tambahan", [(A, "P99", "Desil 1 lainnya", 1)], now=_at(2))
    families = {**FAMILIES, "P99": A}
    again, refused = import_files(store, files, families, store.listed_pairs(ALL), "operator", now=_at(2))
    assert again is None and "sudah pernah diimpor" in refused.pesan
    reread, outcome = import_files(store, files, families, store.listed_pairs(ALL), "operator", _at(3), reread=True)
    assert reread.rejected_by_reason == {"keberadaan_kosong": 1, "jawaban_tidak_dikenal": 1}
    assert (outcome.baru, outcome.diganti, outcome.tetap) == (1, 0, 2)  # only P99 is new
    assert [i["id"] for i in store.imports([A])] == [2, 1]


def test_two_people_importing_the_same_file_at_once(tmp_path):
    store = _store(tmp_path)
    files = [("daftar_terisi.xlsx", filled_list())]
    both_read = threading.Barrier(2)
    outcomes = []

    def upload(akun):
        result = read_results(files, FAMILIES, LISTED)
        both_read.wait(timeout=10)  # both have read the file before either saves
        outcomes.append(store.save_import(result, akun))

    threads = [threading.Thread(target=upload, args=(f"operator {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.impor_id is None for o in outcomes) == [False, True]  # one imports, the other is told
    assert len(store.imports(ALL)) == 1 and len(store.results(ALL)) == 4


def test_tallies_agree_with_the_apps_counts(tmp_path):
    tally = pytest.importorskip("kantong.verval.tally")
    store = _store(tmp_path)
    joined, split, _ = odk_files()
    files = [("daftar_terisi.xlsx", filled_list()), ("odk_pisah.csv", split), ("kobo.csv", kobo_csv())]
    import_files(store, files, FAMILIES, store.listed_pairs(ALL), "operator", now=_at(1))
    counts = tally.counts_by_desa(store.results_frame(ALL))
    for row in store.tallies(ALL):
        for column in counts.columns:
            assert row[column] == counts.loc[row["kode_desa"], column], (row["kode_desa"], column)
    # What the data layer reads (kantong.data.VervalSource): the same counts, and a version
    # that moves only when an answer changes.
    assert store.counts_by_desa().equals(counts)
    version = store.version()
    import_files(store, [("odk_gabung.csv", joined)], FAMILIES, store.listed_pairs(ALL), "operator", now=_at(2))
    assert store.version() == version  # its answers are older than those held: nothing changed
    import_files(store, [("kobo.xlsx", kobo_xlsx())], FAMILIES, store.listed_pairs(ALL), "operator", now=_at(3))
    assert store.version() not in (version, "")
    assert ResultStore(tmp_path / "kosong.sqlite").version() == ""


def test_only_a_later_answer_replaces_an_earlier_one(tmp_path):
    store = _store(tmp_path)
    listed = store.listed_pairs(ALL)
    joined, split, repeat = odk_files()
    _, first = import_files(store, [("odk_gabung.csv", joined)], FAMILIES, listed, "operator", now=_at(1))
    assert (first.baru, first.diganti, first.tetap) == (2, 0, 0)  # P01 (2 May), P05
    _, later = import_files(
        store, [("odk_pisah.csv", split), ("anggota.csv", repeat)], FAMILIES, listed, "staf", _at(2)
    )
    assert (later.baru, later.diganti, later.tetap) == (2, 1, 0)  # P02, P04 new; P01 of 4 May replaces 2 May
    current = {r["id_keluarga"]: r for r in store.results(ALL)}
    assert (current["P01"]["kebutuhan_utama"], current["P01"]["diimpor_oleh"]) == ("modal_usaha", "staf")
    assert current["P01"]["dikirim_pada"] == "2024-05-04T00:00:00.000000+00:00"
    assert [h["sumber"] for h in store.history("P01", ALL)] == ["odk_gabung.csv uuid:a1"]
    assert store.history("P01", [B]) == []

    # An older export again, saved under another name and edited (another hash): nothing is later.
    older = joined.replace(b"collect:0", b"collect:X")
    _, stale = import_files(store, [("odk_lama.csv", older)], FAMILIES, listed, "staf", _at(3))
    assert (stale.impor_id is not None, stale.baru, stale.diganti, stale.tetap) == (True, 0, 0, 2)
    assert {r["id_keluarga"]: r["sumber"] for r in store.results(ALL)}["P01"] == "odk_pisah.csv uuid:b3"

    # The xlsx list carries no times: it counts as given when imported, after the May submissions.
    _, xlsx = import_files(store, [("daftar_terisi.xlsx", filled_list())], FAMILIES, listed, "operator", _at(4))
    assert (xlsx.baru, xlsx.diganti, xlsx.tetap) == (0, 4, 0)
    current = {r["id_keluarga"]: r for r in store.results(ALL)}
    assert (current["P02"]["keberadaan"], current["P02"]["dikirim_pada"]) == ("tidak_ditemukan", None)
    assert current["P02"]["waktu"] == "2024-06-04T03:00:00.000000+00:00"

    # A corrected list later: only what it changes is replaced; what it repeats stays put.
    nagari_a = [
        ("P02", A, ["Ditemukan", "Layak", "Ya", "Modal usaha", "", "", "Ditemukan di kebun"]),
        ("P03", A, ["Meninggal", "", "", "", "", "", ""]),
        ("P04", A, ["Ditemukan", "Layak", "Ya", "Pertanian/saprodi", "KIP", "Bibit ternak", ""]),
    ]
    revised = list_xlsx([("A", A, nagari_a)])
    _, fix = import_files(store, [("daftar_revisi.xlsx", revised)], FAMILIES, listed, "operator", _at(5))
    assert (fix.baru, fix.diganti, fix.tetap) == (1, 1, 1)
    assert "1 keluarga baru, 1 jawaban lama diganti" in fix.pesan
    current = {r["id_keluarga"]: r for r in store.results(ALL)}
    assert current["P02"]["keterangan"] == "Ditemukan di kebun" and current["P03"]["keberadaan"] == "meninggal"
    assert current["P04"]["sumber"] == "daftar_terisi.xlsx, lembar 'A', baris 10"  # unchanged, still the first
    assert [h["keberadaan"] for h in store.history("P02", ALL)] == ["ditemukan", "tidak_ditemukan"]
    assert [i["diimpor_oleh"] for i in store.imports([A])] == ["operator", "operator", "staf", "staf", "operator"]


def test_follow_ups_and_needs_not_taken_up(tmp_path):
    store = _store(tmp_path)
    files = [("daftar_terisi.xlsx", filled_list()), ("kobo.csv", kobo_csv())]
    import_files(store, files, FAMILIES, store.listed_pairs(ALL), "operator", now=_at(1))
    # Eligible families' needs in A: P03 pendidikan + lainnya, P04 pertanian + pendidikan + bibit_ternak.
    before = [(n["kebutuhan"], n["keluarga"], n["belum"], n["id_keluarga_belum"]) for n in store.open_needs(ALL)]
    assert before == [
        ("bibit_ternak", 1, 1, ["P04"]),
        ("pertanian", 1, 1, ["P04"]),
        ("pendidikan", 2, 2, ["P03", "P04"]),
        ("lainnya", 1, 1, ["P03"]),
    ]
    for_nagari = store.add_follow_up(
        FollowUp(A, "Bibit ternak", "Bantuan bibit sapi", "Pemerintah/OPD", "disalurkan",
                 nama_penyedia="Dinas Peternakan", sumber_dana="APBD", tanggal=dt.date(2024, 7, 1)),
        "kabid", now=_at(6),
    )  # fmt: skip
    assert (for_nagari.id, for_nagari.kebutuhan, for_nagari.jenis_penyedia, for_nagari.status) == (
        1,
        "bibit_ternak",
        "pemerintah",
        "disalurkan",
    )
    store.add_follow_up(FollowUp(A, "pendidikan", "Beasiswa", "BAZNAS/ZIS", id_keluarga="P04"), "kabid", now=_at(6))
    saprodi = FollowUp(A, "pertanian", "Saprodi", "csr", id_keluarga="P04", tanggal="2024-07-15")  # as a form sends it
    assert store.add_follow_up(saprodi, "kabid", now=_at(6)).tanggal == dt.date(2024, 7, 15)
    after = store.open_needs(ALL)
    assert [
        (n["kode_desa"], n["kebutuhan"], n["keluarga"], n["ditindaklanjuti"], n["id_keluarga_belum"]) for n in after
    ] == [
        (A, "pendidikan", 2, 1, ["P03"]),
        (A, "lainnya", 1, 0, ["P03"]),
    ]
    assert after[0]["lembaga"] == choices.AGENCY["pendidikan"]
    assert store.open_needs([B]) == []
    listed = store.follow_ups([A], id_keluarga="P04")  # the family's own and its nagari's
    assert [(f.program, f.id_keluarga, f.jenis_penyedia) for f in listed] == [
        ("Bantuan bibit sapi", None, "pemerintah"),
        ("Beasiswa", "P04", "baznas"),
        ("Saprodi", "P04", "csr"),
    ]
    assert listed[0].tanggal == dt.date(2024, 7, 1) and listed[0].dicatat_oleh == "kabid"
    assert store.follow_ups([B]) == []
    with pytest.raises(ValueError, match="jenis penyedia 'bank' bukan salah satu pilihan"):
        store.add_follow_up(FollowUp(A, "pendidikan", "Kredit", "bank"), "kabid")
    with pytest.raises(ValueError, match="tercatat di nagari 13.06.01.2001, bukan 13.06.01.2002"):
        store.add_follow_up(FollowUp(B, "pendidikan", "Beasiswa", "donor", id_keluarga="P04"), "kabid")
    with pytest.raises(ValueError, match="kebutuhan utama 'rumah' bukan"):
        store.add_follow_up(FollowUp(A, "rumah", "Bedah rumah", "donor"), "kabid")
    assert len(store.follow_ups(ALL)) == 3


# ----------------------------------------------------------------------------- 570 results


def big_answers(nagari: int = 19, per_desa: int = 30) -> tuple[dict, list[dict]]:
    """19 nagari x 30 families, answers cycling through the choices."""
    families, rows = {}, []
    presence = choices.KEBERADAAN.kodes
    for d in range(nagari):
        kode = f"13.06.01.{2001 + d}"
        for f in range(per_desa):
            fam = f"P{d:02d}{f:03d}"
            families[fam] = kode
            i = d * per_desa + f
            rows.append(
                {
                    "id": fam,
                    "desa": kode.replace(".", "_"),
                    "ada": presence[i % len(presence)],
                    "layak": "layak" if i % 3 else "tidak_layak",
                    "usul": "ya" if i % 2 else "tidak",
                    "utama": NEEDS[i % len(NEEDS)],
                    "lain": [NEEDS[(i + 1) % len(NEEDS)], NEEDS[(i + 2) % len(NEEDS)]],
                    "time": f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:00:00",
                    "uuid": f"u{i}",
                }
            )
    return families, rows


def big_files(families: dict, rows: list[dict]) -> dict[str, bytes]:
    sheets: dict[str, list] = {}
    for r in rows:
        labels = [choices.BY_KODE[q].label_of(r[k]) for q, k in (("keberadaan", "ada"), ("kelayakan", "layak"))]
        answers = [*labels, r["usul"], r["utama"], *r["lain"], ""]
        sheets.setdefault(families[r["id"]], []).append((r["id"], families[r["id"]], answers))
    odk_rows = [dict(r, time=r["time"] + ".000Z") for r in rows]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(kobo_table(rows, combined=True))
    book = io.BytesIO()
    wb = xlsxwriter.Workbook(book, {"in_memory": True})
    sheet = wb.add_worksheet("Verval")
    for i, values in enumerate(kobo_table(rows, combined=False, as_text=False)):
        sheet.write_row(i, 0, values)
    wb.close()
    return {
        "daftar.xlsx": list_xlsx([(kode[-4:], kode, sheet_rows) for kode, sheet_rows in sheets.items()]),
        "odk.csv": odk_csv(odk_rows, split=True),
        "kobo.csv": out.getvalue().encode(),
        "kobo.xlsx": book.getvalue(),
    }


def test_570_results_in_every_format(tmp_path):
    families, rows = big_answers()
    listed = {(kode, fam) for fam, kode in families.items()}
    for name, data in big_files(families, rows).items():
        result = read_results([(name, data)], families, listed)
        assert (result.rows_read, len(result.accepted), result.rejected) == (570, 570, []), name
        assert sorted({a.kode_desa for a in result.accepted}) == sorted(set(families.values()))
        assert sum("modal_usaha" in a.kebutuhan_lain for a in result.accepted) == 190, name  # 2 of every 6
    store = ResultStore(tmp_path / "verval.sqlite")
    _, outcome = import_files(
        store, [("odk.csv", big_files(families, rows)["odk.csv"])], families, listed, "uji", _at(1)
    )
    assert outcome.baru == 570
    assert sum(t["kk_verval"] for t in store.tallies(set(families.values()))) == 570


# --- files built to hurt the server (found in a security review) ------------------------------

_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',  # noqa: E501
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',  # noqa: E501
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',  # noqa: E501
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',  # noqa: E501
}


def _xlsx_with_far_cell(far: str) -> bytes:
    row = "".join(ch for ch in far if ch.isdigit())
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>_uuid</t></is></c></row>'
        f'<row r="{row}"><c r="{far}"><v>1</v></c></row></sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**_XLSX_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            z.writestr(name, text)
    return out.getvalue()


def test_a_small_workbook_claiming_a_huge_sheet_is_refused_before_it_is_read():
    bomb = _xlsx_with_far_cell("XFD1048576")  # 1.5 KB; the reader would reserve 512 GiB
    assert len(bomb) < 4000
    with pytest.raises(InputError, match="terlalu luas") as err:
        importer.read_results([("bom.xlsx", bomb)], {"F1": "13.01.01.2001"})
    assert "bom.xlsx" in str(err.value) and "1.048.576 baris" in str(err.value)
    # A sheet of ordinary size is read as usual (and here found to be no result file).
    with pytest.raises(InputError, match="tidak ditemukan pada baris judul"):
        importer.read_results([("kecil.xlsx", _xlsx_with_far_cell("C40"))], {"F1": "13.01.01.2001"})


def test_a_csv_cell_beyond_the_readers_limit_is_a_clear_message():
    data = ("_uuid,jawaban/id_keluarga,jawaban/keberadaan\nx1,F1," + "y" * 200_000 + "\n").encode()
    with pytest.raises(InputError) as err:
        importer.read_results([("panjang.csv", data)], {"F1": "13.01.01.2001"})
    assert "panjang.csv" in str(err.value) and "tidak dapat dibaca sebagai CSV" in str(err.value)
