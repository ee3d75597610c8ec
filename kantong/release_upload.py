"""Uploading a release's input files (up to 2 GB in all) from the releases page, in chunks
streamed to disk.

The page's script (assets/kantong/unggah.js) opens an upload session and sends each file in
chunks of a few MB as the raw bytes of a PUT:

    POST   /rilis/unggah                               the account's open session (made if none)
    PUT    /rilis/unggah/<sesi>/<berkas>?offset=N&total=T   one chunk, written at byte N of the file
    DELETE /rilis/unggah/<sesi>                        cancel: the session and its files go

Every request passes the gate (login, the session's CSRF token, permission "publikasi"),
and must carry the header X-Kantong-Unggah: 1. A cross-site page can send neither a PUT nor
a DELETE nor that header without the browser asking this server first (CORS preflight), which
it never allows. A chunk is read from the request stream in blocks of BLOCK bytes and written
straight to the file, so no file is ever held in memory. A chunk must start where the file
ends (else 409 with the size the server has, from which the script resumes); a session holds
at most MAX_SESSION_BYTES (413); names are reduced to a plain file name with an allowed
extension; a session belongs to the account that opened it (another account gets 404).

A session is <work>/unggah/<sesi>/: sesi.json (its account and each file's declared size,
original name and guessed kind) and berkas/ with the files. Sessions untouched for a day are
removed when a new one is opened. A completed file is recorded in the audit log (name and
size, never contents), as is a cancelled upload.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import secrets
import shutil
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from werkzeug.utils import secure_filename

from kantong import release_job

MAX_SESSION_BYTES = 2 * 2**30  # 2 GB per session: a province's P3KE and DTKS exports
MAX_CHUNK_BYTES = 16 * 2**20  # one PUT (the page sends at most 8 MB); the gate allows 32 MB
BLOCK = 2**20  # read from the request and written per step
MAX_FILES = 500
STALE_S = 24 * 3600  # a session untouched this long is abandoned
HEADER = "X-Kantong-Unggah"
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{22}")
UPLOAD_DIR = "unggah"
MANIFEST = "sesi.json"
FILES_DIR = "berkas"
MAX_NAME = 120

# The kinds a file can be given on the page, in the order offered.
KELUARGA, INDIVIDU, DTKS, BATAS, PADANAN, ABAIKAN = "keluarga", "individu", "dtks", "batas", "padanan", "abaikan"
KINDS = (KELUARGA, INDIVIDU, DTKS, BATAS, PADANAN, ABAIKAN)
KIND_LABEL = {
    KELUARGA: "P3KE keluarga",
    INDIVIDU: "P3KE individu",
    DTKS: "DTKS/DTSEN",
    BATAS: "Batas wilayah",
    PADANAN: "Padanan kode wilayah",
    ABAIKAN: "Tidak dipakai",
}
TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"}
# OGR sources (etl.boundaries.OGR_SUFFIXES) and a Shapefile's other parts.
BOUNDARY_SUFFIXES = {
    ".geojson",
    ".json",
    ".shp",
    ".gpkg",
    ".zip",
    ".fgb",
    ".gml",
    ".kml",
    ".shx",
    ".dbf",
    ".prj",
    ".cpg",
}
SUFFIXES = TABLE_SUFFIXES | BOUNDARY_SUFFIXES


class UploadError(Exception):
    """A refused request: the HTTP status and the message for the officer."""

    def __init__(self, status: int, pesan: str, **extra):
        super().__init__(pesan)
        self.status = status
        self.pesan = pesan
        self.extra = extra


def _size(n: int) -> str:
    from kantong import fmt

    return f"{fmt.angka(n / 2**30, 2)} GB" if n >= 2**30 else f"{fmt.angka(n / 2**20, 1)} MB"


def sanitise(name: str) -> str:
    """A plain file name (no folder, no path tricks, ASCII) with an allowed extension."""
    base = re.split(r"[\\/]", str(name or ""))[-1]
    clean = secure_filename(base)[-MAX_NAME:].lstrip("._") or ""
    suffix = Path(clean).suffix.lower()
    if not clean or not Path(clean).stem:
        raise UploadError(400, f"Nama berkas {base!r} tidak dapat dipakai; ganti namanya (huruf, angka, titik).")
    if suffix not in SUFFIXES:
        allowed = ", ".join(sorted(SUFFIXES))
        raise UploadError(
            415, f"Berkas {base}: jenis berkas {suffix or '(tanpa ekstensi)'} tidak diterima. Yang diterima: {allowed}."
        )
    return clean


@dataclass(frozen=True)
class UploadedFile:
    nama: str  # as stored (sanitised)
    asli: str  # as the browser named it
    ukuran: int  # bytes on disk
    total: int  # bytes declared
    diubah: int | None  # the file's last-modified time in the browser (ms), to resume only the same file
    jenis: str | None  # the kind guessed when it was complete

    @property
    def selesai(self) -> bool:
        return self.ukuran == self.total

    def to_json(self) -> dict:
        return {
            "nama": self.nama,
            "asli": self.asli,
            "ukuran": self.ukuran,
            "total": self.total,
            "diubah": self.diubah,
            "jenis": self.jenis,
            "selesai": self.selesai,
        }


class Session:
    """One account's upload session: a folder of files on their way to a build."""

    def __init__(self, path: Path):
        self.path = path
        self.id = path.name

    @property
    def files_dir(self) -> Path:
        return self.path / FILES_DIR

    def manifest(self) -> dict:
        try:
            return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save(self, data: dict) -> None:
        tmp = self.path / f".{MANIFEST}.{os.getpid()}"
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path / MANIFEST)

    @contextmanager
    def locked(self):
        """One writer of a session at a time (gunicorn workers, two tabs)."""
        with open(self.path / ".kunci", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def akun(self) -> str | None:
        return self.manifest().get("akun")

    def files(self) -> list[UploadedFile]:
        entries = self.manifest().get("berkas", {})
        out = []
        for nama, meta in sorted(entries.items()):
            path = self.files_dir / nama
            out.append(
                UploadedFile(
                    nama=nama,
                    asli=meta.get("asli", nama),
                    ukuran=path.stat().st_size if path.is_file() else 0,
                    total=int(meta.get("total", 0)),
                    diubah=meta.get("diubah"),
                    jenis=meta.get("jenis"),
                )
            )
        return out

    def file_path(self, nama: str) -> Path:
        return self.files_dir / nama

    def last_activity(self) -> float:
        times = [p.stat().st_mtime for p in (self.path / MANIFEST, *self.files_dir.glob("*")) if p.exists()]
        return max(times, default=self.path.stat().st_mtime)

    def in_use(self) -> str | None:
        return release_job.session_in_use(self.path)

    def delete(self) -> None:
        gone = self.path.parent / f".{self.id}.hapus-{secrets.token_hex(4)}"
        os.replace(self.path, gone)
        shutil.rmtree(gone, ignore_errors=True)

    # --- a chunk ---------------------------------------------------------------------------

    def write_chunk(
        self, asli: str, offset: int, total: int, length: int, stream, diubah: int | None = None
    ) -> UploadedFile:
        """Write `length` bytes from `stream` at `offset` of the file; the checks first."""
        nama = sanitise(asli)
        with self.locked():
            if self.in_use():
                raise UploadError(409, "Berkas unggahan ini sedang dipakai build rilis; tunggu hingga build selesai.")
            data = self.manifest()
            entries = data.setdefault("berkas", {})
            entry = entries.get(nama)
            path = self.file_path(nama)
            size = path.stat().st_size if path.is_file() else 0
            # Another file whose name reduces to the same plain name: never let their chunks mix.
            if entry is not None and entry.get("asli") != asli[: MAX_NAME * 2]:
                raise UploadError(
                    409,
                    f"Berkas {asli}: sudah ada berkas lain bernama {entry.get('asli')} yang disimpan sebagai {nama}. "
                    "Ganti nama salah satunya.",
                )
            if entry is None and len(entries) >= MAX_FILES:
                raise UploadError(413, f"Satu unggahan memuat paling banyak {MAX_FILES} berkas.")
            others = sum(int(m.get("total", 0)) for n, m in entries.items() if n != nama)
            if others + total > MAX_SESSION_BYTES:
                raise UploadError(
                    413,
                    f"Berkas {asli} ({_size(total)}) melampaui batas unggahan {_size(MAX_SESSION_BYTES)} "
                    f"(sudah terunggah {_size(others)}). Hapus berkas yang tidak dipakai atau bagi rilisnya.",
                )
            if offset + length > total:
                raise UploadError(400, f"Berkas {asli}: potongan melampaui ukuran berkas yang disebutkan.")
            if offset == 0:
                free = shutil.disk_usage(self.path).free
                if total - size > free - 512 * 2**20:  # keep room for the build's own files
                    raise UploadError(507, f"Ruang disk server tidak cukup untuk berkas {asli} ({_size(total)}).")
                entries[nama] = {"asli": asli[: MAX_NAME * 2], "total": total, "diubah": diubah, "jenis": None}
                self._save(data)
                size = 0
                mode = "wb"  # a new file, or the same name sent again from its start
            else:
                if entry is None or int(entry.get("total", -1)) != total:
                    raise UploadError(409, f"Berkas {asli}: unggahan belum dimulai dari awal.", ukuran=0)
                if offset != size:
                    raise UploadError(
                        409,
                        f"Berkas {asli}: potongan mulai di bita {offset}, padahal server sudah menerima {size} bita.",
                        ukuran=size,
                    )
                mode = "r+b"
            self.files_dir.mkdir(exist_ok=True)
            written = 0
            with open(path, mode) as out:
                out.seek(offset)
                while written < length:
                    block = stream.read(min(BLOCK, length - written))
                    if not block:
                        break
                    out.write(block)
                    written += len(block)
                if written != length:  # the connection broke: keep only whole chunks
                    out.truncate(offset)
            if written != length:
                raise UploadError(
                    400, f"Berkas {asli}: potongan terputus ({written} dari {length} bita).", ukuran=offset
                )
            done = offset + length == total
            if done:
                entries[nama]["jenis"] = guess_kind(path)
                self._save(data)
            meta = entries[nama]
            return UploadedFile(nama, asli, offset + length, total, meta.get("diubah"), meta.get("jenis"))


def sessions_root(work: Path) -> Path:
    return Path(work) / UPLOAD_DIR


def find_session(work: Path, sesi: str, akun: str) -> Session | None:
    """The session `sesi` if it is `akun`'s; None otherwise (unknown, malformed or another's)."""
    if not isinstance(sesi, str) or not SESSION_ID.fullmatch(sesi):
        return None
    path = sessions_root(work) / sesi
    if not (path / MANIFEST).is_file():
        return None
    session = Session(path)
    return session if session.akun == akun else None


def current_session(work: Path, akun: str) -> Session | None:
    """`akun`'s open session (the newest if there are several), or None."""
    root = sessions_root(work)
    if not root.is_dir():
        return None
    mine = [
        s
        for s in (Session(p) for p in root.iterdir() if SESSION_ID.fullmatch(p.name) and (p / MANIFEST).is_file())
        if s.akun == akun
    ]
    mine = [s for s in mine if time.time() - s.last_activity() < STALE_S or s.in_use()]
    return max(mine, key=lambda s: s.manifest().get("dibuat", 0), default=None)


def open_session(work: Path, akun: str) -> Session:
    """`akun`'s open session, or a new one; sessions abandoned for a day are removed first."""
    root = sessions_root(work)
    root.mkdir(parents=True, exist_ok=True)
    remove_stale(work)
    session = current_session(work, akun)
    if session is not None:
        return session
    path = root / secrets.token_urlsafe(16)
    path.mkdir()
    session = Session(path)
    session._save({"akun": akun, "dibuat": time.time(), "berkas": {}})
    return session


def remove_stale(work: Path) -> list[str]:
    """Remove sessions untouched for STALE_S that no running build uses; returns their ids."""
    root = sessions_root(work)
    removed = []
    if not root.is_dir():
        return removed
    for path in root.iterdir():
        if path.name.startswith(".") and ".hapus-" in path.name:
            shutil.rmtree(path, ignore_errors=True)  # a deletion that was interrupted
            continue
        if not SESSION_ID.fullmatch(path.name):
            continue
        session = Session(path)
        if time.time() - session.last_activity() > STALE_S and not session.in_use():
            session.delete()
            removed.append(session.id)
    return removed


# --- the kind of a file, from its name and its header row -----------------------------------

HEAD_ROWS = 40
HEAD_BYTES = 256 * 1024
MAX_XML_BYTES = 8 * 2**20  # uncompressed XML read from a workbook to find its header
# Cells of a row looked at: a header has tens of columns; a forged row of millions of cells
# would otherwise hold the request (and the session's lock) for minutes.
HEAD_CELLS = 512
MAX_ODS_XML_BYTES = 8 * 2**20  # an ods is parsed whole: only one that unpacks small is looked into
NAME_HINTS = (
    (PADANAN, re.compile(r"padanan|crosswalk|kode.?lama")),
    (BATAS, re.compile(r"batas|boundar|shapefile")),
    (INDIVIDU, re.compile(r"individu|anggota|\bart\b|_art_|jiwa")),
    (DTKS, re.compile(r"dtks|dtsen")),
    (KELUARGA, re.compile(r"keluarga|\bkk\b|_kk_")),
)


def kind_from_name(name: str) -> str | None:
    low = name.lower()
    if Path(low).suffix in BOUNDARY_SUFFIXES:
        return BATAS
    return next((kind for kind, pattern in NAME_HINTS if pattern.search(low)), None)


def kind_from_rows(rows: list[list[object]]) -> str | None:
    """The kind whose required columns a header row among `rows` carries, the best scoring
    if several do (an individu file also carries the NIK a DTKS file needs)."""
    from etl.compare import _crosswalk_header
    from etl.schema import LAYOUTS, header_score, map_columns

    rows = [list(row[:HEAD_CELLS]) for row in rows[:HEAD_ROWS]]
    if _crosswalk_header(list(enumerate(rows))) is not None:
        return PADANAN
    best: tuple[int, str] | None = None
    for kind, layout in LAYOUTS.items():
        for row in rows:
            cells = ["" if c is None else str(c) for c in row]
            score = header_score(layout, cells)
            if score and not map_columns(layout, cells)[1] and (best is None or score > best[0]):
                best = (score, kind)
    return best[1] if best else None


def guess_kind(path: Path) -> str | None:
    """The kind of an uploaded file: from its header row where one is found (as etl.read
    finds it), else from its name; None when neither tells."""
    by_name = kind_from_name(path.name)
    if by_name == BATAS:
        return BATAS
    try:
        sheets = _head_rows(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, ParseError, csv.Error):
        sheets = []  # unreadable here: the name tells, or the officer picks the kind
    for rows in sheets:
        kind = kind_from_rows(rows)
        if kind is not None:
            return kind
    return by_name


def _head_rows(path: Path) -> list[list[list[object]]]:
    """The first rows of each part of a table file: one part for text, one per sheet."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_head(path)
    if suffix in (".xls", ".ods"):
        return _calamine_head(path)
    from etl.read import CSV_DELIMITERS, detect_encoding

    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    codec, _ = detect_encoding(head, whole_file=len(head) < HEAD_BYTES)
    lines = head.decode(codec, errors="replace").lstrip("\ufeff").splitlines()[:HEAD_ROWS]
    text = "\n".join(lines)
    return [list(csv.reader(io.StringIO(text), delimiter=d)) for d in CSV_DELIMITERS]


def _calamine_head(path: Path) -> list[list[list[object]]]:
    """Old workbooks have no streaming reader here: only small ones are looked into."""
    if path.stat().st_size > 20 * 2**20:
        return []
    if path.suffix.lower() == ".ods":
        with zipfile.ZipFile(path) as book:
            if book.getinfo("content.xml").file_size > MAX_ODS_XML_BYTES:
                return []
    from python_calamine import CalamineError, load_workbook

    try:
        book = load_workbook(str(path))
        return [book.get_sheet_by_index(i).to_python()[:HEAD_ROWS] for i in range(min(len(book.sheet_names), 8))]
    except (CalamineError, ValueError):
        return []


class _Capped(io.RawIOBase):
    """A stream that refuses to give more than `limit` bytes (a workbook's XML can unpack
    to far more than the file's size)."""

    def __init__(self, raw, limit: int):
        self.raw, self.left = raw, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            raise ValueError("XML terlalu besar")
        data = self.raw.read(min(len(buffer), self.left))
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xlsx_head(path: Path, sheets: int = 8) -> list[list[list[object]]]:
    """The first HEAD_ROWS rows of the first sheets of an xlsx, read from its XML as a
    stream: a workbook of hundreds of MB is not loaded to find its header."""
    with zipfile.ZipFile(path) as book:
        names = set(book.namelist())
        order = _sheet_order(book, names)[:sheets]
        raw_sheets = []
        wanted: set[int] = set()
        for name in order:
            rows: list[list[tuple[str, str | None]]] = []
            with book.open(name) as xml:
                row: list[tuple[str, str | None]] | None = None
                cell_type, value = None, None
                for event, element in iterparse(_Capped(xml, MAX_XML_BYTES), events=("start", "end")):
                    tag = _local(element.tag)
                    if event == "start":
                        if tag == "row":
                            row = []
                        elif tag == "c":
                            cell_type, value = element.get("t"), None
                        continue
                    if tag in ("v", "t") and row is not None:
                        value = (value or "") + (element.text or "")
                    elif tag == "c" and row is not None and len(row) < HEAD_CELLS:
                        row.append((cell_type or "", value))
                        if cell_type == "s" and value is not None and value.isdigit():
                            wanted.add(int(value))
                    elif tag == "row":
                        rows.append(row or [])
                        row = None
                        if len(rows) >= HEAD_ROWS:
                            break
                    element.clear()
            raw_sheets.append(rows)
        strings = _shared_strings(book, names, wanted)
    return [
        [[strings.get(int(v)) if t == "s" and v and v.isdigit() else v for t, v in row] for row in rows]
        for rows in raw_sheets
    ]


def _sheet_order(book: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The worksheets' parts in the workbook's order."""
    try:
        rels = {}
        with book.open("xl/_rels/workbook.xml.rels") as xml:
            for _, element in iterparse(_Capped(xml, MAX_XML_BYTES)):
                if _local(element.tag) == "Relationship":
                    target = element.get("Target", "")
                    rels[element.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        order = []
        with book.open("xl/workbook.xml") as xml:
            for _, element in iterparse(_Capped(xml, MAX_XML_BYTES)):
                if _local(element.tag) == "sheet":
                    rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
                    if rels.get(rid) in names:
                        order.append(rels[rid])
        if order:
            return order
    except (KeyError, ParseError, ValueError):
        pass
    return sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))


def _shared_strings(book: zipfile.ZipFile, names: set[str], wanted: set[int]) -> dict[int, str]:
    """The shared strings at `wanted` positions, reading no further than the last of them."""
    if not wanted or "xl/sharedStrings.xml" not in names:
        return {}
    last, found, index, parts = max(wanted), {}, -1, []
    with book.open("xl/sharedStrings.xml") as xml:
        for event, element in iterparse(_Capped(xml, MAX_XML_BYTES), events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "si":
                    index, parts = index + 1, []
                continue
            if tag == "t":
                parts.append(element.text or "")
            elif tag == "si":
                if index in wanted:
                    found[index] = "".join(parts)
                element.clear()
                if index >= last:
                    break
    return found


# --- the routes ----------------------------------------------------------------------------


def _account() -> str:
    """The person uploading, once the request carries the page's header."""
    from flask import g, request

    if request.headers.get(HEADER) != "1":
        raise UploadError(403, f"Permintaan unggah harus dikirim dari halaman Rilis data (tanpa kepala {HEADER}).")
    return g.principal.nama


def _mine(work: Path, sesi: str) -> Session:
    session = find_session(work, sesi, _account())
    if session is None:
        raise UploadError(404, "Sesi unggah tidak ditemukan atau sudah berakhir; pilih berkasnya lagi.")
    return session


def _chunk(work: Path, sesi: str, berkas: str) -> tuple[Session, UploadedFile]:
    from flask import request

    session = _mine(work, sesi)
    offset, total = _whole(request.args.get("offset")), _whole(request.args.get("total"))
    if offset is None or total is None:
        raise UploadError(400, "Parameter offset dan total wajib berupa bilangan bulat tidak negatif.")
    if request.content_length is None:
        raise UploadError(411, "Panjang potongan (Content-Length) wajib disebutkan.")
    if request.content_length > MAX_CHUNK_BYTES:
        raise UploadError(413, f"Satu potongan paling besar {_size(MAX_CHUNK_BYTES)}.")
    diubah = _whole(request.args.get("diubah"))
    return session, session.write_chunk(berkas, offset, total, request.content_length, request.stream, diubah)


def _cancel(work: Path, sesi: str) -> list[UploadedFile]:
    session = _mine(work, sesi)
    with session.locked():
        if session.in_use():
            raise UploadError(409, "Berkas unggahan ini sedang dipakai build rilis; hentikan build lebih dulu.")
        files = session.files()
        session.delete()
    return files


def register(server, services) -> None:
    """The upload routes on the app's Flask server (their permissions: kantong.policy)."""
    from flask import jsonify

    from kantong import gate

    work = Path(services.work)

    def refused(err: UploadError):
        return jsonify({"pesan": err.pesan, **err.extra}), err.status

    def start():
        try:
            session = open_session(work, _account())
        except UploadError as err:
            return refused(err)
        return jsonify(
            {"sesi": session.id, "berkas": [f.to_json() for f in session.files()], "batas": MAX_SESSION_BYTES}
        )

    def chunk(sesi: str, berkas: str):
        try:
            session, done = _chunk(work, sesi, berkas)
        except UploadError as err:
            return refused(err)
        if done.selesai:
            gate.record("rilis_unggah", berkas=done.nama, ukuran=done.total, sesi=session.id)
        return jsonify(done.to_json())

    def cancel(sesi: str):
        try:
            files = _cancel(work, sesi)
        except UploadError as err:
            return refused(err)
        gate.record("rilis_unggah_batal", sesi=sesi, berkas=[{"berkas": f.nama, "ukuran": f.ukuran} for f in files])
        return jsonify({"dihapus": len(files)})

    server.add_url_rule("/rilis/unggah", "rilis_unggah_mulai", start, methods=["POST"])
    server.add_url_rule("/rilis/unggah/<sesi>/<berkas>", "rilis_unggah_potongan", chunk, methods=["PUT"])
    server.add_url_rule("/rilis/unggah/<sesi>", "rilis_unggah_batal", cancel, methods=["DELETE"])
    server.add_url_rule("/rilis/laporan/<nama>", "rilis_laporan", lambda nama: quality_report(services, nama))


def _whole(text: str | None) -> int | None:
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    return int(text) if text is not None and re.fullmatch(r"[0-9]{1,15}", text) else None


def quality_report(services, nama: str):
    """The staging release's quality report workbook (laporan_kualitas.xlsx), for the
    officer to read before publishing; recorded as a download."""
    from flask import abort, send_file

    from kantong import gate
    from kantong.releases import NAME_PATTERN

    if not NAME_PATTERN.fullmatch(nama or ""):
        abort(404)
    path = services.releases.staging_dir(nama) / "laporan_kualitas.xlsx"
    if not path.is_file():
        abort(404)
    name = f"laporan_kualitas_{nama}.xlsx"
    gate.record("ekspor", berkas=name, snapshot=nama)
    response = send_file(path, as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # rejected rows: kept in no browser cache
    return response
