"""Field verification end to end, over plain HTTP and on the command line: lists made and
results imported within each person's scope, logged, and shown on the map.

tests/fixtures.py: Kab. Contoh 13.01 has desil-1 families F1 and F2 in Alpha
(13.01.01.2001), F5 in Gamma (13.01.02.2001) and F6 in 13.01.02.2002; Kota Contoh 13.71
has F10 in 13.71.01.1001."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import zipfile

import openpyxl
import pytest

import ids
from kantong.audit import AuditLog
from kantong.verval import choices
from tests import fixtures
from tests.auth import callback_body, login, post

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return fixtures.built_root(tmp_path_factory.mktemp("verval_flow"))


@pytest.fixture(scope="module")
def app(root):
    return fixtures.fixture_app(root)


def client_as(app, nama: str, peran: str, wilayah: str | None = None):
    client = app.server.test_client()
    login(client, app, nama, peran, wilayah)
    return client


def make_list(client, app, nagari, nik=False, alasan=""):
    values = {
        f"{ids.VERVAL_BUAT}.n_clicks": 1,
        f"{ids.VERVAL_NAGARI}.value": nagari,
        f"{ids.VERVAL_PER_DESA}.value": "30",
        f"{ids.VERVAL_BENIH}.value": 2023,
        f"{ids.VERVAL_NIK}.value": nik,
        f"{ids.VERVAL_ALASAN}.value": alasan,
    }
    return post(client, app, f"{ids.VERVAL_BERKAS}.data", values)


def zip_files(answer) -> dict[str, bytes]:
    data = json.loads(answer.data)["response"][ids.VERVAL_BERKAS]["data"]
    return dict(
        (n, z.read(n)) for z in [zipfile.ZipFile(io.BytesIO(base64.b64decode(data["content"])))] for n in z.namelist()
    )


def fill(xlsx: bytes, answers: dict[str, dict[str, str]]) -> bytes:
    """The office list filled in as an operator would: answers by family ID, as labels."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    labels = {kode: label for kode, label, _ in choices.ANSWER_COLUMNS}
    for sheet in book.worksheets:
        header = None
        for row in sheet.iter_rows():
            values = [c.value for c in row]
            if header is None and choices.ID_COLUMN in values:
                header = {v: i for i, v in enumerate(values)}
            elif header is not None and row[header[choices.ID_COLUMN]].value in answers:
                for kode, text in answers[row[header[choices.ID_COLUMN]].value].items():
                    row[header[labels[kode]]].value = text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, app, name: str, data: bytes):
    content = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
    values = {f"{ids.VERVAL_UNGGAH}.contents": [content], f"{ids.VERVAL_UNGGAH}.filename": [name]}
    return post(client, app, f"{ids.VERVAL_IMPOR_HASIL}.children", values)


def test_an_operator_makes_and_imports_lists_of_their_kab_kota_only(app, root):
    op = client_as(app, "op.contoh", "operator", "13.01")
    # A forged nagari of the kota is refused by its code; nothing is downloaded.
    forged = make_list(op, app, ["13.01.01.2001", "13.71.01.1001"])
    assert forged.status_code == 200
    text = forged.get_data(as_text=True)
    assert (
        "13.71.01.1001" in text and "di luar wilayah" in text and ids.VERVAL_BERKAS not in json.loads(text)["response"]
    )

    answer = make_list(op, app, ["13.01.01.2001", "13.01.02.2001"])
    files = zip_files(answer)
    stem = "verval_13.01_" + next(iter(files)).split("_")[2][:10]
    assert set(files) == {f"{stem}.xlsx", f"{stem}.pdf", f"{stem}_xlsform.xlsx", choices.FAMILIES_CSV}
    book = openpyxl.load_workbook(io.BytesIO(files[f"{stem}.xlsx"]))
    cells = [c.value for s in book.worksheets for row in s.iter_rows() for c in row if c.value]
    # F1 and F2 in Alpha, F5 in Gamma; every NIK masked (first 6 digits, asterisks, last 4).
    assert {"F1", "F2", "F5"} <= set(cells) and "F10" not in cells
    niks = [c for c in cells if isinstance(c, str) and c[:6].isdigit() and "*" in c]
    assert niks and all(len(n) == 16 and n[6:12] == "******" for n in niks)
    logged = AuditLog(root / "audit.sqlite").entries(akun="op.contoh", aksi="daftar_verval")[-1]
    assert (logged.wilayah, logged.rincian["baris"], logged.rincian["nagari"]) == ("13.01", 3, 2)

    # Filled in: F1 found and eligible (needs capital, and livestock besides), F2 moved,
    # F10 (the kota's) slipped in: unknown to this operator.
    filled = fill(
        files[f"{stem}.xlsx"],
        {
            "F1": {
                "keberadaan": "Ditemukan",
                "kelayakan": "Layak",
                "usulan_dtks": "Tidak",
                "kebutuhan_utama": "Modal usaha",
                "kebutuhan_lain_1": "Bibit ternak",
            },
            "F2": {"keberadaan": "Pindah"},
        },
    )
    imported = upload(op, app, "hasil_alpha.xlsx", filled)
    summary = imported.get_data(as_text=True)
    assert imported.status_code == 200 and "2 jawaban diterima" in summary
    again = upload(op, app, "hasil_alpha_lagi.xlsx", filled)
    assert "sudah pernah diimpor" in again.get_data(as_text=True)
    # Both attempts are logged: the first read, the second recognised and not read again.
    logged = AuditLog(root / "audit.sqlite").entries(akun="op.contoh", aksi="impor_verval")
    assert [e.rincian["hasil"] for e in logged] == ["dibaca", "sudah pernah diimpor"]
    assert logged[0].rincian["diterima"] == 2 and logged[0].rincian["berkas"] == ["hasil_alpha.xlsx"]

    # The results are on the map: Alpha has one family needing business capital.
    figure = post(
        op,
        app,
        f"{ids.PETA}.figure",
        {f"{ids.URL_PETA}.search": "?tingkat=desa&wilayah=13.01&indikator=kk_butuh_modal_usaha"},
    )
    trace = json.loads(figure.data)["response"][ids.PETA]["figure"]["data"][0]
    values = dict(zip(trace["locations"], [row[0] for row in trace["customdata"]]))
    assert values["13.01.01.2001"] == 1 and values["13.01.02.2001"] == 0
    # The kota's operator uploads the same file: read anew for their scope (a mark of the
    # kabupaten's import does not hold for them), and the kabupaten's families are unknown.
    kota = client_as(app, "op.kota.contoh", "operator", "13.71")
    refused = upload(kota, app, "hasil_dari_kab.xlsx", filled).get_data(as_text=True)
    assert "ditolak, keluarga tidak dikenal: 2" in refused and ": 0 jawaban diterima" in refused
    assert "op.contoh" not in refused  # nor whose import it was
    # A file whose rows were all rejected is no bar to importing it where it belongs.
    again = upload(kota, app, "hasil_dari_kab.xlsx", filled).get_data(as_text=True)
    assert "sudah pernah diimpor" not in again


def test_a_full_nik_needs_the_permission_and_a_reason_and_is_logged(app, root):
    op = client_as(app, "op.nik", "operator", "13.01")
    short = make_list(op, app, ["13.01.01.2001"], nik=True, alasan="perlu")
    assert "alasan tertulis" in short.get_data(as_text=True)
    answer = make_list(op, app, ["13.01.01.2001"], nik=True, alasan="Entri usulan DTKS di SIKS-NG")
    office = next(data for name, data in zip_files(answer).items() if name.endswith(".xlsx") and "xlsform" not in name)
    book = openpyxl.load_workbook(io.BytesIO(office))
    cells = [c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(len(c) == 16 and c.isdigit() for c in cells)  # the full NIK, as asked
    logged = AuditLog(root / "audit.sqlite").entries(akun="op.nik", aksi="ekspor_nik")[-1]
    assert logged.rincian["alasan"] == "Entri usulan DTKS di SIKS-NG" and logged.wilayah == "13.01.01.2001"
    # Leadership sees lists with NIK masked, and may not ask for the full NIK.
    boss = client_as(app, "kadis.contoh", "pimpinan")
    refused = make_list(boss, app, ["13.01.01.2001"], nik=True, alasan="Entri usulan DTKS di SIKS-NG")
    assert "tidak berwenang mengunduh NIK lengkap" in refused.get_data(as_text=True)


def test_a_guest_never_reaches_family_data(app):
    guest = client_as(app, "tamu.contoh", "tamu")
    assert make_list(guest, app, ["13.01.01.2001"]).status_code == 403
    assert upload(guest, app, "x.csv", b"a,b\n").status_code == 403
    page = guest.get("/_dash-layout", headers={"Referer": "http://kantong.example/verval"}).get_data(as_text=True)
    assert ids.VERVAL_BUAT not in page and "F1" not in page


def _cli(root, *args):
    env = {
        **os.environ,
        "KANTONG_SNAPSHOTS": str(root / "snapshots"),
        "KANTONG_VERVAL": str(root / "verval_cli.sqlite"),
        "KANTONG_AUDIT": str(root / "audit_cli.sqlite"),
    }
    return subprocess.run(
        [sys.executable, "-m", "kantong", "verval", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_the_command_line_makes_lists_and_imports_results(root, tmp_path):
    made = _cli(root, "daftar", "--desa", "13.01.01.2001", "13.71.01.1001", "--per-desa", "1", "--out", str(tmp_path))
    assert made.returncode == 0, made.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            "keluarga.csv",
            *(f"verval_13_{made.stdout.split('verval_13_')[1][:10]}{s}" for s in (".xlsx", ".pdf", "_xlsform.xlsx")),
        ]
    )
    assert "benih acak 2023" in made.stdout and "Daftar #1: 2 keluarga di 2 nagari/desa." in made.stdout
    # Alpha's one family: F2 (in DTKS without bansos) comes before F1 (in DTKS, with PKH).
    xlsx = next(p for p in tmp_path.iterdir() if p.name.endswith(".xlsx") and "xlsform" not in p.name)
    filled = tmp_path / "terisi.xlsx"
    filled.write_bytes(
        fill(
            xlsx.read_bytes(),
            {
                "F2": {
                    "keberadaan": "Ditemukan",
                    "kelayakan": "Layak",
                    "usulan_dtks": "Ya",
                    "kebutuhan_utama": "Perikanan",
                },
                "F10": {"keberadaan": "meninggal"},
            },
        )
    )
    imported = _cli(root, "impor", str(filled), "--json")
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert (report["dibaca"], report["diterima"], report["ditolak"]) == (2, 2, {})
    alpha = next(t for t in report["per_nagari"] if t["kode_desa"] == "13.01.01.2001")
    assert (alpha["kk_verval_layak"], alpha["kk_usul_dtks"], alpha["kk_butuh_perikanan"]) == (1, 1, 1)
    # Bad input: a nagari that does not exist, a file that is no result export: exit code 2.
    unknown = _cli(root, "daftar", "--desa", "13.01.09.9999", "--out", str(tmp_path))
    assert unknown.returncode == 2 and "13.01.09.9999" in unknown.stderr and "Traceback" not in unknown.stderr
    junk = tmp_path / "bukan.csv"
    junk.write_text("a,b\n1,2\n", encoding="utf-8")
    bad = _cli(root, "impor", str(junk))
    assert bad.returncode == 2 and "bukan.csv" in bad.stderr and "Traceback" not in bad.stderr


def action_list(client, app, button: str, nik=False, alasan=""):
    values = {
        f"{button}.n_clicks": 1,
        f"{ids.VERVAL_TINDAK_NIK}.value": nik,
        f"{ids.VERVAL_TINDAK_ALASAN}.value": alasan,
    }
    body = callback_body(app, f"{ids.VERVAL_TINDAK_BERKAS}.data", values)
    body["changedPropIds"] = [f"{button}.n_clicks"]
    return client.post("/_dash-update-component", json=body)


def downloaded_book(answer):
    data = json.loads(answer.data)["response"][ids.VERVAL_TINDAK_BERKAS]["data"]
    return data["filename"], openpyxl.load_workbook(io.BytesIO(base64.b64decode(data["content"])))


def rows_of(sheet) -> list[list]:
    return [[c for c in row] for row in sheet.iter_rows(values_only=True) if any(row)]


def test_lists_to_act_on_hold_the_proposed_families_and_the_families_per_need(app, root):
    op = client_as(app, "op.tindak", "operator", "13.01")
    made = make_list(op, app, ["13.01.02.2001"])  # Gamma: F5
    stem_files = zip_files(made)
    office = next(data for name, data in stem_files.items() if name.endswith(".xlsx") and "xlsform" not in name)
    filled = fill(
        office,
        {
            "F5": {
                "keberadaan": "Ditemukan",
                "kelayakan": "Layak",
                "usulan_dtks": "Ya",
                "kebutuhan_utama": "Pertanian/saprodi",
            }
        },
    )
    assert "1 jawaban diterima" in upload(op, app, "hasil_gamma.xlsx", filled).get_data(as_text=True)

    name, book = downloaded_book(action_list(op, app, ids.VERVAL_TINDAK_USULAN))
    assert name.startswith("usulan-dtks_13.01_")
    families = rows_of(book["Keluarga"])
    header = families.index(next(r for r in families if r[0] == "No"))
    # F5 alone is proposed (F1 was found eligible but not proposed, F2 moved).
    assert [r[5] for r in families[header + 1 : -1]] == ["F5"]
    assert families[header + 1][1] == "13.01.02.2001" and families[-1][0] == "Jumlah: 1 keluarga"
    members = rows_of(book["Anggota"])
    assert {r[0] for r in members if r[0] == "F5"} == {"F5"}
    assert all("*" in (r[1] or "*") for r in members if r[0] == "F5")  # NIK masked without a reason

    name, book = downloaded_book(action_list(op, app, ids.VERVAL_TINDAK_KEBUTUHAN))
    summary = {r[0]: r[2] for r in rows_of(book["Ringkasan"]) if isinstance(r[2], int)}
    # F1: modal usaha (main) and bibit ternak; F5: pertanian (main).
    assert (summary["Modal usaha"], summary["Bibit ternak"], summary["Pertanian/saprodi"]) == (1, 1, 1)
    assert summary["Perikanan"] == 0
    farming = [r[5] for r in rows_of(book["Pertanian & saprodi"]) if r[5] in ("F1", "F5")]
    assert farming == ["F5"]
    logged = AuditLog(root / "audit.sqlite").entries(akun="op.tindak", aksi="daftar_verval")
    assert [e.rincian["berkas"] for e in logged[-2:]] == [f"usulan-dtks_13.01_{name[-15:-5]}.xlsx", name]
    # The kota's operator sees none of the kabupaten's families in these lists.
    kota = client_as(app, "op.kota.tindak", "operator", "13.71")
    _, book = downloaded_book(action_list(kota, app, ids.VERVAL_TINDAK_USULAN))
    assert not [r for r in rows_of(book["Keluarga"]) if r[5] in ("F1", "F2", "F5")]


def test_bad_input_on_the_page_gets_a_clear_message_and_every_import_is_logged_without_personal_data(app, root):
    op = client_as(app, "op.salah", "operator", "13.01")
    for alasan in ("xxxxxxxxxx", "NIK 1301010101500001 untuk entri"):
        refused = make_list(op, app, ["13.01.01.2001"], nik=True, alasan=alasan).get_data(as_text=True)
        assert "alasan" in refused.lower() and ids.VERVAL_BERKAS not in json.loads(refused)["response"], alasan
    values = {
        f"{ids.VERVAL_BUAT}.n_clicks": 1,
        f"{ids.VERVAL_NAGARI}.value": ["13.01.01.2001"],
        f"{ids.VERVAL_PER_DESA}.value": "30",
        f"{ids.VERVAL_BENIH}.value": "1e3",
    }
    assert "Benih undian harus bilangan bulat 0 sampai" in post(op, app, f"{ids.VERVAL_BERKAS}.data", values).get_data(
        as_text=True
    )
    broken = {f"{ids.VERVAL_UNGGAH}.contents": ["bukan-data-url"], f"{ids.VERVAL_UNGGAH}.filename": ["x.csv"]}
    assert "tidak terbaca saat diunggah" in post(op, app, f"{ids.VERVAL_IMPOR_HASIL}.children", broken).get_data(
        as_text=True
    )
    # A file that is no result export: refused, and the attempt is logged with a cleaned name.
    junk = upload(op, app, "C:\\Users\\op\\hasil Warga 1301010101500001.csv", b"a,b\n1,2\n").get_data(as_text=True)
    assert "bukan" in junk.lower() or "tidak ditemukan" in junk
    logged = AuditLog(root / "audit.sqlite").entries(akun="op.salah", aksi="impor_verval")[-1]
    assert logged.rincian["hasil"] == "gagal" and logged.rincian["berkas"] == ["hasil Warga 130101******0001.csv"]
    assert logged.wilayah == "13.01"


def test_the_chosen_nagari_are_named_in_full_under_the_field(app):
    op = client_as(app, "op.pilih", "operator", "13.01")
    values = {f"{ids.VERVAL_NAGARI}.value": ["13.01.01.2001", "13.01.02.2001"]}
    answer = json.loads(post(op, app, f"{ids.VERVAL_NAGARI_TERPILIH}.children", values).data)
    text = answer["response"][ids.VERVAL_NAGARI_TERPILIH]["children"]
    assert text == "Terpilih 2 nagari/desa: Alpha (13.01.01.2001); Gamma (13.01.02.2001)."


def test_the_page_is_drawn_for_every_role_that_may_open_it(app):
    for nama, peran, wilayah in (
        ("admin.hal", "admin", None),
        ("kadis.hal", "pimpinan", None),
        ("op.hal", "operator", "13.01"),
    ):
        client = client_as(app, nama, peran, wilayah)
        page = client.get("/_dash-layout", headers={"Referer": "http://kantong.example/verval"})
        assert page.status_code == 200, peran
        text = page.get_data(as_text=True)
        assert ids.VERVAL_BUAT in text and ids.VERVAL_NAGARI_TERPILIH in text, peran
        # Importing is for those who bring results back from the field.
        assert (ids.VERVAL_UNGGAH in text) == (peran != "pimpinan"), peran
