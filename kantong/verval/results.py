"""The field verification store in an embedded SQLite database (KANTONG_VERVAL): the lists
made, the imports of answers, the latest answer per family, and the follow-ups (tindak
lanjut) that take up the families' needs.

One answer per family is current: an answer replaces it only when it is later (its
submission time; an answer from the xlsx list carries none and counts as given at its
import) and says something else. A replaced answer is kept in `hasil_riwayat`, so the
record of what the field said is never lost. Files are recognised by their SHA-256: a file
imported before is not read again, and an import that brings nothing new changes nothing.

Every query of families takes the nagari codes it may answer for: the caller does the
scoping (an operator's kab/kota), the store only filters by the codes it is given. Only
`version` and `counts_by_desa`, what the data layer overlays on a snapshot
(kantong.data.VervalSource), cover every nagari: they hold counts, and the snapshot they
join is scoped afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from kantong import fmt
from kantong.verval import choices, importer
from kantong.verval.choices import Choice, Question
from kantong.verval.importer import ImportResult, Source

SCHEMA = """
CREATE TABLE IF NOT EXISTS daftar (
    id INTEGER PRIMARY KEY,
    dibuat_pada TEXT NOT NULL,
    dibuat_oleh TEXT NOT NULL,
    aturan TEXT NOT NULL,            -- JSON: the selection rule
    benih INTEGER,                   -- the random seed: the same list can be drawn again
    per_desa INTEGER                 -- families asked for per nagari
);
CREATE TABLE IF NOT EXISTS daftar_keluarga (
    daftar_id INTEGER NOT NULL REFERENCES daftar(id),
    kode_desa TEXT NOT NULL,
    id_keluarga TEXT NOT NULL,
    alasan TEXT,
    peringkat INTEGER,
    PRIMARY KEY (daftar_id, id_keluarga)
);
CREATE INDEX IF NOT EXISTS daftar_keluarga_desa ON daftar_keluarga (kode_desa, id_keluarga);
CREATE TABLE IF NOT EXISTS impor (
    id INTEGER PRIMARY KEY,
    diimpor_pada TEXT NOT NULL,
    diimpor_oleh TEXT NOT NULL,
    berkas TEXT NOT NULL,            -- JSON: the file names
    desa TEXT NOT NULL,              -- JSON: the nagari codes of the answers accepted
    dibaca INTEGER NOT NULL,
    diterima INTEGER NOT NULL,
    ditolak INTEGER NOT NULL,
    ditolak_per_alasan TEXT NOT NULL, -- JSON: reason -> rows
    duplikat INTEGER NOT NULL,
    belum_diisi INTEGER NOT NULL,
    baru INTEGER NOT NULL,           -- families with no answer before
    diganti INTEGER NOT NULL,        -- earlier answers replaced
    tetap INTEGER NOT NULL           -- answers that were not later or said the same
);
CREATE TABLE IF NOT EXISTS impor_berkas (
    impor_id INTEGER NOT NULL REFERENCES impor(id),
    nama TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bentuk TEXT,
    baris INTEGER NOT NULL,
    diterima INTEGER NOT NULL DEFAULT 1,  -- answers accepted from this file
    wilayah TEXT NOT NULL DEFAULT ''      -- the importer's scope ('' = every region)
);
CREATE INDEX IF NOT EXISTS impor_berkas_sha256 ON impor_berkas (sha256);
CREATE TABLE IF NOT EXISTS hasil (
    id_keluarga TEXT PRIMARY KEY,
    kode_desa TEXT NOT NULL,
    keberadaan TEXT NOT NULL,
    kelayakan TEXT,
    usulan_dtks TEXT,
    kebutuhan_utama TEXT,
    kebutuhan_lain TEXT NOT NULL,    -- JSON: need kodes
    keterangan TEXT,
    dikirim_pada TEXT,               -- submission time (UTC); NULL from the xlsx list
    waktu TEXT NOT NULL,             -- what "later" compares: submission time, else the import's (UTC)
    sumber TEXT NOT NULL,            -- file and instance ID, or file, sheet and row
    impor_id INTEGER NOT NULL REFERENCES impor(id)
);
CREATE INDEX IF NOT EXISTS hasil_desa ON hasil (kode_desa);
CREATE TABLE IF NOT EXISTS hasil_riwayat (
    id INTEGER PRIMARY KEY,
    id_keluarga TEXT NOT NULL,
    kode_desa TEXT NOT NULL,
    keberadaan TEXT NOT NULL,
    kelayakan TEXT,
    usulan_dtks TEXT,
    kebutuhan_utama TEXT,
    kebutuhan_lain TEXT NOT NULL,
    keterangan TEXT,
    dikirim_pada TEXT,
    waktu TEXT NOT NULL,
    sumber TEXT NOT NULL,
    impor_id INTEGER NOT NULL,
    diganti_oleh_impor INTEGER NOT NULL REFERENCES impor(id)
);
CREATE INDEX IF NOT EXISTS hasil_riwayat_keluarga ON hasil_riwayat (id_keluarga);
CREATE TABLE IF NOT EXISTS tindak_lanjut (
    id INTEGER PRIMARY KEY,
    kode_desa TEXT NOT NULL,
    id_keluarga TEXT,                -- NULL: for the nagari as a whole
    kebutuhan TEXT NOT NULL,         -- the need kode it answers
    program TEXT NOT NULL,
    jenis_penyedia TEXT NOT NULL,
    nama_penyedia TEXT,
    sumber_dana TEXT,
    status TEXT NOT NULL,
    tanggal TEXT,
    keterangan TEXT,
    dicatat_oleh TEXT NOT NULL,
    dicatat_pada TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tindak_lanjut_desa ON tindak_lanjut (kode_desa, kebutuhan);
"""

_ANSWER_FIELDS = (
    "kode_desa",
    "keberadaan",
    "kelayakan",
    "usulan_dtks",
    "kebutuhan_utama",
    "kebutuhan_lain",
    "keterangan",
)
_HASIL_FIELDS = ("id_keluarga", *_ANSWER_FIELDS, "dikirim_pada", "waktu", "sumber", "impor_id")

# Who takes a need up, and how far it has got (kodes as the choices' are).
PENYEDIA = Question(
    "jenis_penyedia",
    "Jenis penyedia",
    (
        Choice("pemerintah", "Pemerintah/OPD", ("opd", "pemerintah daerah", "pemda")),
        Choice("csr", "CSR", ("swasta", "perusahaan")),
        Choice("baznas", "BAZNAS/ZIS", ("zis", "zakat", "baznas zis")),
        Choice("donor", "Donor", ("donatur",)),
        Choice("lainnya", "Lainnya"),
    ),
)
STATUS = Question(
    "status",
    "Status tindak lanjut",
    (
        Choice("direncanakan", "Direncanakan", ("rencana",)),
        Choice("disalurkan", "Disalurkan", ("tersalur", "sudah disalurkan")),
    ),
)

PRESENCE_COUNTS = {  # keberadaan -> tally column (the ids of etl.indicators.VERVAL)
    "ditemukan": "kk_verval_ditemukan",
    "tidak_ditemukan": "kk_verval_tidak_ditemukan",
    "pindah": "kk_verval_pindah",
    "meninggal": "kk_verval_meninggal",
    "ganda": "kk_verval_ganda",
}
TALLY_COLUMNS = (
    "kk_didaftar",
    "kk_verval",
    *PRESENCE_COUNTS.values(),
    "kk_verval_layak",
    "kk_usul_dtks",
    *(f"kk_butuh_{c.kode}" for c in choices.NEEDS),
)

# A family counts towards a need, the DTKS proposals and the open needs only when verified
# as eligible: found, and judged layak (as kantong.verval.tally counts them).
_LAYAK = "keberadaan = 'ditemukan' AND coalesce(kelayakan, '') = 'layak'"  # NULL-safe: sums stay whole numbers
_IN_CODES = "kode_desa IN (SELECT value FROM json_each(:kode))"
_NEEDS_SQL = f"""
WITH layak AS (SELECT id_keluarga, kode_desa, kebutuhan_utama, kebutuhan_lain FROM hasil WHERE {_IN_CODES} AND {_LAYAK})
SELECT kode_desa, id_keluarga, kebutuhan_utama AS kebutuhan FROM layak WHERE kebutuhan_utama IS NOT NULL
UNION
SELECT l.kode_desa, l.id_keluarga, j.value FROM layak l, json_each(l.kebutuhan_lain) j
"""


def _utc(ts: dt.datetime) -> str:
    """Comparable text: every time in UTC, to the microsecond."""
    return ts.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).astimezone()


def _codes(kode: Iterable[str]) -> str:
    return json.dumps(sorted({str(k) for k in kode}))


@dataclass
class ImportOutcome:
    """What an import changed in the store."""

    impor_id: int | None  # None: nothing was new
    diterima: int = 0
    baru: int = 0
    diganti: int = 0
    tetap: int = 0
    sudah_diimpor: list[dict] = field(default_factory=list)  # nama, sha256, impor_id, diimpor_pada, diimpor_oleh

    @property
    def pesan(self) -> str:
        parts = []
        for f in self.sudah_diimpor:
            parts.append(
                f"Berkas {f['nama']} sudah pernah diimpor (impor #{f['impor_id']}, {fmt.tanggal(f['diimpor_pada'])}, "
                f"oleh {f['diimpor_oleh']}); berkas ini tidak dibaca lagi."
            )
        if self.impor_id is None:
            parts.append("Tidak ada yang berubah.")
        else:
            parts.append(
                f"Impor #{self.impor_id}: {fmt.angka(self.diterima)} jawaban diterima; {fmt.angka(self.baru)} keluarga "
                f"baru, {fmt.angka(self.diganti)} jawaban lama diganti yang lebih baru, {fmt.angka(self.tetap)} tidak "
                "mengubah apa pun (tidak lebih baru atau isinya sama)."
            )
        return " ".join(parts)


@dataclass
class FollowUp:
    """A tindak lanjut: a programme that takes up a need of one family, or of a nagari's
    families as a whole (id_keluarga None)."""

    kode_desa: str
    kebutuhan: str
    program: str
    jenis_penyedia: str
    status: str = "direncanakan"
    id_keluarga: str | None = None
    nama_penyedia: str | None = None
    sumber_dana: str | None = None
    tanggal: dt.date | str | None = None  # a date, or ISO text as a form sends it
    keterangan: str | None = None
    id: int | None = None
    dicatat_oleh: str | None = None
    dicatat_pada: str | None = None


def _valid_follow_up(fu: FollowUp) -> FollowUp:
    """The follow-up with its choices as kodes; ValueError (in Indonesian) when one is wrong."""
    kode_desa = importer.kode_desa(fu.kode_desa or "")
    if kode_desa is None:
        raise ValueError(f"kode nagari '{fu.kode_desa}' tidak dikenali")
    picked = {}
    for question, value in (
        (choices.KEBUTUHAN_UTAMA, fu.kebutuhan),
        (PENYEDIA, fu.jenis_penyedia),
        (STATUS, fu.status),
    ):
        picked[question.kode] = question.parse(value)
        if picked[question.kode] is None:
            options = ", ".join(c.label for c in question.choices)
            raise ValueError(f"{question.label.lower()} '{value}' bukan salah satu pilihan ({options})")
    if not (fu.program or "").strip():
        raise ValueError("nama program tindak lanjut wajib diisi")
    tanggal = fu.tanggal
    if isinstance(tanggal, str):  # as a form field sends it
        try:
            tanggal = dt.date.fromisoformat(tanggal.strip()) if tanggal.strip() else None
        except ValueError as err:
            raise ValueError(f"tanggal '{fu.tanggal}' tidak dikenali (tulis TTTT-BB-HH)") from err
    return FollowUp(
        kode_desa=kode_desa,
        kebutuhan=picked["kebutuhan_utama"],
        program=fu.program.strip(),
        jenis_penyedia=picked["jenis_penyedia"],
        status=picked["status"],
        id_keluarga=(fu.id_keluarga or "").strip() or None,
        nama_penyedia=(fu.nama_penyedia or "").strip() or None,
        sumber_dana=(fu.sumber_dana or "").strip() or None,
        tanggal=tanggal,
        keterangan=(fu.keterangan or "").strip() or None,
    )


def _list_row(row) -> tuple[str, str, str | None, int | None]:
    """A list's family as (kode_desa, id_keluarga, alasan, peringkat), from a mapping or a tuple."""
    if isinstance(row, Mapping):
        kode, id_keluarga, alasan = row["kode_desa"], row["id_keluarga"], row.get("alasan")
        rank = row.get("peringkat", row.get("rank"))
    else:
        kode, id_keluarga, alasan, rank = row
    # numpy integers (a DataFrame's rows) are not SQLite integers
    return str(kode), str(id_keluarga), None if alasan is None else str(alasan), None if rank is None else int(rank)


def _stat(path: Path):
    try:
        return path.stat()
    except OSError:
        return None


class ResultStore:
    _version: tuple | None = None  # (file stamp, version) of the last version() asked

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con:
            con.executescript(SCHEMA)
            # Stores made before a file's mark was per scope and per accepted answer.
            columns = {r["name"] for r in con.execute("PRAGMA table_info(impor_berkas)")}
            for column, kind in (("diterima", "INTEGER NOT NULL DEFAULT 1"), ("wilayah", "TEXT NOT NULL DEFAULT ''")):
                if column not in columns:
                    con.execute(f"ALTER TABLE impor_berkas ADD COLUMN {column} {kind}")

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # explicit transactions
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA busy_timeout=30000")
        con.row_factory = sqlite3.Row
        return con

    # --- lists made ---------------------------------------------------------------------

    def record_list(
        self,
        akun: str,
        aturan: Mapping | str,
        rows: Iterable,
        benih: int | None = None,
        per_desa: int | None = None,
        now: dt.datetime | None = None,
    ) -> int:
        """Keep a list made: its rule, seed and families (kode_desa, id_keluarga, alasan, rank)."""
        families = [_list_row(r) for r in rows]
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                cur = con.execute(
                    "INSERT INTO daftar (dibuat_pada, dibuat_oleh, aturan, benih, per_desa) VALUES (?, ?, ?, ?, ?)",
                    (
                        _now(now).isoformat(timespec="seconds"),
                        akun,
                        aturan if isinstance(aturan, str) else json.dumps(aturan, sort_keys=True),
                        None if benih is None else int(benih),
                        None if per_desa is None else int(per_desa),
                    ),
                )
                con.executemany(
                    "INSERT INTO daftar_keluarga (daftar_id, kode_desa, id_keluarga, alasan, peringkat) VALUES (?, ?, ?, ?, ?)",
                    [(cur.lastrowid, *f) for f in families],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return cur.lastrowid

    def lists(self, kode: Iterable[str]) -> list[dict]:
        """The lists made, one row per list and nagari among the codes: its families and how
        many of them have an answer; newest list first."""
        with closing(self._connect()) as con:
            rows = con.execute(
                f"""SELECT d.id AS daftar_id, d.dibuat_pada, d.dibuat_oleh, d.aturan, d.benih, d.per_desa, k.kode_desa,
                           count(*) AS keluarga, count(h.id_keluarga) AS terverifikasi
                    FROM daftar d JOIN daftar_keluarga k ON k.daftar_id = d.id
                    LEFT JOIN hasil h ON h.id_keluarga = k.id_keluarga
                    WHERE k.{_IN_CODES}
                    GROUP BY d.id, k.kode_desa
                    ORDER BY d.dibuat_pada DESC, d.id DESC, k.kode_desa""",
                {"kode": _codes(kode)},
            ).fetchall()
        return [dict(r) for r in rows]

    def list_families(self, daftar_id: int, kode: Iterable[str]) -> list[dict]:
        with closing(self._connect()) as con:
            rows = con.execute(
                f"""SELECT kode_desa, id_keluarga, alasan, peringkat FROM daftar_keluarga
                    WHERE daftar_id = :id AND {_IN_CODES} ORDER BY kode_desa, peringkat, id_keluarga""",
                {"id": daftar_id, "kode": _codes(kode)},
            ).fetchall()
        return [dict(r) for r in rows]

    def listed_pairs(self, kode: Iterable[str]) -> set[tuple[str, str]]:
        """(kode_desa, id_keluarga) of every family on a list made for the codes: what the
        importer checks answers against."""
        with closing(self._connect()) as con:
            rows = con.execute(
                f"SELECT DISTINCT kode_desa, id_keluarga FROM daftar_keluarga WHERE {_IN_CODES}", {"kode": _codes(kode)}
            ).fetchall()
        return {(r[0], r[1]) for r in rows}

    # --- imports --------------------------------------------------------------------------

    def imported_files(self, sha256s: Iterable[str], wilayah: str | None = None) -> dict[str, dict]:
        """Files imported before, by SHA-256: nama, impor_id, diimpor_pada, diimpor_oleh."""
        with closing(self._connect()) as con:
            return self._known(con, list(sha256s), wilayah)

    @staticmethod
    def _known(con: sqlite3.Connection, sha256s: list[str], wilayah: str | None = None) -> dict[str, dict]:
        """A file counts as imported only for the scope that imported it, and only if it
        brought an answer in: a file of another kab/kota, or one whose rows were all
        rejected (say, before its list was made), can still be imported by the right person."""
        rows = con.execute(
            """SELECT b.sha256, b.nama, b.impor_id, i.diimpor_pada, i.diimpor_oleh
               FROM impor_berkas b JOIN impor i ON i.id = b.impor_id
               WHERE b.sha256 IN (SELECT value FROM json_each(?)) AND b.diterima > 0 AND b.wilayah = ?""",
            (json.dumps(sha256s), wilayah or ""),
        ).fetchall()
        return {r["sha256"]: dict(r) for r in rows}

    def save_import(
        self,
        result: ImportResult,
        akun: str,
        now: dt.datetime | None = None,
        reread: bool = False,
        wilayah: str | None = None,
    ) -> ImportOutcome:
        """Record an import and bring its accepted answers in. Files imported before (same
        SHA-256) are recognised: their answers are not taken again; when every file was,
        nothing is written. `reread`: take them again all the same (after the family store
        or the lists changed, rows rejected before may now be accepted); answers already
        held stay as they are, since they are not later."""
        moment = _now(now)
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")  # one import at a time: "later" is decided against the latest
            try:
                known = {} if reread else self._known(con, [f.sha256 for f in result.files], wilayah)
                seen = [] if reread else [dict(known[f.sha256], nama=f.nama) for f in result.files if f.sha256 in known]
                new_files = list({f.sha256: f for f in reversed(result.files) if f.sha256 not in known}.values())[::-1]
                if not new_files:
                    con.execute("ROLLBACK")
                    return ImportOutcome(None, sudah_diimpor=seen)
                answers = [a for a in result.accepted if a.sha256 not in known]
                impor_id = self._insert_import(con, result, answers, akun, moment)
                per_file = Counter(a.sha256 for a in answers)
                con.executemany(
                    "INSERT INTO impor_berkas (impor_id, nama, sha256, bentuk, baris, diterima, wilayah) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (impor_id, f.nama, f.sha256, f.bentuk, f.baris, per_file[f.sha256], wilayah or "")
                        for f in new_files
                    ],
                )
                baru, diganti, tetap = self._upsert(con, answers, impor_id, _utc(moment))
                con.execute(
                    "UPDATE impor SET baru = ?, diganti = ?, tetap = ? WHERE id = ?", (baru, diganti, tetap, impor_id)
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return ImportOutcome(impor_id, len(answers), baru, diganti, tetap, seen)

    @staticmethod
    def _insert_import(
        con: sqlite3.Connection, result: ImportResult, answers: list, akun: str, moment: dt.datetime
    ) -> int:
        cur = con.execute(
            """INSERT INTO impor (diimpor_pada, diimpor_oleh, berkas, desa, dibaca, diterima, ditolak, ditolak_per_alasan,
                                  duplikat, belum_diisi, baru, diganti, tetap)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)""",
            (
                moment.isoformat(timespec="seconds"),
                akun,
                json.dumps([f.nama for f in result.files]),
                _codes(a.kode_desa for a in answers),
                result.rows_read,
                len(answers),
                len(result.rejected),
                json.dumps(result.rejected_by_reason),
                len(result.duplicates),
                len(result.unanswered),
            ),
        )
        return cur.lastrowid

    @staticmethod
    def _upsert(con: sqlite3.Connection, answers: list, impor_id: int, import_time: str) -> tuple[int, int, int]:
        """(new, replaced, unchanged): an answer replaces the current one only when later and
        different; the one replaced goes to the history."""
        current = {
            r["id_keluarga"]: r
            for r in con.execute(
                "SELECT * FROM hasil WHERE id_keluarga IN (SELECT value FROM json_each(?))",
                (json.dumps([a.id_keluarga for a in answers]),),
            )
        }
        baru = diganti = tetap = 0
        for a in answers:
            row = {
                "id_keluarga": a.id_keluarga,
                "kode_desa": a.kode_desa,
                "keberadaan": a.keberadaan,
                "kelayakan": a.kelayakan,
                "usulan_dtks": a.usulan_dtks,
                "kebutuhan_utama": a.kebutuhan_utama,
                "kebutuhan_lain": json.dumps(list(a.kebutuhan_lain)),
                "keterangan": a.keterangan,
                "dikirim_pada": _utc(a.submitted_at) if a.submitted_at else None,
                "waktu": _utc(a.submitted_at) if a.submitted_at else import_time,
                "sumber": a.source,
                "impor_id": impor_id,
            }
            old = current.get(a.id_keluarga)
            if old is None:
                baru += 1
            elif row["waktu"] > old["waktu"] and any(row[k] != old[k] for k in _ANSWER_FIELDS):
                diganti += 1
                con.execute(
                    f"""INSERT INTO hasil_riwayat ({", ".join(_HASIL_FIELDS)}, diganti_oleh_impor)
                        SELECT {", ".join(_HASIL_FIELDS)}, ? FROM hasil WHERE id_keluarga = ?""",
                    (impor_id, a.id_keluarga),
                )
            else:
                tetap += 1
                continue
            con.execute(
                f"INSERT OR REPLACE INTO hasil ({', '.join(_HASIL_FIELDS)}) VALUES ({', '.join(':' + f for f in _HASIL_FIELDS)})",
                row,
            )
            current[a.id_keluarga] = row  # a second answer in one import compares with this one
        return baru, diganti, tetap

    def imports(self, kode: Iterable[str]) -> list[dict]:
        """The imports that brought answers for any of the codes, newest first."""
        with closing(self._connect()) as con:
            rows = con.execute(
                """SELECT * FROM impor
                   WHERE EXISTS (SELECT 1 FROM json_each(impor.desa) d WHERE d.value IN (SELECT value FROM json_each(?)))
                   ORDER BY diimpor_pada DESC, id DESC""",
                (_codes(kode),),
            ).fetchall()
        out = []
        for r in rows:
            item = dict(r)
            for key in ("berkas", "desa", "ditolak_per_alasan"):
                item[key] = json.loads(item[key])
            out.append(item)
        return out

    # --- results --------------------------------------------------------------------------

    def results(self, kode: Iterable[str]) -> list[dict]:
        """The current answer of every family in the nagari given, with its import."""
        with closing(self._connect()) as con:
            rows = con.execute(
                f"""SELECT h.*, i.diimpor_oleh, i.diimpor_pada FROM hasil h JOIN impor i ON i.id = h.impor_id
                    WHERE h.{_IN_CODES} ORDER BY h.kode_desa, h.id_keluarga""",
                {"kode": _codes(kode)},
            ).fetchall()
        out = []
        for r in rows:
            item = dict(r)
            item["kebutuhan_lain"] = json.loads(item["kebutuhan_lain"])
            out.append(item)
        return out

    def history(self, id_keluarga: str, kode: Iterable[str]) -> list[dict]:
        """Answers of one family that were replaced, oldest first (only within the codes)."""
        with closing(self._connect()) as con:
            rows = con.execute(
                f"SELECT * FROM hasil_riwayat WHERE id_keluarga = :id AND {_IN_CODES} ORDER BY id",
                {"id": id_keluarga, "kode": _codes(kode)},
            ).fetchall()
        return [dict(r, kebutuhan_lain=json.loads(r["kebutuhan_lain"])) for r in rows]

    def results_frame(self, kode: Iterable[str]):
        """results() as a DataFrame, as kantong.verval.tally.counts_by_desa takes it."""
        import pandas as pd

        columns = ["id_keluarga", "kode_desa", "keberadaan", "kelayakan", "usulan_dtks", "kebutuhan_utama"]
        rows = self.results(kode)
        return pd.DataFrame(rows, columns=[*columns, "kebutuhan_lain", "keterangan", "dikirim_pada", "impor_id"])

    # --- what the data layer reads (kantong.data.VervalSource) --------------------------------

    def version(self) -> str:
        """Changes whenever an import changes an answer; "" while there is none. An answer
        that changes carries its import's id, and ids only grow.

        Asked on every request (kantong.data.with_verval): while the database files are
        unchanged (size and time of the file and its write-ahead log) the last answer
        stands, so a request costs two stat calls instead of a query (about 1 ms)."""
        stamp = tuple(
            (st.st_mtime_ns, st.st_size) if (st := _stat(path)) else None
            for path in (self.path, self.path.with_name(self.path.name + "-wal"))
        )
        cached = self._version
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with closing(self._connect()) as con:
            last, count = con.execute("SELECT max(impor_id), count(*) FROM hasil").fetchone()
        version = f"{last}/{count}" if count else ""
        self._version = (stamp, version)
        return version

    def counts_by_desa(self):
        """The verval counts of every nagari with an answer (kantong.verval.tally): counts
        only, no family, so not limited here; the data layer scopes the snapshot they join."""
        from kantong.verval import tally

        with closing(self._connect()) as con:
            codes = [r[0] for r in con.execute("SELECT DISTINCT kode_desa FROM hasil")]
        return tally.counts_by_desa(self.results_frame(codes))

    def tallies(self, kode: Iterable[str]) -> list[dict]:
        """Per nagari with a list or an answer: families listed and verified, by presence,
        eligible, proposed into DTKS, and per need (main or other, eligible families only)."""
        codes = _codes(kode)
        counts = ",\n".join(f"sum(keberadaan = '{k}') AS {col}" for k, col in PRESENCE_COUNTS.items())
        with closing(self._connect()) as con:
            per_desa: dict[str, dict] = {}
            for r in con.execute(
                f"SELECT kode_desa, count(DISTINCT id_keluarga) AS n FROM daftar_keluarga WHERE {_IN_CODES} GROUP BY 1",
                {"kode": codes},
            ):
                per_desa.setdefault(r["kode_desa"], dict.fromkeys(TALLY_COLUMNS, 0))["kk_didaftar"] = r["n"]
            for r in con.execute(
                f"""SELECT kode_desa, count(*) AS kk_verval, {counts},
                           sum({_LAYAK}) AS kk_verval_layak, sum({_LAYAK} AND coalesce(usulan_dtks, '') = 'ya') AS kk_usul_dtks
                    FROM hasil WHERE {_IN_CODES} GROUP BY kode_desa""",
                {"kode": codes},
            ):
                per_desa.setdefault(r["kode_desa"], dict.fromkeys(TALLY_COLUMNS, 0)).update(
                    {k: r[k] for k in r.keys() if k != "kode_desa"}
                )
            for r in con.execute(
                f"SELECT kode_desa, kebutuhan, count(*) AS n FROM ({_NEEDS_SQL}) GROUP BY 1, 2", {"kode": codes}
            ):
                per_desa[r["kode_desa"]][f"kk_butuh_{r['kebutuhan']}"] = r["n"]
        return [{"kode_desa": k, **per_desa[k]} for k in sorted(per_desa)]

    # --- follow-ups -------------------------------------------------------------------------

    def add_follow_up(self, tindak_lanjut: FollowUp, akun: str, now: dt.datetime | None = None) -> FollowUp:
        """Record a follow-up; ValueError (in Indonesian) when a field is not valid or the
        family's answer places it in another nagari."""
        fu = _valid_follow_up(tindak_lanjut)
        stamp = _now(now).isoformat(timespec="seconds")
        with closing(self._connect()) as con:
            if fu.id_keluarga:
                held = con.execute("SELECT kode_desa FROM hasil WHERE id_keluarga = ?", (fu.id_keluarga,)).fetchone()
                if held is not None and held[0] != fu.kode_desa:
                    raise ValueError(f"keluarga {fu.id_keluarga} tercatat di nagari {held[0]}, bukan {fu.kode_desa}")
            cur = con.execute(
                """INSERT INTO tindak_lanjut (kode_desa, id_keluarga, kebutuhan, program, jenis_penyedia, nama_penyedia,
                                              sumber_dana, status, tanggal, keterangan, dicatat_oleh, dicatat_pada)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    fu.kode_desa,
                    fu.id_keluarga,
                    fu.kebutuhan,
                    fu.program,
                    fu.jenis_penyedia,
                    fu.nama_penyedia,
                    fu.sumber_dana,
                    fu.status,
                    fu.tanggal.isoformat() if fu.tanggal else None,
                    fu.keterangan,
                    akun,
                    stamp,
                ),
            )
        fu.id, fu.dicatat_oleh, fu.dicatat_pada = cur.lastrowid, akun, stamp
        return fu

    def follow_ups(self, kode: Iterable[str], id_keluarga: str | None = None) -> list[FollowUp]:
        """The follow-ups in the nagari given (of one family and of its nagari as a whole,
        when id_keluarga is given), in the order recorded."""
        query = f"SELECT * FROM tindak_lanjut WHERE {_IN_CODES}"
        if id_keluarga is not None:
            query += " AND (id_keluarga = :id OR id_keluarga IS NULL)"
        with closing(self._connect()) as con:
            rows = con.execute(query + " ORDER BY id", {"kode": _codes(kode), "id": id_keluarga}).fetchall()
        return [
            FollowUp(**{**dict(r), "tanggal": dt.date.fromisoformat(r["tanggal"]) if r["tanggal"] else None})
            for r in rows
        ]

    def delivered_by_desa(self, kode: Iterable[str]) -> dict[str, dict[str, int]]:
        """Per nagari, support delivered (follow-ups with status `disalurkan`): the families
        a delivered follow-up names (`kk_bantuan_disalurkan`) and the delivered follow-ups
        in all, those for the nagari as a whole included (`tindak_disalurkan`)."""
        with closing(self._connect()) as con:
            rows = con.execute(
                f"""SELECT kode_desa, count(DISTINCT id_keluarga) AS kk, count(*) AS n FROM tindak_lanjut
                    WHERE {_IN_CODES} AND status = 'disalurkan' GROUP BY kode_desa""",
                {"kode": _codes(kode)},
            ).fetchall()
        return {r["kode_desa"]: {"kk_bantuan_disalurkan": r["kk"], "tindak_disalurkan": r["n"]} for r in rows}

    def open_needs(self, kode: Iterable[str]) -> list[dict]:
        """Needs of eligible families no follow-up takes up yet, per nagari and need: a
        follow-up for the family, or for its nagari as a whole, with that need takes it up
        (planned or delivered). Rows with nothing open are left out."""
        with closing(self._connect()) as con:
            rows = con.execute(
                f"""WITH butuh AS ({_NEEDS_SQL})
                    SELECT b.kode_desa, b.kebutuhan, b.id_keluarga,
                           EXISTS (SELECT 1 FROM tindak_lanjut t
                                   WHERE t.kode_desa = b.kode_desa AND t.kebutuhan = b.kebutuhan
                                     AND (t.id_keluarga IS NULL OR t.id_keluarga = b.id_keluarga)) AS diambil
                    FROM butuh b ORDER BY b.kode_desa, b.kebutuhan, b.id_keluarga""",
                {"kode": _codes(kode)},
            ).fetchall()
        order = {c.kode: i for i, c in enumerate(choices.NEEDS)}
        groups: dict[tuple[str, str], dict] = {}
        for r in rows:
            g = groups.setdefault(
                (r["kode_desa"], r["kebutuhan"]),
                {
                    "kode_desa": r["kode_desa"],
                    "kebutuhan": r["kebutuhan"],
                    "lembaga": choices.AGENCY.get(r["kebutuhan"], ""),
                    "keluarga": 0,
                    "ditindaklanjuti": 0,
                    "belum": 0,
                    "id_keluarga_belum": [],
                },
            )
            g["keluarga"] += 1
            if r["diambil"]:
                g["ditindaklanjuti"] += 1
            else:
                g["belum"] += 1
                g["id_keluarga_belum"].append(r["id_keluarga"])
        open_ = [g for g in groups.values() if g["belum"]]
        return sorted(open_, key=lambda g: (g["kode_desa"], order.get(g["kebutuhan"], len(order))))


def import_files(
    store: ResultStore,
    files: Iterable[Source],
    families: Mapping[str, str],
    listed: Collection[tuple[str, str]] | None,
    akun: str,
    now: dt.datetime | None = None,
    reread: bool = False,
    wilayah: str | None = None,
) -> tuple[ImportResult | None, ImportOutcome]:
    """Read the files not imported before and bring their answers in. The result is None
    when every file had been imported already ("sudah pernah diimpor") by someone of the
    same scope `wilayah` (None: every region): nothing is read. `reread`: read those files
    again too (see ResultStore.save_import)."""
    loaded = [(*importer.load(f),) for f in files]
    hashes = [importer.sha256(data) for _, data in loaded]
    known = {} if reread else store.imported_files(hashes, wilayah)
    seen = [dict(known[h], nama=name) for (name, _), h in zip(loaded, hashes) if h in known]
    fresh, taken = [], set()
    for (name, data), h in zip(loaded, hashes):
        if h not in known and h not in taken:  # the same file twice in one batch is read once
            fresh.append((name, data))
            taken.add(h)
    if not fresh:
        return None, ImportOutcome(None, sudah_diimpor=seen)
    result = importer.read_results(fresh, families, listed)
    outcome = store.save_import(result, akun, now, reread, wilayah)
    outcome.sudah_diimpor = seen + outcome.sudah_diimpor
    return result, outcome
