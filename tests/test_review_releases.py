"""Security review of the release upload, build and quality report routes, the comparison
page and plan progress, over plain HTTP (Flask's test client) as a browser or curl sends
them.

Each test makes an attempt a hostile or careless client could make and checks that it is
refused, or that the answer carries nothing it should not. Nine of them were weaknesses the
review found (a guest's table download by a forged menu item, unbounded header detection in
xlsx and ods, a 500 on a non-ASCII digit or a long csv line, chunks of two files mixing, a
stale upload kept, a cacheable quality report, Python's error text for a bad plan id); they
failed until the fixes, and fail again if one is undone.

One snapshot root holds two published releases (tests/compare_fixtures.py: "a" and "b"),
a staging release "2024-03" and a discarded one "buang" (both from tests/fixtures.py's
exports, which hold invented NIK and names "Warga ..."), and three saved plans on "a": the
province's, one of Kab. Contoh (13.01) and one of Kota Contoh (13.71).
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

import ids
from etl import compare as cmp
from etl import config
from kantong import release_job, release_upload
from kantong.audit import AuditLog
from kantong.plans import Plan, PlanStore
from kantong.releases import ReleaseStore
from tests import compare_fixtures as cf
from tests import fixtures
from tests.auth import callback_body, login, post
from tests.test_progress import ROWS

H = {release_upload.HEADER: "1"}
STAGING = "2024-03"
DISCARDED = "buang"
DELTA = "13.71.01.1001"  # Kota Contoh's nagari
# Every NIK in the fixtures' exports (tests/fixtures.py, tests/compare_fixtures.py).
NIKS = [fixtures.A, fixtures.B, fixtures.C, fixtures.D, fixtures.E, fixtures.G, fixtures.H, fixtures.I]
NIKS += [fixtures.J, fixtures.K, cf.NIK_F20]
# Words of people's names and addresses in those exports (no region is named so).
PERSONAL_WORDS = ("Warga", "Tetehosi", "Jl. Delta", "Koto Tangah")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("tinjauan")
    cf.build_release_a(root)
    b = cf.build_release_b(root)
    (b / cmp.CROSSWALK_FILE).write_text(f"kode_lama,kode_baru\n{cf.GAMMA_LAMA},{cf.GAMMA_BARU}\n", encoding="utf-8")
    store = ReleaseStore(root / "snapshots", AuditLog(root / "audit.sqlite"), root / "rencana.sqlite")
    store.build(STAGING, fixtures.build_inputs(root / "masukan_staging", root / "tidak-dipakai"), "admin.uji")
    store.build(DISCARDED, fixtures.build_inputs(root / "masukan_buang", root / "tidak-dipakai-2"), "admin.uji")
    store.discard(DISCARDED, "admin.uji")
    plans = PlanStore(root / "rencana.sqlite")
    province = plans.save(Plan(None, "Rencana provinsi", "admin.uji", "a", "a", {}, {}, nagari=ROWS))
    contoh = plans.save(Plan(None, "Rencana Contoh", "op.contoh", "a", "a", {}, {}, nagari=ROWS[:2], wilayah="13.01"))
    kota = plans.save(Plan(None, "Rencana Kota", "op.kota", "a", "a", {}, {}, nagari=[ROWS[2]], wilayah="13.71"))
    return {"root": root, "provinsi": province.id, "contoh": contoh.id, "kota": kota.id}


@pytest.fixture(scope="module")
def app(root):
    return fixtures.fixture_app(root["root"])


def client_as(app, nama: str, peran: str | None = None, wilayah: str | None = None):
    client = app.server.test_client()
    login(client, app, nama, peran, wilayah)
    return client


def work(app) -> Path:
    return app.kantong_root.parent / "app"


def uploads(app) -> Path:
    return work(app) / release_upload.UPLOAD_DIR


def open_session(client) -> str:
    answer = client.post("/rilis/unggah", headers=H)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.json["sesi"]


def put(client, sesi: str, name: str, data: bytes, offset, total, headers=H):
    return client.put(
        f"/rilis/unggah/{sesi}/{name}?offset={offset}&total={total}",
        data=data,
        headers=headers,
        content_type="application/octet-stream",
    )


def files_under(folder: Path) -> set[str]:
    """Every file below `folder`, as paths relative to it."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def personal(text: str) -> list[str]:
    """The NIK and personal words of the fixtures that occur in `text`."""
    return [n for n in NIKS if n in text] + [w for w in PERSONAL_WORDS if w in text]


def answer_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json(), ensure_ascii=False)


# ============================================================================ uploads: weaknesses


def test_an_offset_written_in_other_digits_is_refused_not_a_server_error(app):
    """`_whole` accepts what str.isdigit() accepts, and "²" is a digit to it but not to int():
    the request ends in an unhandled ValueError (HTTP 500, a traceback in the log) instead
    of the 400 every other malformed offset gets."""
    admin = client_as(app, "admin.digit", "admin")
    sesi = open_session(admin)
    answer = put(admin, sesi, "a.csv", b"x", "%C2%B2", 1)
    assert answer.status_code == 400, answer.status_code
    assert "bilangan bulat" in answer.json["pesan"]


def test_a_text_file_with_a_long_first_line_is_stored_without_a_server_error(app):
    """Guessing the kind reads the head of a text file with csv.reader, whose field limit
    (131 072 characters) raises csv.Error, which guess_kind does not catch: the chunk that
    completes the file answers 500; the file stays on disk, complete but never recorded in
    the audit log (the error comes before gate.record)."""
    admin = client_as(app, "admin.baris", "admin")
    sesi = open_session(admin)
    body = b"a" * 140_000 + b"\n"
    answer = put(admin, sesi, "panjang.csv", body, 0, len(body))
    assert answer.status_code == 200, answer.status_code
    assert answer.json["selesai"] is True and answer.json["jenis"] is None
    logged = app.kantong_audit.entries(akun="admin.baris", aksi="rilis_unggah")
    assert [r.rincian["berkas"] for r in logged] == ["panjang.csv"]


def test_a_chunk_of_another_file_never_continues_a_file_stored_under_the_same_name(app):
    """ "Data Keluarga.csv" and "Data_Keluarga.csv" are both stored as Data_Keluarga.csv. The
    original name is compared only once a file is complete, so a chunk of the second file
    is appended to the first one's partial bytes: one file made of two (and the build would
    read it, with the SHA-256 of the mixture)."""
    admin = client_as(app, "admin.nama", "admin")
    sesi = open_session(admin)
    assert put(admin, sesi, "Data%20Keluarga.csv", b"AAAAA", 0, 10).json["ukuran"] == 5
    other = put(admin, sesi, "Data_Keluarga.csv", b"BBBBB", 5, 10)
    stored = uploads(app) / sesi / release_upload.FILES_DIR / "Data_Keluarga.csv"
    assert other.status_code == 409, (other.status_code, stored.read_bytes())
    assert stored.read_bytes() == b"AAAAA"


def _one_row_xlsx(path: Path, cells: int) -> Path:
    """A valid workbook whose only row has `cells` cells: a few KB on disk."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData><row r="1">'.encode())
            for _ in range(cells // 1000):
                sheet.write(b"<c><v>1</v></c>" * 1000)
            sheet.write(b"</row></sheetData></worksheet>")
    return path


def test_finding_an_xlsx_s_kind_reads_a_bounded_part_of_a_very_long_row(app, tmp_path, monkeypatch):
    """_xlsx_head caps the XML it reads (64 MB) but not the cells of a row: a header row of
    100 000 cells (Excel holds at most 16 384 columns) goes whole to the header scoring, in
    the PUT request that completes the file, under the session's lock. Measured: a 123 KB
    workbook with one row of 4 million cells takes 68 s and 668 MB in that request."""
    seen: list[int] = []

    def record(rows):
        seen.extend(len(r) for r in rows)
        return None

    monkeypatch.setattr(release_upload, "kind_from_rows", record)
    data = _one_row_xlsx(tmp_path / "satu_baris.xlsx", 100_000).read_bytes()
    assert len(data) < 20_000
    admin = client_as(app, "admin.xlsx", "admin")
    sesi = open_session(admin)
    assert put(admin, sesi, "satu_baris.xlsx", data, 0, len(data)).status_code == 200
    assert seen, "the header rows were never scored"
    assert max(seen) <= 16_384, f"a row of {max(seen)} cells was held and scored"


def _ods(path: Path, unpacked_mb: int) -> Path:
    """A valid OpenDocument spreadsheet whose content.xml unpacks to about `unpacked_mb` MB
    (repetitive rows, so the file itself is small)."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    cell = '<table:table-cell office:value-type="string"><text:p>abcdefgh</text:p></table:table-cell>'
    rows = ("<table:table-row>" + cell * 20 + "</table:table-row>") * 1000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
            'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>',
        )
        with book.open("content.xml", "w") as content:
            content.write(
                f'<?xml version="1.0"?><office:document-content xmlns:office="{office}" xmlns:table="{table}" '
                f'xmlns:text="{text}"><office:body><office:spreadsheet><table:table table:name="Data">'.encode()
            )
            for _ in range(unpacked_mb * 2**20 // len(rows)):
                content.write(rows.encode())
            content.write(b"</table:table></office:spreadsheet></office:body></office:document-content>")
    return path


def test_finding_an_ods_s_kind_does_not_unpack_a_large_sheet(tmp_path):
    """_calamine_head looks into .ods files up to 20 MB on disk, but python-calamine unpacks
    and parses the whole content.xml: memory follows the unpacked size, which deflate lets
    be about a thousand times the file's. Measured (peak memory of the process): a 0,36 MB
    file (96 MB unpacked) takes about 210 MB more, a 0,78 MB one (200 MB unpacked) 445 MB
    more; a file under the 20 MB limit can take many GB, in a web worker."""
    small = _ods(tmp_path / "kecil.ods", 1)
    big = _ods(tmp_path / "besar.ods", 96)
    assert big.stat().st_size < 1_000_000
    script = textwrap.dedent(
        """
        import json, re, sys
        from pathlib import Path
        from kantong import release_upload

        def peak_kb():  # this process's own peak (ru_maxrss would carry pytest's across fork)
            status = Path("/proc/self/status").read_text()
            return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))

        release_upload.guess_kind(Path(sys.argv[1]))  # imports and the reader's set-up
        before = peak_kb()
        release_upload.guess_kind(Path(sys.argv[2]))
        print(json.dumps({"grown_mb": (peak_kb() - before) / 1024}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(small), str(big)],
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    grown = json.loads(done.stdout.strip().splitlines()[-1])["grown_mb"]
    assert grown < 96 / 2, f"finding the kind of a {big.stat().st_size // 1024} KB file took {grown:.0f} MB more"


def test_a_session_abandoned_for_a_day_goes_when_the_page_is_opened(app):
    """The raw exports (NIK, names) of an abandoned upload are removed only by
    remove_stale, which only POST /rilis/unggah calls: after a failed build nobody uploads
    again, so they stay on disk indefinitely, although docs/akses-dan-data-pribadi.md says
    they go "after the build, a cancel, or a day". Opening the Rilis page (where the admin
    sees, and no longer sees, that upload) does not remove them."""
    admin = client_as(app, "admin.lama", "admin")
    sesi = open_session(admin)
    data = f"NIK\n{fixtures.A}\n".encode()
    assert put(admin, sesi, "dtks.csv", data, 0, len(data)).json["selesai"] is True
    folder = uploads(app) / sesi
    old = time.time() - release_upload.STALE_S - 60
    for path in [folder / release_upload.MANIFEST, *folder.joinpath(release_upload.FILES_DIR).iterdir()]:
        os.utime(path, (old, old))
    page = admin.get("/_dash-layout", headers={"Referer": "http://kantong.example/rilis"})
    assert page.status_code == 200 and "Rilis data" in page.get_data(as_text=True)
    assert not folder.exists(), "a day-old upload with a NIK in it is still on disk"


def test_the_quality_report_is_kept_in_no_browser_cache(app):
    """The staging quality report (rejected rows: family IDs, masked NIK, raw region codes)
    is sent with "no-cache" (kept, revalidated) where the app's other downloads under
    /unduh/ and every Dash answer get "no-store"."""
    admin = client_as(app, "admin.uji")
    answer = admin.get(f"/rilis/laporan/{STAGING}")
    assert answer.status_code == 200
    assert "no-store" in answer.headers.get("Cache-Control", ""), answer.headers.get("Cache-Control")


# ============================================================================ uploads: guards


@pytest.mark.parametrize(
    ("nama", "peran", "wilayah"),
    [("kadis.uji", "pimpinan", None), ("op.contoh", "operator", "13.01"), ("tamu.uji", "tamu", None)],
)
def test_no_role_but_admin_reaches_the_upload_the_build_or_the_quality_report(app, nama, peran, wilayah):
    admin = client_as(app, "admin.uji")
    sesi = open_session(admin)
    client = client_as(app, nama, peran, wilayah)
    assert client.post("/rilis/unggah", headers=H).status_code == 403
    assert put(client, sesi, "a.csv", b"x", 0, 1).status_code == 403
    assert client.delete(f"/rilis/unggah/{sesi}", headers=H).status_code == 403
    assert client.get(f"/rilis/laporan/{STAGING}").status_code == 403  # a real staging release
    # The page's callbacks: start a build, read the report, list the uploads, poll a build.
    for output, values in (
        (f"{ids.RILIS_TUGAS}.data", {f"{ids.RILIS_BANGUN}.n_clicks": 1, f"{ids.RILIS_NAMA}.value": "x"}),
        (f"{ids.RILIS_LAPORAN}.children", {f"{ids.RILIS_PERIKSA}.data": STAGING}),
        (f"{ids.RILIS_BERKAS}.children", {f"{ids.RILIS_SESI}.data": sesi}),
        (f"{ids.RILIS_TUGAS_PANEL}.children", {f"{ids.RILIS_TUGAS}.data": "20240101-000000-00000000"}),
    ):
        assert post(client, app, output, values).status_code == 403, output
    page = client.get("/_dash-layout", headers={"Referer": "http://kantong.example/rilis"}).get_data(as_text=True)
    assert "tidak berwenang membuka halaman ini" in page and STAGING not in page
    assert not files_under(uploads(app) / sesi / release_upload.FILES_DIR)
    anonymous = app.server.test_client()
    assert anonymous.get(f"/rilis/laporan/{STAGING}").status_code == 401


def test_a_session_id_that_is_no_session_of_the_asker_reaches_nothing(app):
    admin = client_as(app, "admin.sesi", "admin")
    sesi = open_session(admin)
    before = files_under(work(app))
    bad = [
        "..",
        "..%2F..%2Fsnapshots",
        "%2E%2E",
        sesi[:-1] + ".",  # 22 characters, one a dot
        sesi[:-1] + "%00",
        sesi + "x",
        sesi.upper() if sesi.upper() != sesi else sesi.lower(),
        sesi[:-1] + "%EF%BC%A1",  # a fullwidth A
        "a" * 5000,
        "%2Ftmp",
    ]
    for value in bad:
        chunk = put(admin, value, "a.csv", b"x", 0, 1)
        cancel = admin.delete(f"/rilis/unggah/{value}", headers=H)
        assert chunk.status_code in (403, 404) and cancel.status_code in (403, 404, 405), value
    assert files_under(work(app)) == before
    assert (uploads(app) / sesi).is_dir()


def test_file_names_stay_plain_names_inside_the_session(app):
    admin = client_as(app, "admin.berkas", "admin")
    sesi = open_session(admin)
    outside_before = files_under(work(app)) - {f"unggah/{sesi}/{p}" for p in files_under(uploads(app) / sesi)}
    refused = {
        "%2Fetc%2Fpasswd.csv": (403,),  # a slash: no route takes it
        "..%2F..%2Fsesi.json": (403,),
        "%00": (400,),
        "..": (400, 403, 404),
        "%E2%80%AE": (400,),  # a right-to-left mark alone
        "gambar.svg": (415,),
        "skrip.csv.py": (415,),
    }
    for name, statuses in refused.items():
        assert put(admin, sesi, name, b"x", 0, 1).status_code in statuses, name
    stored = {
        "..%5C..%5Csesi.json": "sesi.json",  # inside berkas/, not the session's own manifest
        "a%00b.csv": "ab.csv",
        "%EF%BD%98.csv": "x.csv",  # fullwidth x
        "%E2%80%AEvsc.exe.csv": "vsc.exe.csv",  # the right-to-left override is dropped
        "C:%5CUsers%5Cx%5Cdata.CSV": "data.CSV",
        "x" * 3000 + ".csv": "x" * (release_upload.MAX_NAME - 4) + ".csv",
    }
    for name, plain in stored.items():
        answer = put(admin, sesi, name, b"x", 0, 1)
        assert answer.status_code == 200 and answer.json["nama"] == plain, (name, answer.get_data(as_text=True)[:200])
    manifest = json.loads((uploads(app) / sesi / release_upload.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["akun"] == "admin.berkas"  # the session's own file was not overwritten
    inside = files_under(uploads(app) / sesi)
    assert {p for p in inside if p.startswith("berkas/")} == {f"berkas/{p}" for p in stored.values()}
    outside_after = files_under(work(app)) - {f"unggah/{sesi}/{p}" for p in inside}
    assert outside_after == outside_before


def test_malformed_and_out_of_range_offsets_are_refused_and_write_nothing(app):
    admin = client_as(app, "admin.offset", "admin")
    sesi = open_session(admin)
    for offset, total, status in (
        ("-1", "10", 400),
        ("%2B0", "10", 400),
        ("1e3", "10", 400),
        ("0x0", "10", 400),
        ("%200", "10", 400),
        ("0.0", "10", 400),
        ("", "10", 400),
        ("0", "-10", 400),
        ("0", "9" * 16, 400),
        ("99999999999999", "999999999999999", 413),
    ):
        assert put(admin, sesi, "a.csv", b"xyz", offset, total).status_code == status, (offset, total)
    assert put(admin, sesi, "a.csv", b"xyz", 0, 2).status_code == 400  # past the declared size
    assert put(admin, sesi, "a.csv", b"xyz", 0, release_upload.MAX_SESSION_BYTES + 1).status_code == 413
    assert put(admin, sesi, "a.csv", b"xyz", 5, 10).status_code == 409  # never started
    assert not files_under(uploads(app) / sesi / release_upload.FILES_DIR)
    assert put(admin, sesi, "a.csv", b"xyz", 0, 6).status_code == 200
    assert put(admin, sesi, "a.csv", b"xyz", 0, 2**40).status_code == 413  # restarted beyond the limit
    assert put(admin, sesi, "a.csv", b"xy", 4, 6).status_code == 409  # leaves a hole
    assert put(admin, sesi, "a.csv", b"xy", 1, 6).status_code == 409  # overwrites what arrived
    assert (uploads(app) / sesi / release_upload.FILES_DIR / "a.csv").read_bytes() == b"xyz"


def test_a_csrf_token_of_another_session_is_refused(app):
    first = client_as(app, "admin.satu", "admin")
    second = client_as(app, "admin.dua", "admin")
    sesi = open_session(first)
    mine = first.environ_base["HTTP_X_CSRFTOKEN"]
    first.environ_base["HTTP_X_CSRFTOKEN"] = second.environ_base["HTTP_X_CSRFTOKEN"]
    try:
        assert first.post("/rilis/unggah", headers=H).status_code == 403
        assert put(first, sesi, "a.csv", b"x", 0, 1).status_code == 403
        assert first.delete(f"/rilis/unggah/{sesi}", headers=H).status_code == 403
    finally:
        first.environ_base["HTTP_X_CSRFTOKEN"] = mine
    assert not files_under(uploads(app) / sesi / release_upload.FILES_DIR)


class _Recorder(io.RawIOBase):
    """A request body that notes, at each read, how many bytes it has given and how many
    the file on disk holds: their difference is what the server holds in memory."""

    def __init__(self, data: bytes, target: Path):
        self.data, self.target, self.given, self.held = io.BytesIO(data), target, 0, []

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.data.seek(offset, whence)

    def tell(self) -> int:
        return self.data.tell()

    def readinto(self, buffer) -> int:
        on_disk = self.target.stat().st_size if self.target.exists() else 0
        self.held.append(self.given - on_disk)
        chunk = self.data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.given += len(chunk)
        return len(chunk)


def test_a_chunk_goes_to_disk_block_by_block(app):
    admin = client_as(app, "admin.blok", "admin")
    sesi = open_session(admin)
    data = os.urandom(3 * release_upload.BLOCK + 123)
    target = uploads(app) / sesi / release_upload.FILES_DIR / "besar.csv"
    body = _Recorder(data, target)
    answer = admin.put(
        f"/rilis/unggah/{sesi}/besar.csv?offset=0&total={len(data)}",
        input_stream=body,
        content_length=len(data),
        headers=H,
        content_type="application/octet-stream",
    )
    assert answer.status_code == 200 and answer.json["selesai"] is True
    # Before each read, all but the last block read is on disk: no more than a block in memory.
    assert len(body.held) >= 4 and max(body.held) <= release_upload.BLOCK, body.held
    assert target.read_bytes() == data


def _start_build(client, app, nama: str, tanggal: str, kinds: dict[str, str]):
    """The "Bangun rilis" click, with the kind selectors the page would send (or forged)."""
    body = callback_body(
        app,
        f"{ids.RILIS_TUGAS}.data",
        {f"{ids.RILIS_BANGUN}.n_clicks": 1, f"{ids.RILIS_NAMA}.value": nama, f"{ids.RILIS_TANGGAL}.value": tanggal},
    )
    selectors = [{"type": ids.RILIS_JENIS, "berkas": name} for name in kinds]
    for i, item in enumerate(body["state"]):
        if str(item["id"]).startswith("{"):
            body["state"][i] = [
                {
                    "id": s,
                    "property": item["property"],
                    "value": kinds[s["berkas"]] if item["property"] == "value" else s,
                }
                for s in selectors
            ]
    answer = client.post("/_dash-update-component", json=body)
    return json.loads(answer_text(answer))["response"]


def test_a_build_uses_only_the_asker_s_own_uploads(app):
    owner = client_as(app, "admin.pemilik", "admin")
    sesi = open_session(owner)
    data = (fixtures.write_all(app.kantong_root.parent / "masukan_pemilik")["keluarga"][0]).read_bytes()
    assert put(owner, sesi, "keluarga.csv", data, 0, len(data)).json["jenis"] == "keluarga"
    other = client_as(app, "admin.lain", "admin")
    forged = _start_build(other, app, "2025-01", "2025-01-01", {"keluarga.csv": "keluarga"})
    assert ids.RILIS_TUGAS not in forged
    assert "Belum ada berkas yang diunggah." in json.dumps(forged[ids.RILIS_BANGUN_PESAN])
    # The owner's own click gets further (to the kinds still missing): the files were there.
    own = _start_build(owner, app, "2025-01", "2025-01-01", {"keluarga.csv": "keluarga"})
    assert ids.RILIS_TUGAS not in own and "P3KE individu" in json.dumps(own[ids.RILIS_BANGUN_PESAN])
    assert not release_job.jobs_root(work(app)).exists() or not list(release_job.jobs_root(work(app)).iterdir())
    # Deleting another admin's uploads through the confirmation is refused as "not there".
    pending = {f"{ids.RILIS_KONFIRMASI_AKSI}.data": {"aksi": "hapus_unggahan", "nama": sesi}}
    said = answer_text(post(other, app, f"{ids.RILIS_PESAN}.children", pending))
    assert "Berkas unggahan itu sudah tidak ada." in said
    assert (uploads(app) / sesi / release_upload.FILES_DIR / "keluarga.csv").read_bytes() == data
    owner.delete(f"/rilis/unggah/{sesi}", headers=H)


@pytest.mark.parametrize(
    ("nama", "tanggal", "said"),
    [
        ("x; touch /tmp/kantong-dibobol", "2025-01-01", "tidak sah"),
        ("$(id)", "2025-01-01", "tidak sah"),
        ("../../snapshots/a", "2025-01-01", "tidak sah"),
        (".staging", "2025-01-01", "tidak sah"),
        ("a" * 65, "2025-01-01", "tidak sah"),
        ("2025-01", "2025-01-01; id", "format YYYY-MM-DD"),
        ("2025-01", "2025-02-30", "tidak ada di kalender"),
    ],
)
def test_a_build_s_name_and_date_are_checked_before_anything_starts(app, nama, tanggal, said):
    admin = client_as(app, "admin.uji")
    answer = _start_build(admin, app, nama, tanggal, {})
    assert ids.RILIS_TUGAS not in answer and said in json.dumps(answer[ids.RILIS_BANGUN_PESAN], ensure_ascii=False)
    assert not Path("/tmp/kantong-dibobol").exists()
    assert not release_job.jobs_root(work(app)).exists() or not list(release_job.jobs_root(work(app)).iterdir())


def test_uploads_a_running_build_reads_can_be_neither_changed_nor_cancelled(app):
    admin = client_as(app, "admin.sibuk", "admin")
    sesi = open_session(admin)
    assert put(admin, sesi, "a.csv", b"abc", 0, 3).status_code == 200
    # A build that has just started from this session (as release_job.start leaves it).
    job_id = "20240101-000000-0badc0de"
    folder = release_job.jobs_root(work(app)) / job_id
    folder.mkdir(parents=True)
    try:
        (folder / release_job.INPUT_FILE).write_text("{}", encoding="utf-8")
        (folder / release_job.STATUS_FILE).write_text(
            json.dumps({"id": job_id, "nama": "x", "status": release_job.RUNNING}), encoding="utf-8"
        )
        marker = {"tugas": job_id, "work": str(work(app).resolve())}
        (uploads(app) / sesi / "tugas.json").write_text(json.dumps(marker), encoding="utf-8")
        assert put(admin, sesi, "a.csv", b"xyz", 0, 3).status_code == 409
        assert put(admin, sesi, "b.csv", b"x", 0, 1).status_code == 409
        assert admin.delete(f"/rilis/unggah/{sesi}", headers=H).status_code == 409
        assert (uploads(app) / sesi / release_upload.FILES_DIR / "a.csv").read_bytes() == b"abc"
    finally:
        shutil.rmtree(folder)
        (uploads(app) / sesi / "tugas.json").unlink()
    assert admin.delete(f"/rilis/unggah/{sesi}", headers=H).status_code == 200


@pytest.mark.parametrize(
    "nama",
    ["a", "b", DISCARDED, "tidak-ada", "..", "%2E%2E", ".staging", "rilis.json", f"{STAGING}%00", "x" * 65],
)
def test_the_quality_report_route_serves_only_a_staging_release_s_report(app, nama):
    admin = client_as(app, "admin.uji")
    answer = admin.get(f"/rilis/laporan/{nama}")
    assert answer.status_code in (403, 404), (nama, answer.status_code)
    assert not answer.data.startswith(b"PK")


def _workbook_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = (row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return "\n".join(" ".join("" if v is None else str(v) for v in row) for row in rows)


def test_the_quality_report_and_its_page_hold_no_nik_and_no_name(app):
    admin = client_as(app, "admin.uji")
    answer = admin.get(f"/rilis/laporan/{STAGING}")
    assert answer.status_code == 200 and answer.data.startswith(b"PK")
    text = _workbook_text(answer.data)
    assert "NIK tidak valid: kosong" in text and "ID keluarga duplikat" in text  # the rejected rows are there
    assert "1.3010*E+15" in text  # a NIK of a rejected DTKS row, masked
    assert personal(text) == []
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", text), re.findall(r"\d{16}", text)[:3]
    page = answer_text(post(admin, app, f"{ids.RILIS_LAPORAN}.children", {f"{ids.RILIS_PERIKSA}.data": STAGING}))
    assert "Laporan kualitas rilis" in page and personal(page) == []
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", page)
    rows = app.kantong_audit.entries(akun="admin.uji", aksi="ekspor")
    assert rows[-1].rincian == {"berkas": f"laporan_kualitas_{STAGING}.xlsx", "snapshot": STAGING}


# ============================================================================ downloads: weakness


def _map_page_download(client, app, objek: str, format: str):
    item = {"format": format, "objek": objek, "type": ids.UNDUH_PETA}
    body = callback_body(app, f"{ids.UNDUH_PETA_BERKAS}.data", {f"{ids.URL_PETA}.search": "?tingkat=desa"})
    body["inputs"] = [[{"id": item, "property": "n_clicks", "value": 1}]]
    body["changedPropIds"] = [json.dumps(item, separators=(",", ":")) + ".n_clicks"]
    return client.post("/_dash-update-component", json=body)


def test_a_guest_gets_no_table_by_naming_an_object_that_is_no_picture(app):
    """kantong.policy.callback_permission asks only "unduh_gambar" unless the clicked item's
    objek is one of TABLE_OBJECTS; callbacks/exports.py sends the region table for any objek
    other than "peta" and "desil". So a tamu (no table downloads, by the policy) gets the
    table of every nagari and indicator with objek "lainnya". The priority page's download
    (ids.UNDUH) falls through to its table the same way."""
    guest = client_as(app, "tamu.uji")
    assert _map_page_download(guest, app, "tabel", "csv").status_code == 403  # the guard that exists
    answer = _map_page_download(guest, app, "lainnya", "csv")
    assert answer.status_code == 403, (answer.status_code, answer.get_data(as_text=True)[:200])


# ============================================================================ comparisons


def _controls(a="a", b="b", tingkat="desa", wilayah="13"):
    return {
        f"{ids.BANDING_A}.value": a,
        f"{ids.BANDING_B}.value": b,
        f"{ids.BANDING_INDIKATOR}.value": "kk_desil_1",
        f"{ids.BANDING_TINGKAT}.value": tingkat,
        f"{ids.BANDING_WILAYAH}.value": wilayah,
    }


def test_comparisons_take_only_published_releases_and_compute_nothing_else(app):
    cache = work(app) / "perbandingan"
    before = files_under(cache)
    for client in (client_as(app, "admin.uji"), client_as(app, "op.contoh", "operator", "13.01")):
        for name in (STAGING, DISCARDED, "../snapshots/a", "a/../b", ".staging/2024-03", "a\x00", "A"):
            for a, b in ((name, "b"), ("a", name)):
                for output in (f"{ids.BANDING_RINGKASAN}.children", f"{ids.BANDING_PETA}.figure"):
                    text = answer_text(post(client, app, output, _controls(a, b)))
                    assert "tidak ada atau belum terbit" in text, (a, b, output)
    assert not any(STAGING in p or DISCARDED in p for p in files_under(cache) - before)


def test_an_operator_s_comparison_answers_hold_only_their_own_nagari_whatever_is_asked(app):
    operator = client_as(app, "op.contoh", "operator", "13.01")
    for tingkat in ("desa", "kecamatan", "kabkota", "provinsi"):
        for wilayah in ("13.71", DELTA, None, "١٣.٧١"):
            for output in (f"{ids.BANDING_RINGKASAN}.children", f"{ids.BANDING_PETA}.figure"):
                text = answer_text(post(operator, app, output, _controls(tingkat=tingkat, wilayah=wilayah)))
                assert DELTA not in text and "13.71.01" not in text and "Delta" not in text, (tingkat, wilayah)


def test_comparison_answers_and_downloads_hold_no_nik_and_no_name(app):
    admin = client_as(app, "admin.uji")
    for tingkat in ("desa", "kabkota"):
        for output in (f"{ids.BANDING_RINGKASAN}.children", f"{ids.BANDING_PETA}.figure"):
            text = answer_text(post(admin, app, output, _controls(tingkat=tingkat)))
            assert personal(text) == [], (tingkat, output, personal(text))
    item = {"format": "xlsx", "objek": "tabel", "type": ids.BANDING_UNDUH_TABEL}
    body = callback_body(app, f"{ids.BANDING_UNDUH_TABEL_BERKAS}.data", _controls())
    body["inputs"] = [[{"id": item, "property": "n_clicks", "value": 1}]]
    body["changedPropIds"] = [json.dumps(item, separators=(",", ":")) + ".n_clicks"]
    sent = admin.post("/_dash-update-component", json=body).get_json()["response"][ids.BANDING_UNDUH_TABEL_BERKAS]
    text = _workbook_text(base64.b64decode(sent["data"]["content"]))
    assert DELTA in text and personal(text) == []


# ============================================================================ plan progress


def _progress(client, app, rencana, rilis="b", level="desa"):
    values = {
        f"{ids.KEMAJUAN_RILIS}.value": rilis,
        f"{ids.KEMAJUAN_TINGKAT}.value": level,
        f"{ids.KEMAJUAN_RENCANA}.value": rencana,
    }
    return post(client, app, f"{ids.KEMAJUAN_RINGKASAN}.children", values)


def _progress_download(client, app, rencana, rilis="b"):
    values = {
        f"{ids.KEMAJUAN_UNDUH}.n_clicks": 1,
        f"{ids.KEMAJUAN_RENCANA}.value": rencana,
        f"{ids.KEMAJUAN_RILIS}.value": rilis,
    }
    return post(client, app, f"{ids.KEMAJUAN_BERKAS}.data", values)


def test_an_operator_gets_no_progress_of_a_plan_that_is_not_their_kabkota_s(app, root):
    operator = client_as(app, "op.contoh", "operator", "13.01")
    own = answer_text(_progress(operator, app, str(root["contoh"])))
    assert cf.ALPHA in own and DELTA not in own  # the control: their own plan
    for plan in (root["provinsi"], root["kota"], 10_000):
        for rilis in ("b", "lapangan"):
            text = answer_text(_progress(operator, app, str(plan), rilis))
            assert "Rencana tidak ditemukan" in text and DELTA not in text and "Rencana provinsi" not in text
        assert _progress_download(operator, app, str(plan)).status_code == 204  # nothing sent
        releases = answer_text(
            post(operator, app, f"{ids.KEMAJUAN_RILIS}.options", {f"{ids.KEMAJUAN_RENCANA}.value": str(plan)})
        )
        assert json.loads(releases)["response"][ids.KEMAJUAN_RILIS] == {"options": [], "value": None}
    listed = answer_text(post(operator, app, f"{ids.KEMAJUAN_RENCANA}.options", {f"{ids.RENCANA_DAFTAR}.options": []}))
    assert "Rencana Contoh" in listed and "Rencana provinsi" not in listed and "Rencana Kota" not in listed


def test_a_plan_s_progress_is_measured_only_against_a_later_published_release(app, root):
    admin = client_as(app, "admin.uji")
    for rilis in (STAGING, DISCARDED, "a", "../snapshots/b", None):
        answer = _progress(admin, app, str(root["provinsi"]), rilis)
        if rilis is None:
            assert answer.status_code == 204  # waits for the release list
            continue
        text = answer_text(answer)
        assert "Kemajuan tidak dapat diukur" in text and "bukan rilis sesudah rilis rencana" in text, rilis
    text = answer_text(_progress(admin, app, str(root["provinsi"])))
    assert DELTA in text and personal(text) == []


def test_a_guest_gets_no_progress_and_presentation_mode_falls_back_to_the_automatic_plan(app, root):
    guest = client_as(app, "tamu.uji")
    plan = str(root["provinsi"])
    assert _progress(guest, app, plan).status_code == 403
    assert _progress_download(guest, app, plan).status_code == 403
    assert post(guest, app, f"{ids.KEMAJUAN_RILIS}.options", {f"{ids.KEMAJUAN_RENCANA}.value": plan}).status_code == 403
    for ke in (0, 1):
        values = {
            f"{ids.PRESENTASI_KE}.data": ke,
            f"{ids.PRESENTASI_PARAM}.data": {"indikator": "kk_desil_1", "rencana": plan},
        }
        text = answer_text(post(guest, app, f"{ids.PRESENTASI_JUDUL}.children", values))
        assert "Rencana provinsi" not in text and "Kemajuan rencana" not in text, ke
        if ke:
            assert "Usulan otomatis" in text


def test_a_malformed_plan_id_is_an_unknown_plan(app, root):
    """A plan id that is not a number reaches int() and its ValueError is shown as it is
    ("invalid literal for int() with base 10: ..."), English and internal, where an unknown
    id gets "Rencana tidak ditemukan"."""
    admin = client_as(app, "admin.uji")
    text = answer_text(_progress(admin, app, "1 OR 1=1"))
    assert "invalid literal" not in text and "Rencana tidak ditemukan" in text, text[:300]
