"""Verification lists: the selection rule, the xlsx list, the printed form and the XLSForm.

The fixture's families are synthetic. Nagari Koto Baru has 3 desil-1 families outside DTKS
(A1-A3), 2 in DTKS without bansos (A4, A5), 4 in DTKS with bansos (A6-A9) and 2 desil-2
families (A10, A11, never listed); Nagari Lubuk Jantan has 2 desil-1 families and a desil-3
one; Nagari Sawah Baru has no family.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader
from pyxform.xls2xform import convert

from kantong.access import mask_nik
from kantong.verval import choices, form_pdf, lists, selection, xlsform
from kantong.verval.selection import ALASAN_LAINNYA, ALASAN_NON_DTKS, ALASAN_TANPA_BANSOS

KOTO_BARU, LUBUK_JANTAN, SAWAH_BARU = "13.06.01.2001", "13.06.01.2002", "13.06.02.2003"
NAGARI = [
    {"kode": KOTO_BARU, "nama": "Koto Baru", "nama_kecamatan": "Sungai Tarab", "nama_kabkota": "Kabupaten Tanah Datar"},
    {
        "kode": LUBUK_JANTAN,
        "nama": "Lubuk Jantan",
        "nama_kecamatan": "Sungai Tarab",
        "nama_kabkota": "Kabupaten Tanah Datar",
    },
    {"kode": SAWAH_BARU, "nama": "Sawah Baru", "nama_kecamatan": "Lintau", "nama_kabkota": "Kabupaten Tanah Datar"},
]
TODAY = dt.date(2026, 11, 28)


def _family(id_keluarga, kode_desa, n, desil, di_dtks, bansos, pkh=False):
    return {
        "id_keluarga": id_keluarga,
        "kode_desa": kode_desa,
        "alamat": f"Jorong Contoh {n}",
        "nama_kepala": f"Kepala Contoh {id_keluarga}",
        "nik_kepala": f"1306011234{n:06d}",
        "jenis_kelamin_kepala": "P" if n % 2 else "L",
        "desil": desil,
        "di_dtks": di_dtks,
        "bansos": bansos,
        "pkh": pkh,
        "sembako": False,
        "pbi": False,
        "jiwa": 3 + n % 3,
    }


def families() -> pd.DataFrame:
    rows = [_family(f"A{i}", KOTO_BARU, i, 1, False, False) for i in (1, 2, 3)]
    rows += [_family(f"A{i}", KOTO_BARU, i, 1, True, False) for i in (4, 5)]
    rows += [_family(f"A{i}", KOTO_BARU, i, 1, True, True, pkh=True) for i in (6, 7, 8, 9)]
    rows += [_family(f"A{i}", KOTO_BARU, i, 2, False, False) for i in (10, 11)]
    rows += [
        _family("B1", LUBUK_JANTAN, 21, 1, True, True),
        _family("B2", LUBUK_JANTAN, 22, 1, False, False),
        _family("B3", LUBUK_JANTAN, 23, 3, False, False),
    ]
    return pd.DataFrame(rows)


def _member(id_keluarga, n, nama, umur, hubungan):
    nik = f"13060199{n:08d}"
    return {"id_keluarga": id_keluarga, "id_individu": f"{id_keluarga}-{n}", "nik": nik, "nama": nama, "umur": umur,
            "hubungan": hubungan, "jenis_kelamin": "L"}  # fmt: skip


def members() -> pd.DataFrame:
    # listed youngest first and the head last: the list puts the head first
    return pd.DataFrame(
        [
            _member("A1", 13, "Anak Contoh", 9, "Anak"),
            _member("A1", 12, "Istri Contoh", 38, "Istri"),
            _member("A1", 11, "Kepala Contoh A1", 41, "Kepala Keluarga"),
            _member("A10", 101, "Tidak Terpilih", 50, "Kepala Keluarga"),
        ]
    )


def make(per_desa=4, seed=2023, frame=None, **kwargs) -> selection.VervalList:
    return selection.select(
        families() if frame is None else frame,
        NAGARI,
        per_desa=per_desa,
        seed=seed,
        dibuat=TODAY,
        dibuat_oleh="Operator Contoh",
        **kwargs,
    )


def ids(lst: selection.VervalList, kode: str = KOTO_BARU) -> list[str]:
    return next(n for n in lst.nagari if n.kode == kode).keluarga["id_keluarga"].tolist()


def by_draw(seed: int, family_ids: list[str]) -> list[str]:
    """The documented draw, written out: SHA-256 of 'seed|id', ascending."""
    return sorted(family_ids, key=lambda i: hashlib.sha256(f"{seed}|{i}".encode()).hexdigest())


# --- the selection rule -------------------------------------------------------------------


def test_not_in_dtks_first_then_dtks_without_bansos_then_the_rest():
    lst = make(per_desa=4)
    koto = lst.nagari[0]
    assert [n.kode for n in lst.nagari] == [KOTO_BARU, LUBUK_JANTAN, SAWAH_BARU]
    assert koto.keluarga["alasan"].tolist() == [ALASAN_NON_DTKS] * 3 + [ALASAN_TANPA_BANSOS]
    assert ids(lst)[:3] == by_draw(2023, ["A1", "A2", "A3"])
    assert ids(lst)[3] == by_draw(2023, ["A4", "A5"])[0]
    assert koto.keluarga["peringkat"].tolist() == [1, 2, 3, 4]
    assert koto.tersedia == {ALASAN_NON_DTKS: 3, ALASAN_TANPA_BANSOS: 2, ALASAN_LAINNYA: 4}
    assert koto.terpilih == {ALASAN_NON_DTKS: 3, ALASAN_TANPA_BANSOS: 1, ALASAN_LAINNYA: 0}
    assert (koto.jumlah_desil_1, koto.jumlah_terpilih) == (9, 4)
    # fewer desil-1 families than per_desa: all of them, the one outside DTKS first
    assert ids(lst, LUBUK_JANTAN) == ["B2", "B1"]
    assert lst.nagari[2].keluarga.empty and lst.nagari[2].jumlah_desil_1 == 0
    assert lst.nagari[2].nama == "Sawah Baru"
    assert lst.jumlah_terpilih == 6


def test_every_desil_1_family_when_per_desa_is_none_and_never_another_desil():
    lst = make(per_desa=None)
    assert ids(lst) == by_draw(2023, ["A1", "A2", "A3"]) + by_draw(2023, ["A4", "A5"]) + by_draw(
        2023, ["A6", "A7", "A8", "A9"]
    )
    chosen = {i for n in lst.nagari for i in n.keluarga["id_keluarga"]}
    assert chosen.isdisjoint({"A10", "A11", "B3"})
    assert len(chosen) == 11
    assert "semua keluarga desil 1" in lst.aturan


def test_the_same_seed_gives_the_same_list_whatever_the_row_order():
    first = make(per_desa=4, seed=7)
    shuffled = families().sample(frac=1, random_state=3).reset_index(drop=True)
    assert shuffled["id_keluarga"].tolist() != families()["id_keluarga"].tolist()
    again = make(per_desa=4, seed=7, frame=shuffled)
    for kode in (KOTO_BARU, LUBUK_JANTAN):
        assert ids(first, kode) == ids(make(per_desa=4, seed=7), kode) == ids(again, kode)


def test_another_seed_reorders_only_within_a_group():
    lists_ = {seed: make(per_desa=4, seed=seed) for seed in range(12)}
    for lst in lists_.values():
        koto = lst.nagari[0]
        assert koto.keluarga["alasan"].tolist() == [ALASAN_NON_DTKS] * 3 + [ALASAN_TANPA_BANSOS]
        assert set(ids(lst)[:3]) == {"A1", "A2", "A3"}
        assert ids(lst)[3] in {"A4", "A5"}
    assert len({tuple(ids(lst)) for lst in lists_.values()}) > 1  # the draw does change the order
    assert {ids(lst)[3] for lst in lists_.values()} == {"A4", "A5"}  # either can be drawn


def test_rule_seed_and_date_in_one_printable_line():
    lst = make(per_desa=30)
    assert lst.keterangan == (
        "Aturan pemilihan: paling banyak 30 keluarga desil 1 per nagari/desa; lebih dahulu yang belum di DTKS, "
        "lalu yang di DTKS tanpa bansos, lalu desil 1 lainnya; di dalam tiap kelompok urutan diundi dengan "
        "benih acak (SHA-256 dari benih dan ID keluarga); benih acak 2023; dibuat 28 November 2026"
    )
    assert lst.nagari[0].ringkasan == (
        "Terpilih 9 dari 9 keluarga desil 1 (Desil 1, belum di DTKS: 3 dari 3; "
        "Desil 1, di DTKS tanpa bansos: 2 dari 2; Desil 1 lainnya: 4 dari 4)"
    )
    assert lst.wilayah == "13.06"
    assert selection.select(families(), NAGARI[:1], seed=1, dibuat=TODAY).wilayah == KOTO_BARU


def test_nagari_from_the_families_when_no_plan_rows_are_given():
    lst = selection.select(families(), seed=1, dibuat=TODAY)
    assert [(n.kode, n.nama) for n in lst.nagari] == [(KOTO_BARU, KOTO_BARU), (LUBUK_JANTAN, LUBUK_JANTAN)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["bansos", "desil"]), "tidak memuat kolom: desil, bansos"),
        (lambda f: f.assign(id_keluarga=["A1"] * len(f)), "id_keluarga ganda: A1"),
        (lambda f: f.assign(id_keluarga=[None] + list(f["id_keluarga"][1:])), "1 keluarga desil 1 tanpa id_keluarga"),
    ],
)
def test_bad_family_data_is_named(change, message):
    with pytest.raises(ValueError, match=message):
        make(frame=change(families()))


def test_a_flaw_outside_the_chosen_nagari_does_not_stop_the_list():
    flawed = pd.concat([families(), pd.DataFrame([_family("X1", "13.99.01.2001", 1, 1, False, False)] * 2)])
    assert ids(make(frame=flawed)) == ids(make())
    with pytest.raises(ValueError, match="Benih acak harus bilangan bulat"):
        make(seed="dua")


@pytest.mark.parametrize("per_desa", [0, -3, 2.5, True])
def test_per_desa_must_be_a_positive_whole_number(per_desa):
    with pytest.raises(ValueError, match="bilangan bulat"):
        make(per_desa=per_desa)


def test_family_rows_mask_the_nik_unless_allowed():
    koto = make(per_desa=None).nagari[0]
    row = selection.family_rows(koto)[0]
    assert list(row) == [k for k, _ in choices.FAMILY_COLUMNS]
    first = koto.keluarga.iloc[0]
    assert row["nik_kepala"] == mask_nik(first["nik_kepala"]) and "*" in row["nik_kepala"]
    assert selection.family_rows(koto, show_nik=True)[0]["nik_kepala"] == first["nik_kepala"]
    statuses = {(r["status_dtks"], r["status_bansos"]) for r in selection.family_rows(koto)}
    assert statuses == {("Belum di DTKS", "Tanpa bansos"), ("Di DTKS", "Tanpa bansos"), ("Di DTKS", "PKH")}


def test_missing_values_as_the_family_store_gives_them():
    frame = families().astype({"jiwa": "Int32", "bansos": "boolean", "pkh": "boolean", "nik_kepala": "string"})
    frame.loc[frame["id_keluarga"] == "A1", ["nama_kepala", "nik_kepala", "alamat", "jiwa", "pkh"]] = pd.NA
    frame.loc[frame["id_keluarga"] == "A4", "bansos"] = pd.NA  # unknown counts as without bansos
    anggota = members().astype({"umur": "Int32"})
    anggota.loc[anggota["nama"] == "Istri Contoh", "umur"] = pd.NA
    lst = make(per_desa=None, frame=frame, anggota=anggota)
    koto = lst.nagari[0]
    a1 = next(r for r in selection.family_rows(koto) if r["id_keluarga"] == "A1")
    assert (a1["nama_kepala"], a1["nik_kepala"], a1["alamat"], a1["jiwa"]) == ("", "", "", None)
    assert koto.terpilih[ALASAN_TANPA_BANSOS] == 2
    assert selection.member_summary(koto)["A1"] == "Kepala Contoh A1 (41), Anak Contoh (9), Istri Contoh"
    assert lists.xlsx_bytes(lst) and form_pdf.pdf_bytes(lst) and xlsform.families_csv(lst)


def test_members_of_chosen_families_head_first():
    lst = make(per_desa=None, anggota=members())
    koto = lst.nagari[0]
    assert koto.anggota["nama"].tolist() == ["Kepala Contoh A1", "Istri Contoh", "Anak Contoh"]  # A10 is not listed
    assert selection.member_summary(koto) == {"A1": "Kepala Contoh A1 (41), Istri Contoh (38), Anak Contoh (9)"}
    assert selection.member_rows(koto)[0]["nik"] == "130601******0011"


# --- the xlsx list ------------------------------------------------------------------------


def _book(lst, **kwargs) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(lists.xlsx_bytes(lst, **kwargs)))


def _header_row(sheet) -> int:
    return next(c.row for row in sheet.iter_rows() for c in row if c.value == choices.ID_COLUMN)


def test_sheet_names_are_valid_and_unique():
    names = lists.sheet_names(
        ["Koto Baru", "koto baru", "A/B:C*D?[E]\\", "Nagari " + "Panjang " * 6, "Nagari " + "Panjang " * 6, "Sampul", "'Kutu'", "History"]
    )  # fmt: skip
    assert names[:3] == ["Koto Baru", "koto baru (2)", "A-B-C-D--E--"]
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[4].endswith(" (2)")
    assert names[5:] == ["Sampul (2)", "Kutu", "History (2)"]


def test_xlsx_sheets_header_and_masked_nik():
    lst = make(per_desa=4, anggota=members())
    book = _book(lst)
    assert book.sheetnames == ["Sampul", "Koto Baru", "Lubuk Jantan", "Sawah Baru", "Anggota"]
    sheet = book["Koto Baru"]
    header = _header_row(sheet)
    labels = [c.value for c in sheet[header]]
    assert labels == [label for _, label in choices.FAMILY_COLUMNS] + [label for _, label, _ in choices.ANSWER_COLUMNS]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=header + 1)]
    assert [r[1] for r in rows] == ids(lst)
    nik = labels.index("NIK kepala keluarga")
    assert all(r[nik].startswith("130601") and "******" in r[nik] for r in rows)
    assert rows[0][labels.index("No")] == 1
    assert rows[0][labels.index("Alasan terpilih")] == ALASAN_NON_DTKS
    assert sheet.freeze_panes == f"E{header + 1}"
    assert "Koto Baru (13.06.01.2001), Kecamatan Sungai Tarab, Kabupaten Tanah Datar" in sheet.cell(2, 1).value
    assert sheet.cell(3, 1).value == lst.keterangan
    full = _book(lst, show_nik=True)["Koto Baru"]
    assert full.cell(header + 1, nik + 1).value == families().set_index("id_keluarga").loc[ids(lst)[0], "nik_kepala"]
    assert "Tidak ada keluarga desil 1" in book["Sawah Baru"].cell(_header_row(book["Sawah Baru"]) + 1, 1).value


def test_xlsx_answer_columns_have_drop_downs_of_the_choice_labels():
    book = _book(make(per_desa=4))
    sheet = book["Koto Baru"]
    header = _header_row(sheet)
    labels = [c.value for c in sheet[header]]
    validations = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    for kode, label, question in choices.ANSWER_COLUMNS:
        letter = openpyxl.utils.get_column_letter(labels.index(label) + 1)
        cells = f"{letter}{header + 1}:{letter}{header + 4}"
        if kode == "keterangan":
            assert cells not in validations
            continue
        dv = validations[cells]
        assert dv.type == "list"
        assert dv.formula1 == '"' + ",".join(c.label for c in question.choices) + '"'
    assert len(validations) == 6
    assert validations[f"K{header + 1}:K{header + 4}"].formula1 == '"Ditemukan,Tidak ditemukan,Pindah,Meninggal,Ganda"'


def test_xlsx_print_setup():
    sheet = _book(make(per_desa=4))["Koto Baru"]
    header = _header_row(sheet)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) in ((1, 0), (None, 0))  # None: Excel's default 1
    assert sheet.print_title_rows == f"${header}:${header}"
    assert "Halaman &P dari &N" in sheet.oddFooter.right.text


def test_xlsx_cover_has_the_rule_seed_date_counts_and_instructions():
    lst = make(per_desa=4)
    cover = _book(lst)["Sampul"]
    cells = [c.value for row in cover.iter_rows() for c in row if c.value is not None]
    text = "\n".join(str(v) for v in cells)
    assert lst.keterangan in text
    assert lst.aturan in cells and "2023" in cells and "28 November 2026" in cells and "Operator Contoh" in cells
    assert "disamarkan" in text
    assert "Cara mengisi" in cells and choices.ID_COLUMN in text
    row = next(r for r in cover.iter_rows(values_only=True) if r[0] == "Koto Baru")
    assert row[1:13] == (KOTO_BARU, "Koto Baru", "Sungai Tarab", "Kabupaten Tanah Datar", 9, 4, 3, 3, 2, 1, 4, 0)
    total = next(r for r in cover.iter_rows(values_only=True) if r[0] == "Jumlah")
    assert total[5:13] == (11, 6, 4, 4, 2, 1, 5, 1)


def test_xlsx_member_sheet_has_no_id_column_label():
    sheet = _book(make(per_desa=None, anggota=members()))["Anggota"]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert choices.ID_COLUMN not in values  # the importer reads only the nagari sheets
    assert ["Kepala Contoh A1", "Istri Contoh", "Anak Contoh"] == [
        r[3] for r in sheet.iter_rows(min_row=5, values_only=True)
    ]
    assert "130601******0011" in values and "1306019900000011" not in values


# --- the printed form ---------------------------------------------------------------------


def _pdf_pages(lst, **kwargs) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(form_pdf.pdf_bytes(lst, **kwargs))).pages]


def _sections(pages: list[str]) -> dict[str, list[str]]:
    """Pages by the nagari named in their running header."""
    out: dict[str, list[str]] = {}
    for page in pages:
        name = next(n["nama"] for n in NAGARI if f"{n['nama']} ({n['kode']})" in page)
        out.setdefault(name, []).append(page)
    return out


def test_pdf_one_section_per_nagari_with_signatures_and_masked_nik():
    lst = make(per_desa=4)
    pages = _pdf_pages(lst)
    sections = _sections(pages)
    assert list(sections) == ["Koto Baru", "Lubuk Jantan", "Sawah Baru"]
    # four families and the signatures take two pages; the other nagari one each
    assert [len(s) for s in sections.values()] == [2, 1, 1] and len(pages) == 4
    for name, section in sections.items():
        assert f"Nagari/desa: {name}" in section[0]
        assert "Halaman 1 dari" in section[0]
        last = section[-1]
        assert "Petugas/enumerator" in last and f"Wali Nagari/Kepala Desa {name}" in last
        assert "Nama:" in last and "Tanggal:" in last and "Tanda tangan:" in last
        assert all("benih acak 2023" in p and "28 November 2026" in p for p in section)
    koto = sections["Koto Baru"]
    assert "Halaman 1 dari 2" in koto[0] and "Halaman 2 dari 2" in koto[1]
    assert "Kecamatan: Sungai Tarab" in koto[0] and "Kabupaten/kota: Kabupaten Tanah Datar" in koto[0]
    heads = families().set_index("id_keluarga").loc[ids(lst)]
    for nik in heads["nik_kepala"]:
        assert mask_nik(nik) in koto[0] and nik not in "".join(pages)
    for question in choices.QUESTIONS:
        for choice in question.choices:
            assert choice.label in koto[0]
    assert "Tidak ada keluarga desil 1" in sections["Sawah Baru"][0]
    full = _pdf_pages(lst, show_nik=True)[0]
    assert heads["nik_kepala"].iloc[0] in full


def test_pdf_pages_are_numbered_within_each_nagari():
    rows = [_family(f"K{i:02d}", KOTO_BARU, i, 1, False, False) for i in range(20)]
    rows += [_family("L1", LUBUK_JANTAN, 30, 1, False, False)]
    pages = _pdf_pages(make(per_desa=30, frame=pd.DataFrame(rows)))
    sections = _sections(pages)
    koto = sections["Koto Baru"]
    total = len(koto)
    assert total >= 3  # 20 families do not fit on one or two pages
    assert [f"Halaman {i} dari {total}" in p for i, p in enumerate(koto, start=1)] == [True] * total
    assert pages[:total] == koto  # a section's pages follow each other
    assert "Halaman 1 dari 1" in sections["Lubuk Jantan"][0]
    assert "Petugas/enumerator" in koto[-1] and "Petugas/enumerator" not in koto[0]
    assert "No Keluarga Status Hasil kunjungan" in koto[1].replace("\n", " ")  # the header row on every page


def test_pdf_is_a4_landscape():
    page = PdfReader(io.BytesIO(form_pdf.pdf_bytes(make(per_desa=4)))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


# --- the XLSForm --------------------------------------------------------------------------


def _xform(lst) -> str:
    warnings: list[str] = []
    result = convert(xlsform.xlsform_bytes(lst), warnings=warnings, validate=False, file_type=".xlsx")
    assert warnings == []
    return result.xform


def test_xlsform_converts_with_the_fields_choices_and_external_select():
    lst = make(per_desa=4)
    xml = _xform(lst)
    assert 'id="verval_13_06_20261128"' in xml and 'version="20261128"' in xml
    assert "<h:title>Verval keluarga miskin ekstrem 28 November 2026</h:title>" in xml
    assert '<instance id="keluarga" src="jr://file-csv/keluarga.csv"/>' in xml
    assert "<itemset nodeset=\"instance('keluarga')/root/item[desa= /data/desa ]\">" in xml
    assert '<bind nodeset="/data/desa" type="string" required="true()"/>' in xml
    assert '<bind nodeset="/data/jawaban/keberadaan" type="string" required="true()"/>' in xml
    assert "relevant=\" /data/jawaban/keberadaan  = 'ditemukan'\"" in xml
    for field in ("usulan_dtks", "kebutuhan_utama", "kebutuhan_lain"):
        assert (
            f'<bind nodeset="/data/jawaban/{field}" type="string" relevant=" /data/jawaban/kelayakan  = \'layak\'"/>'
            in xml
        )
    assert '<select ref="/data/jawaban/kebutuhan_lain">' in xml
    assert '<input ref="/data/jawaban/keterangan" appearance="multiline">' in xml
    for question in choices.QUESTIONS:
        if question.choices:
            assert f"<itemset nodeset=\"instance('{question.kode}')/root/item\">" in xml
            for choice in question.choices:
                assert f"<name>{choice.kode}</name>" in xml and f"<label>{choice.label}</label>" in xml
    for nagari in lst.nagari:
        assert f"<name>{nagari.kode}</name>" in xml
    assert "<label>Koto Baru (Kec. Sungai Tarab)</label>" in xml


def test_desa_choice_name_keeps_a_valid_code():
    assert xlsform.desa_choice_name("13.06.01.2001") == "13.06.01.2001"
    assert xlsform.desa_choice_name("13 06/01") == "13_06_01"


def test_families_csv_for_the_external_select():
    lst = make(per_desa=4)
    text = xlsform.families_csv(lst).decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["name", "label", choices.FORM_DESA_FIELD]
    assert [r["name"] for r in rows] == ids(lst) + ids(lst, LUBUK_JANTAN)
    assert {r["desa"] for r in rows} == {KOTO_BARU, LUBUK_JANTAN}
    nik = families().set_index("id_keluarga").loc["A1", "nik_kepala"]
    a1 = next(r for r in rows if r["name"] == "A1")
    assert a1["label"] == f"Kepala Contoh A1 · {mask_nik(nik)} · Jorong Contoh 1"
    assert nik not in text


def test_xlsform_needs_a_nagari():
    with pytest.raises(ValueError, match="tanpa nagari"):
        xlsform.xlsform_bytes(selection.select(families(), [], seed=1, dibuat=TODAY))


# --- all files ----------------------------------------------------------------------------


def test_write_files_names_the_files_after_region_and_date(tmp_path):
    lst = make(per_desa=4)
    paths = lists.write_files(lst, tmp_path / "daftar")
    assert [p.name for p in paths] == [
        "verval_13.06_2026-11-28.xlsx",
        "verval_13.06_2026-11-28.pdf",
        "verval_13.06_2026-11-28_xlsform.xlsx",
        choices.FAMILIES_CSV,
    ]
    assert paths[1].read_bytes().startswith(b"%PDF")
    assert paths[3].read_bytes() == xlsform.families_csv(lst)
    assert openpyxl.load_workbook(paths[0]).sheetnames[0] == "Sampul"
