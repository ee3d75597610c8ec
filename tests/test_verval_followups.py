"""Follow-ups (tindak lanjut) on the Verval & asesmen page, over plain HTTP on the fixture.

tests/fixtures.py: Kab. Contoh 13.01 has desil-1 families F1 and F2 in Alpha
(13.01.01.2001), F5 in Gamma (13.01.02.2001); Kota Contoh 13.71 has F10 in 13.71.01.1001.
The module's results, as the field brought them back (all found and eligible):

    F1  Alpha  modal usaha (main), bibit ternak
    F2  Alpha  modal usaha
    F5  Gamma  pertanian (main), modal usaha
    F10 kota   perikanan

so the open needs start as Alpha: bibit ternak 1 family, modal usaha 2; Gamma: pertanian
1, modal usaha 1; the kota: perikanan 1. Each test works on its own nagari or need, so
the numbers below hold whichever tests run before it.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re

import openpyxl
import pytest

import ids
from kantong.audit import AuditLog
from kantong.verval import followups
from kantong.verval.results import ResultStore
from tests import fixtures
from tests.auth import post
from tests.test_verval_flow import client_as, fill, make_list, upload, zip_files

ALPHA, GAMMA, KOTA = "13.01.01.2001", "13.01.02.2001", "13.71.01.1001"
KAB_CODES = [ALPHA, "13.01.01.2002", GAMMA, "13.01.02.2002"]
FOUND = {"keberadaan": "Ditemukan", "kelayakan": "Layak", "usulan_dtks": "Tidak"}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return fixtures.built_root(tmp_path_factory.mktemp("verval_followups"))


@pytest.fixture(scope="module")
def app(root):
    return fixtures.fixture_app(root)


def _office(answer) -> bytes:
    return next(data for name, data in zip_files(answer).items() if name.endswith(".xlsx") and "xlsform" not in name)


@pytest.fixture(scope="module")
def clients(app):
    """The kabupaten's and the kota's operators, each with their nagari verified."""
    op = client_as(app, "op.kab.tl", "operator", "13.01")
    filled = fill(
        _office(make_list(op, app, [ALPHA, GAMMA])),
        {
            "F1": {**FOUND, "kebutuhan_utama": "Modal usaha", "kebutuhan_lain_1": "Bibit ternak"},
            "F2": {**FOUND, "kebutuhan_utama": "Modal usaha"},
            "F5": {**FOUND, "kebutuhan_utama": "Pertanian/saprodi", "kebutuhan_lain_1": "Modal usaha"},
        },
    )
    assert "3 jawaban diterima" in upload(op, app, "hasil_kab.xlsx", filled).get_data(as_text=True)
    kota = client_as(app, "op.kota.tl", "operator", "13.71")
    filled = fill(_office(make_list(kota, app, [KOTA])), {"F10": {**FOUND, "kebutuhan_utama": "Perikanan"}})
    assert "1 jawaban diterima" in upload(kota, app, "hasil_kota.xlsx", filled).get_data(as_text=True)
    return {"op": op, "kota": kota}


def open_needs(root, codes) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(nagari, need) -> (eligible families, taken up, not yet), as the store counts them."""
    rows = ResultStore(root / "verval.sqlite").open_needs(codes)
    return {(r["kode_desa"], r["kebutuhan"]): (r["keluarga"], r["ditindaklanjuti"], r["belum"]) for r in rows}


def recorded(root, codes) -> list:
    return ResultStore(root / "verval.sqlite").follow_ups(codes)


def save(client, app, **fields):
    values = {
        f"{ids.VERVAL_TL_SIMPAN}.n_clicks": 1,
        f"{ids.VERVAL_TL_NAGARI}.value": fields.get("nagari"),
        f"{ids.VERVAL_TL_KELUARGA}.value": fields.get("keluarga"),
        f"{ids.VERVAL_TL_KEBUTUHAN}.value": fields.get("kebutuhan"),
        f"{ids.VERVAL_TL_PROGRAM}.value": fields.get("program"),
        f"{ids.VERVAL_TL_JENIS}.value": fields.get("jenis"),
        f"{ids.VERVAL_TL_PENYEDIA}.value": fields.get("penyedia"),
        f"{ids.VERVAL_TL_SUMBER}.value": fields.get("sumber"),
        f"{ids.VERVAL_TL_STATUS}.value": fields.get("status", "direncanakan"),
        f"{ids.VERVAL_TL_TANGGAL}.value": fields.get("tanggal"),
        f"{ids.VERVAL_TL_KETERANGAN}.value": fields.get("keterangan"),
    }
    return post(client, app, f"{ids.VERVAL_TL_PESAN}.children", values)


def response(answer) -> dict:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return json.loads(answer.data)["response"]


def text_of(node) -> str:
    if isinstance(node, (str, int, float)):
        return str(node)
    if isinstance(node, list):
        return " ".join(t for t in (text_of(n) for n in node) if t)
    if isinstance(node, dict):
        return text_of(node.get("props", {}).get("children"))
    return ""


def table_rows(node) -> list[list[str]]:
    """The rows of every table in a rendered component, as the cells' text (header rows too)."""
    rows: list[list[str]] = []

    def walk(n):
        if isinstance(n, list):
            for item in n:
                walk(item)
        elif isinstance(n, dict):
            if n.get("type") == "Tr":
                cells = n["props"]["children"]
                rows.append([text_of(c) for c in (cells if isinstance(cells, list) else [cells])])
            else:
                walk(n.get("props", {}).get("children"))

    walk(node)
    return rows


def needs_shown(node) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    """The open-needs table: (nagari code, need label) -> (families, taken up, not yet,
    agency). A nagari's cell spans its needs' rows: the rows after its first lack it."""
    shown, kode = {}, None
    for r in table_rows(node)[1:]:
        if len(r) == 6:
            kode, r = r[0].split()[-1], r[1:]
        shown[(kode, r[0])] = tuple(r[1:5])
    return shown


def test_a_follow_up_for_a_family_and_for_a_whole_nagari_takes_the_need_off_the_open_list(app, root, clients):
    op = clients["op"]
    assert open_needs(root, [ALPHA]) == {(ALPHA, "bibit_ternak"): (1, 0, 1), (ALPHA, "modal_usaha"): (2, 0, 2)}
    # The family drop-down: Alpha's eligible families with their heads' names and needs.
    options = response(post(op, app, f"{ids.VERVAL_TL_KELUARGA}.options", {f"{ids.VERVAL_TL_NAGARI}.value": ALPHA}))
    assert options[ids.VERVAL_TL_KELUARGA]["options"] == [
        {"label": "F1 — Warga Satu (Modal usaha, Bibit ternak)", "value": "F1"},
        {"label": "F2 — Warga Tiga (Modal usaha)", "value": "F2"},
    ]
    # Heads' names reached the browser: a BNBA path, in the audit log (counts, never names).
    shown = AuditLog(root / "audit.sqlite").entries(aksi="data_keluarga", wilayah=ALPHA)[-1]
    assert shown.wilayah == ALPHA and shown.rincian["baris"] == 2 and "Warga" not in str(shown.rincian)

    # F1's business capital is taken up: Alpha still has F2 waiting for it.
    fields = dict(
        nagari=ALPHA,
        keluarga="F1",
        kebutuhan="modal_usaha",
        program="Bantuan modal usaha mikro",
        jenis="pemerintah",
        penyedia="Dinas Koperasi dan UMKM",
        sumber="APBD 2025",
        tanggal="2025-03-15",
    )
    answer = response(save(op, app, **fields))
    message = text_of(answer[ids.VERVAL_TL_PESAN]["children"])
    assert re.search(
        r"Tindak lanjut #\d+ tersimpan: Modal usaha untuk keluarga F1 di Alpha \(13\.01\.01\.2001\)", message
    )
    assert "15 Maret 2025" in message
    shown = needs_shown(answer[ids.VERVAL_TL_BELUM]["children"])
    assert shown[(ALPHA, "Modal usaha")] == ("2", "1", "1", "Dinas Koperasi dan UMKM")
    assert shown[(ALPHA, "Bibit ternak")] == ("1", "0", "1", "Dinas Peternakan")
    assert open_needs(root, [ALPHA]) == {(ALPHA, "bibit_ternak"): (1, 0, 1), (ALPHA, "modal_usaha"): (2, 1, 1)}
    listed = table_rows(answer[ids.VERVAL_TL_DAFTAR]["children"])
    assert listed[1][2:5] == ["F1", "Modal usaha", "Bantuan modal usaha mikro"]

    # Livestock for the whole of Alpha, delivered by a donor: nothing open there any more.
    answer = response(
        save(
            op,
            app,
            nagari=ALPHA,
            kebutuhan="bibit_ternak",
            program="Bibit sapi bergulir",
            jenis="donor",
            penyedia="Donatur Uji Sejahtera",
            status="disalurkan",
        )
    )
    assert "untuk seluruh keluarga di Alpha" in text_of(answer[ids.VERVAL_TL_PESAN]["children"])
    assert (ALPHA, "Bibit ternak") not in needs_shown(answer[ids.VERVAL_TL_BELUM]["children"])
    assert open_needs(root, [ALPHA]) == {(ALPHA, "modal_usaha"): (2, 1, 1)}
    alpha = recorded(root, [ALPHA])
    assert [(f.id_keluarga, f.kebutuhan, f.jenis_penyedia, f.status, f.tanggal) for f in alpha] == [
        ("F1", "modal_usaha", "pemerintah", "direncanakan", dt.date(2025, 3, 15)),
        (None, "bibit_ternak", "donor", "disalurkan", None),
    ]
    assert {f.dicatat_oleh for f in alpha} == {"op.kab.tl"}

    # The same follow-up again, one without a programme, a family of another nagari: refused.
    again = text_of(response(save(op, app, **fields))[ids.VERVAL_TL_PESAN]["children"])
    assert "sudah tercatat" in again
    missing = text_of(response(save(op, app, **{**fields, "program": " "}))[ids.VERVAL_TL_PESAN]["children"])
    assert missing == "Lengkapi dulu: program."
    elsewhere = text_of(response(save(op, app, **{**fields, "keluarga": "F5"}))[ids.VERVAL_TL_PESAN]["children"])
    assert elsewhere == "Keluarga F5 tidak terdaftar di Alpha (13.01.01.2001); tindak lanjut tidak disimpan."
    assert len(recorded(root, [ALPHA])) == 2

    # The audit log: one row per follow-up, with the nagari and counts, no name or programme.
    logged = AuditLog(root / "audit.sqlite").entries(akun="op.kab.tl", aksi="tindak_lanjut", wilayah=ALPHA)
    assert [(e.wilayah, e.rincian["jumlah"], e.rincian["per_keluarga"], e.rincian["per_nagari"]) for e in logged] == [
        (ALPHA, 1, 1, 0),
        (ALPHA, 1, 0, 1),
    ]
    assert [e.rincian["kebutuhan"] for e in logged] == [["modal_usaha"], ["bibit_ternak"]]
    details = json.dumps([e.rincian for e in logged])
    for word in ("Warga", "Donatur", "Bantuan", "Bibit sapi", "F1"):
        assert word not in details

    # A need the family's assessment did not record is kept, with a word; a date as typed
    # where the browser has no date field is read, a day that does not exist is refused.
    fields = dict(nagari=ALPHA, keluarga="F2", kebutuhan="bibit_ternak", program="Bibit kambing", jenis="lainnya")
    noted = text_of(response(save(op, app, **fields, tanggal="01/06/2025"))[ids.VERVAL_TL_PESAN]["children"])
    assert noted.endswith(
        "1 Juni 2025. Catatan: Bibit ternak tidak tercatat sebagai kebutuhan keluarga F2 pada hasil asesmen "
        "(tercatat: Modal usaha)."
    )
    assert open_needs(root, [ALPHA]) == {(ALPHA, "modal_usaha"): (2, 1, 1)}
    bad = text_of(response(save(op, app, **fields, tanggal="2025-02-31"))[ids.VERVAL_TL_PESAN]["children"])
    assert bad == "Tanggal '2025-02-31' tidak dikenali; tulis TTTT-BB-HH, mis. 2025-03-15."
    assert len(recorded(root, [ALPHA])) == 3


def test_the_kota_operator_cannot_record_for_the_kabupaten(app, root, clients):
    kota = clients["kota"]
    before = len(recorded(root, KAB_CODES))
    fields = dict(nagari=GAMMA, kebutuhan="pertanian", program="Saprodi", jenis="csr")
    refused = text_of(response(save(kota, app, **fields))[ids.VERVAL_TL_PESAN]["children"])
    assert refused == "Nagari/desa 13.01.02.2001 tidak dikenal atau di luar wilayah akun ini."
    # Their own nagari with the kabupaten's family F5, or with F1: refused alike.
    for family in ("F5", "F1"):
        answer = save(kota, app, **{**fields, "nagari": KOTA, "keluarga": family, "kebutuhan": "perikanan"})
        assert text_of(response(answer)[ids.VERVAL_TL_PESAN]["children"]) == (
            f"Keluarga {family} tidak terdaftar di Delta (13.71.01.1001); tindak lanjut tidak disimpan."
        )
    assert len(recorded(root, KAB_CODES)) == before and recorded(root, [KOTA]) == []
    # Gamma's families are not offered to them either, and their tables show only the kota.
    options = post(kota, app, f"{ids.VERVAL_TL_KELUARGA}.options", {f"{ids.VERVAL_TL_NAGARI}.value": GAMMA})
    assert response(options)[ids.VERVAL_TL_KELUARGA]["options"] == []
    loaded = response(post(kota, app, f"{ids.VERVAL_TL_BELUM}.children", {f"{ids.VERVAL_TL_MUAT}.data": 0}))
    assert needs_shown(loaded[ids.VERVAL_TL_BELUM]["children"]) == {
        (KOTA, "Perikanan"): ("1", "0", "1", "Dinas Kelautan dan Perikanan")
    }

    # A workbook of their own making: no title rows, columns in another order, short labels.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Program", "Kebutuhan", "Status", "Kode nagari/desa", "Jenis penyedia", "Tanggal"])
    sheet.append(["Bantuan jaring", "Perikanan", "Disalurkan", KOTA, "BAZNAS/ZIS", dt.datetime(2025, 1, 20)])
    sheet.append(["Bantuan jaring", "Perikanan", "Disalurkan", GAMMA, "BAZNAS/ZIS", dt.datetime(2025, 1, 20)])
    imported = response(upload_follow_ups(kota, app, "buatan_sendiri.xlsx", saved_book(book)))
    summary = imported[ids.VERVAL_TL_IMPOR_HASIL]["children"]
    assert "2 baris terisi dibaca, 1 tindak lanjut disimpan, 1 ditolak" in text_of(summary)
    assert table_rows(summary)[1] == [
        "Sheet",
        "3",
        "Kode nagari/desa",
        "nagari/desa 13.01.02.2001 tidak dikenal atau di luar wilayah akun ini",
    ]
    assert [(f.kebutuhan, f.jenis_penyedia, f.status, f.tanggal) for f in recorded(root, [KOTA])] == [
        ("perikanan", "baznas", "disalurkan", dt.date(2025, 1, 20))
    ]
    assert open_needs(root, [KOTA]) == {}
    assert len(recorded(root, KAB_CODES)) == before


def test_leadership_and_guests_cannot_write(app, root, clients):
    boss = client_as(app, "kadis.tl", "pimpinan")
    before = len(recorded(root, KAB_CODES + [KOTA]))
    assert save(boss, app, nagari=GAMMA, kebutuhan="pertanian", program="Saprodi", jenis="csr").status_code == 403
    assert upload_follow_ups(boss, app, "x.xlsx", b"PK\x03\x04").status_code == 403
    assert download_template(boss, app).status_code == 403
    assert len(recorded(root, KAB_CODES + [KOTA])) == before
    # They see the open needs (the page is theirs to read) but not the form.
    loaded = response(post(boss, app, f"{ids.VERVAL_TL_BELUM}.children", {f"{ids.VERVAL_TL_MUAT}.data": 0}))
    assert (GAMMA, "Pertanian/saprodi") in needs_shown(loaded[ids.VERVAL_TL_BELUM]["children"])
    page = boss.get("/_dash-layout", headers={"Referer": "http://kantong.example/verval"}).get_data(as_text=True)
    assert ids.VERVAL_TL_BELUM in page and ids.VERVAL_TL_SIMPAN not in page and ids.VERVAL_TL_UNGGAH not in page
    operator_page = clients["op"].get("/_dash-layout", headers={"Referer": "http://kantong.example/verval"})
    assert ids.VERVAL_TL_SIMPAN in operator_page.get_data(as_text=True)
    # A guest reaches none of it.
    guest = client_as(app, "tamu.tl", "tamu")
    assert post(guest, app, f"{ids.VERVAL_TL_BELUM}.children", {f"{ids.VERVAL_TL_MUAT}.data": 0}).status_code == 403
    assert save(guest, app, nagari=GAMMA, kebutuhan="pertanian", program="Saprodi", jenis="csr").status_code == 403


def download_template(client, app):
    return post(client, app, f"{ids.VERVAL_TL_TEMPLAT_BERKAS}.data", {f"{ids.VERVAL_TL_TEMPLAT}.n_clicks": 1})


def template_of(answer) -> tuple[str, bytes]:
    data = response(answer)[ids.VERVAL_TL_TEMPLAT_BERKAS]["data"]
    return data["filename"], base64.b64decode(data["content"])


def upload_follow_ups(client, app, name: str, data: bytes):
    content = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    values = {f"{ids.VERVAL_TL_UNGGAH}.contents": content, f"{ids.VERVAL_TL_UNGGAH}.filename": name}
    return post(client, app, f"{ids.VERVAL_TL_IMPOR_HASIL}.children", values)


def saved_book(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def header_of(sheet) -> tuple[int, dict[str, int]]:
    """(row number, label -> column number) of the template's header row."""
    for row in sheet.iter_rows():
        labels = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "Program" in labels:
            return row[0].row, labels
    raise AssertionError("no header row")


def test_the_template_round_trips(app, root, clients):
    op = clients["op"]
    name, data = template_of(download_template(op, app))
    assert re.fullmatch(r"templat-tindak-lanjut_13\.01_\d{4}-\d{2}-\d{2}\.xlsx", name)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tindak lanjut", "Keluarga menunggu"]
    sheet = book["Tindak lanjut"]
    header, col = header_of(sheet)
    assert list(col)[:6] == [
        "Kode nagari/desa",
        "Nagari/desa",
        "ID Keluarga P3KE (kosong = seluruh nagari)",
        "Kebutuhan",
        "Keluarga belum ditindaklanjuti",
        "Dinas/lembaga terkait",
    ]
    prefilled = {
        (sheet.cell(r, col["Kode nagari/desa"]).value, sheet.cell(r, col["Kebutuhan"]).value): r
        for r in range(header + 1, sheet.max_row + 1)
        if sheet.cell(r, col["Kode nagari/desa"]).value
    }
    gamma = {k: v for k, v in prefilled.items() if k[0] == GAMMA}
    assert sorted(gamma) == [(GAMMA, "Modal usaha"), (GAMMA, "Pertanian/saprodi")]
    assert all(code.startswith("13.01.") for code, _ in prefilled)  # the kota's nagari are not theirs
    row = gamma[(GAMMA, "Pertanian/saprodi")]
    assert sheet.cell(row, col["Nagari/desa"]).value == "Gamma"
    assert sheet.cell(row, col["Keluarga belum ditindaklanjuti"]).value == 1
    assert sheet.cell(row, col["Dinas/lembaga terkait"]).value == "Dinas Pertanian"
    # Drop-downs on the need, the provider kind and the status.
    lists = {
        re.match(r"[A-Z]+", str(v.sqref)).group(0): v.formula1
        for v in sheet.data_validations.dataValidation
        if v.type == "list"
    }
    letter = {label: openpyxl.utils.get_column_letter(c) for label, c in col.items()}
    assert lists[letter["Jenis penyedia"]] == '"Pemerintah/OPD,CSR,BAZNAS/ZIS,Donor,Lainnya"'
    assert lists[letter["Status"]] == '"Direncanakan,Disalurkan"'
    assert "Pertanian/saprodi" in lists[letter["Kebutuhan"]]
    families = [r for r in book["Keluarga menunggu"].iter_rows(values_only=True) if r[0] == GAMMA]
    assert sorted(families) == [(GAMMA, "Gamma", "Modal usaha", "F5"), (GAMMA, "Gamma", "Pertanian/saprodi", "F5")]

    # The office fills Gamma's farming row for the whole nagari, and adds a row for F5's capital.
    sheet.cell(row, col["Program"]).value = "Bantuan saprodi padi"
    sheet.cell(row, col["Jenis penyedia"]).value = "CSR"
    sheet.cell(row, col["Nama penyedia"]).value = "PT Contoh Tani"
    sheet.cell(row, col["Status"]).value = "Disalurkan"
    sheet.cell(row, col["Tanggal (TTTT-BB-HH)"]).value = dt.datetime(2025, 2, 1)
    extra = sheet.max_row + 1
    for label, value in {
        "Kode nagari/desa": GAMMA,
        "ID Keluarga P3KE (kosong = seluruh nagari)": "F5",
        "Kebutuhan": "Modal usaha",
        "Program": "Modal warung",
        "Jenis penyedia": "BAZNAS/ZIS",
        "Tanggal (TTTT-BB-HH)": "15/04/2025",
    }.items():
        sheet.cell(extra, col[label]).value = value
    filled = saved_book(book)
    answer = response(upload_follow_ups(op, app, "tindak_lanjut_terisi.xlsx", filled))
    summary = text_of(answer[ids.VERVAL_TL_IMPOR_HASIL]["children"])
    assert "2 baris terisi dibaca, 2 tindak lanjut disimpan, 0 ditolak." in summary
    assert not {k for k in needs_shown(answer[ids.VERVAL_TL_BELUM]["children"]) if k[0] == GAMMA}
    assert open_needs(root, [GAMMA]) == {}
    assert [
        (f.id_keluarga, f.kebutuhan, f.program, f.jenis_penyedia, f.nama_penyedia, f.status, f.tanggal)
        for f in recorded(root, [GAMMA])
    ] == [
        (None, "pertanian", "Bantuan saprodi padi", "csr", "PT Contoh Tani", "disalurkan", dt.date(2025, 2, 1)),
        ("F5", "modal_usaha", "Modal warung", "baznas", None, "direncanakan", dt.date(2025, 4, 15)),
    ]
    # The same file again: every row is there already; nothing is recorded twice.
    again = response(upload_follow_ups(op, app, "tindak_lanjut_terisi.xlsx", filled))
    assert (
        "2 baris terisi dibaca, 0 tindak lanjut disimpan, 2 ditolak (tindak lanjut yang sama sudah tercatat: 2)."
        in text_of(again[ids.VERVAL_TL_IMPOR_HASIL]["children"])
    )
    assert len(recorded(root, [GAMMA])) == 2
    logged = AuditLog(root / "audit.sqlite").entries(akun="op.kab.tl", aksi="tindak_lanjut")[-2:]
    assert [(e.wilayah, e.rincian["dibaca"], e.rincian["jumlah"], e.rincian["ditolak"]) for e in logged] == [
        ("13.01", 2, 2, 0),
        ("13.01", 2, 0, 2),
    ]
    assert logged[0].rincian["per_keluarga"] == 1 and logged[0].rincian["per_nagari"] == 1
    assert "PT Contoh" not in json.dumps(logged[0].rincian) and "Modal warung" not in json.dumps(logged[0].rincian)
    download = AuditLog(root / "audit.sqlite").entries(akun="op.kab.tl", aksi="ekspor")[-1]
    assert download.rincian["berkas"] == name and download.wilayah == "13.01"


def test_bad_rows_are_rejected_with_sheet_row_and_column(app, root, clients):
    op = clients["op"]
    _, data = template_of(download_template(op, app))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Tindak lanjut"]
    header, col = header_of(sheet)
    start = sheet.max_row + 2
    rows = [  # (nagari, family, need, programme, provider kind, date)
        (GAMMA, None, "Sembako", "Bantuan", "Pemerintah/OPD", None),
        (GAMMA, None, "Modal usaha", None, "CSR", None),
        (GAMMA, None, "Modal usaha", "Bantuan", "CSR", "31-02-2025"),
        (KOTA, None, "Perikanan", "Bantuan", "CSR", None),
        (GAMMA, "F10", "Modal usaha", "Bantuan", "CSR", None),
        (GAMMA, "F1", "Modal usaha", "Bantuan", "CSR", None),
        (GAMMA, None, "Modal usaha", "Bantuan", "Koperasi", None),
        ("13.01.99", None, "Modal usaha", "Bantuan", "CSR", None),
    ]
    labels = ["Kode nagari/desa", "ID Keluarga P3KE (kosong = seluruh nagari)", "Kebutuhan", "Program"]
    labels += ["Jenis penyedia", "Tanggal (TTTT-BB-HH)"]
    for i, values in enumerate(rows):
        for label, value in zip(labels, values):
            sheet.cell(start + i, col[label]).value = value
    before = len(recorded(root, KAB_CODES + [KOTA]))
    answer = response(upload_follow_ups(op, app, "salah.xlsx", saved_book(book)))
    summary = answer[ids.VERVAL_TL_IMPOR_HASIL]["children"]
    assert "8 baris terisi dibaca, 0 tindak lanjut disimpan, 8 ditolak" in text_of(summary)
    found = [(r[0], int(r[1]), r[2]) for r in table_rows(summary)[1:]]
    n = start
    assert found == [
        ("Tindak lanjut", n, "Kebutuhan"),
        ("Tindak lanjut", n + 1, "Program"),
        ("Tindak lanjut", n + 2, "Tanggal (TTTT-BB-HH)"),
        ("Tindak lanjut", n + 3, "Kode nagari/desa"),
        ("Tindak lanjut", n + 4, "ID Keluarga P3KE (kosong = seluruh nagari)"),
        ("Tindak lanjut", n + 5, "ID Keluarga P3KE (kosong = seluruh nagari)"),
        ("Tindak lanjut", n + 6, "Jenis penyedia"),
        ("Tindak lanjut", n + 7, "Kode nagari/desa"),
    ]
    reasons = [r[3] for r in table_rows(summary)[1:]]
    assert reasons[0].startswith("'Sembako' bukan salah satu pilihan kebutuhan (Bibit ternak, ")
    assert reasons[1] == "nama program wajib diisi"
    assert reasons[2] == "tanggal '31-02-2025' tidak dikenali (tulis TTTT-BB-HH, mis. 2024-03-15)"
    assert reasons[3] == "nagari/desa 13.71.01.1001 tidak dikenal atau di luar wilayah akun ini"
    assert reasons[4] == "keluarga F10 tidak dikenal atau di luar wilayah akun ini"
    assert reasons[5] == "keluarga F1 tercatat di nagari/desa 13.01.01.2001, bukan 13.01.02.2001"
    assert reasons[6].startswith("'Koperasi' bukan salah satu pilihan jenis penyedia (Pemerintah/OPD, CSR, ")
    assert reasons[7] == "kode nagari/desa '13.01.99' tidak dikenali (tulis mis. 13.06.01.2001)"
    assert len(recorded(root, KAB_CODES + [KOTA])) == before

    # Files that are no template: named, never a traceback.
    other = openpyxl.Workbook()
    other.active.append(["Nama", "Alamat"])
    wrong = upload_follow_ups(op, app, "lain.xlsx", saved_book(other))
    wrong = text_of(response(wrong)[ids.VERVAL_TL_IMPOR_HASIL]["children"])
    assert wrong.startswith("berkas lain.xlsx: bukan templat tindak lanjut")
    text = upload_follow_ups(op, app, "data.csv", b"a;b\n1;2\n")
    text = text_of(response(text)[ids.VERVAL_TL_IMPOR_HASIL]["children"])
    assert text == "berkas data.csv: bukan berkas Excel; unggah templat tindak lanjut (.xlsx) yang sudah diisi"
    assert "Traceback" not in wrong + text


def test_dates_as_people_write_them():
    assert followups.parse_date("2025-03-15") == dt.date(2025, 3, 15)
    assert followups.parse_date("2025-03-15T00:00:00") == dt.date(2025, 3, 15)  # an Excel date cell
    assert followups.parse_date("15/03/2025") == followups.parse_date("15-3-2025") == dt.date(2025, 3, 15)
    for wrong in ("31-02-2025", "2025-13-01", "15 Maret 2025", "45731", "1925-03-15", ""):
        assert followups.parse_date(wrong) is None, wrong
