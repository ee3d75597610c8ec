"""Comparisons between published releases, for the app: computed once, kept on disk, read
within the asker's scope.

`python -m etl compare` does the work, in a process of its own (a full province takes a
few seconds and about 1 GB, which a web worker would keep); its tables are written
under <cache>/perbandingan/<A>__<B>__<key>/, where the key changes whenever either
release is rebuilt under the same name or B's crosswalk changes, so a stale comparison is
never shown. Two workers asking for the same pair at once compute it once (a file lock).

Scope: an operator sees their own kab/kota's nagari and kecamatan, every kab/kota row and
the province (the same orientation as on the map), their own kab/kota's desil matrix and
unmatched codes. No table here holds a family: IDs and NIK stay in etl.compare.

The comparison page (/perbandingan) reads a result through the rest of this module: its
view in the address (`ComparisonView`), the per-region changes of one indicator and the
family transitions of a level inside the region shown, a region's headline, the desil
matrix, and the workbook of all of them. Pure functions on frames, no Dash.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import re
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd
from babel.dates import format_date

from etl import compare as cmp
from etl import config, indicators
from kantong import exports, fmt
from kantong.data import LEVEL_LABEL, LEVEL_LABEL_SHORT, MAP_LEVELS
from kantong.releases import PUBLISHED, Release, ReleaseStore
from kantong.view import DEFAULT_INDICATOR

log = logging.getLogger(__name__)
FOLDER = "perbandingan"
_MEMO_SIZE = 8
KABKOTA_CODE = re.compile(r"\d{2}\.\d{2}")
# A region's status in words (etl.compare's statuses), as the page and the workbook say it.
STATUS_LABEL = {
    cmp.SAMA: "sama",
    cmp.GANTI_KODE: "ganti kode",
    cmp.DIGABUNG: "digabung",
    cmp.DIPECAH: "dipecah (pemekaran)",
    cmp.PEMEKARAN: "hasil pemekaran",
    cmp.HANYA_A: "hanya di rilis A",
    cmp.HANYA_B: "hanya di rilis B",
}
SMALL_NOTE = (
    f"jumlah di bawah {cmp.KECIL} di kedua rilis, atau penyebut persentase di bawah {cmp.KECIL} di salah satunya"
)


class ComparisonError(Exception):
    """A comparison that cannot be made: the message says why, in Indonesian."""


@dataclass(frozen=True)
class ComparisonResult:
    a: str  # release names
    b: str
    ringkasan: dict
    perubahan: dict[str, pd.DataFrame]  # per level, long: kode, nama, status, indikator, nilai_a, nilai_b, ...
    transisi: dict[str, pd.DataFrame]  # per level: kode, nama, status, then etl.compare.TRANSISI_COLUMNS
    matriks_desil: pd.DataFrame  # dari, 1..4, –, jumlah
    matriks_desil_kabkota: pd.DataFrame  # kode_kabkota, dari, ke, n
    tidak_cocok: pd.DataFrame
    wilayah: str | None = None  # the kab/kota this result is limited to (an operator's)

    def scoped(self, wilayah: str | None) -> ComparisonResult:
        """Limited to one kab/kota (kode "13.06"): see the module's docstring."""
        if not wilayah:
            return self
        prefix = wilayah + "."

        def own(frame: pd.DataFrame) -> pd.DataFrame:
            kode = frame["kode"].astype(str)
            return frame[(kode == wilayah) | kode.str.startswith(prefix)].reset_index(drop=True)

        def rows(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
            return {lvl: (own(t) if lvl in ("desa", "kecamatan") else t) for lvl, t in tables.items()}

        per_kab = self.matriks_desil_kabkota
        mine = per_kab[per_kab["kode_kabkota"] == wilayah]
        return replace(
            self,
            perubahan=rows(self.perubahan),
            transisi=rows(self.transisi),
            matriks_desil=matrix_from_cells(mine),
            matriks_desil_kabkota=mine.reset_index(drop=True),
            tidak_cocok=own(self.tidak_cocok),
            wilayah=wilayah,
        )

    def transisi_rows(self, level: str) -> pd.DataFrame:
        return self.transisi[level]


def matrix_from_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The wide desil matrix (as etl.compare.desil_matrix) from long cells."""
    labels = list(cmp.DESIL_LABELS)
    matrix = cells.pivot_table(index="dari", columns="ke", values="n", aggfunc="sum", fill_value=0)
    matrix = matrix.reindex(index=labels, columns=labels, fill_value=0).astype("int64")
    matrix.columns = [str(c) for c in matrix.columns]
    matrix["jumlah"] = matrix.sum(axis=1)
    return matrix.rename_axis(index="dari").reset_index()


def _code_version() -> str:
    """Changes when etl/compare.py changes, so results of older code are not reused."""
    return hashlib.sha256(Path(cmp.__file__).read_bytes()).hexdigest()[:8]


class ComparisonStore:
    """Comparisons of the releases under a snapshot root, cached under `cache_dir`."""

    def __init__(self, releases: ReleaseStore, cache_dir: Path | str | None = None):
        self.releases = releases
        self.folder = Path(cache_dir) if cache_dir else config.CACHE_DIR / FOLDER
        self._memo: OrderedDict[Path, ComparisonResult] = OrderedDict()
        # A page asks for the same pair from two callbacks at once (threads of one worker).
        self._memo_lock = threading.Lock()

    def comparable(self) -> list[Release]:
        """Published releases whose files are in place, earliest reference date first."""
        found = [
            r
            for r in self.releases.list()
            if r.status == PUBLISHED and (self.releases.snapshot_dir(r.nama) / "summary.json").is_file()
        ]
        return sorted(found, key=lambda r: (r.tanggal_referensi or "", r.dibangun_pada or "", r.nama))

    def _key(self, a: str, b: str) -> str:
        parts = [_code_version()]
        for nama in (a, b):
            summary = self.releases.snapshot_dir(nama) / "summary.json"
            parts.append(str(json.loads(summary.read_text(encoding="utf-8")).get("id_build")))
        crosswalk = self.releases.crosswalk_path(b)
        parts.append(hashlib.sha256(crosswalk.read_bytes()).hexdigest() if crosswalk else "-")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]

    def path_for(self, a: str, b: str) -> Path:
        return self.folder / f"{a}__{b}__{self._key(a, b)}"

    def result(self, a: str, b: str, wilayah: str | None = None) -> ComparisonResult:
        """A compared with B (computed on first ask), limited to `wilayah` when given."""
        names = {r.nama for r in self.comparable()}
        for nama in (a, b):
            if nama not in names:
                raise ComparisonError(f"Rilis '{nama}' tidak ada atau belum terbit.")
        if a == b:
            raise ComparisonError("Pilih dua rilis yang berbeda untuk dibandingkan.")
        out = self.path_for(a, b)
        with self._memo_lock:
            full = self._memo.get(out)
            if full is not None:
                self._memo.move_to_end(out)
        if full is None:
            if not (out / cmp.RINGKASAN_FILE).is_file():
                self._compute(a, b, out)
            full = _read(a, b, out)
            with self._memo_lock:
                self._memo[out] = full
                while len(self._memo) > _MEMO_SIZE:
                    self._memo.popitem(last=False)
        return full.scoped(wilayah)

    def _compute(self, a: str, b: str, out: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f".{out.name}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # another worker may be computing it: wait for it
            try:
                if (out / cmp.RINGKASAN_FILE).is_file():
                    return
                run_compare(self.releases.snapshot_dir(a), self.releases.snapshot_dir(b), out)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


COMPARE_TIMEOUT_S = 900


def run_compare(snapshot_a: Path, snapshot_b: Path, out: Path) -> None:
    """`python -m etl compare` in a process of its own: a province's comparison peaks near
    1 GB, which a web worker would otherwise keep after it. Its refusal (exit code 2) is
    raised with the reason it printed; a failed consistency check (1) still wrote the tables
    and is logged."""
    command = [sys.executable, "-m", "etl", "compare", str(snapshot_a), str(snapshot_b), "--out", str(out)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=config.PROJECT_ROOT, timeout=COMPARE_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as err:
        raise ComparisonError("Perbandingan terlalu lama dan dihentikan; coba lagi atau hubungi admin.") from err
    if done.returncode == 1 and (out / cmp.RINGKASAN_FILE).is_file():
        log.warning("comparison %s -> %s: %s", snapshot_a.name, snapshot_b.name, done.stderr.strip())
        return
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1].removeprefix("Gagal: ") if lines else f"kode keluar {done.returncode}"
        raise ComparisonError(f"Perbandingan gagal: {reason}")


def _read(a: str, b: str, out: Path) -> ComparisonResult:
    def frame(name: str) -> pd.DataFrame:
        return pd.read_parquet(out / f"{name}.parquet")

    return ComparisonResult(
        a=a,
        b=b,
        ringkasan=json.loads((out / cmp.RINGKASAN_FILE).read_text(encoding="utf-8")),
        perubahan={level: frame(f"perubahan_{level}") for level in cmp.LEVELS},
        transisi={level: frame(f"transisi_{level}") for level in cmp.LEVELS},
        matriks_desil=frame("matriks_desil"),
        matriks_desil_kabkota=frame("matriks_desil_kabkota"),
        tidak_cocok=frame("tidak_cocok"),
    )


# ----------------------------------------------------------------------------- the page's view


def default_pair(releases: list[Release]) -> tuple[str | None, str | None]:
    """The two latest of `comparable()` (earliest first): A the earlier, B the later."""
    names = [r.nama for r in releases]
    if len(names) < 2:
        return None, None
    return names[-2], names[-1]


def release_label(release: Release) -> str:
    """A release as a drop-down names it, short enough for a narrow field: its name, its
    reference date (22 Agu 2023) and whether it is the one the app shows."""
    date = ""
    if release.tanggal_referensi:
        date = " · " + format_date(dt.date.fromisoformat(release.tanggal_referensi[:10]), "d MMM y", locale=fmt.LOCALE)
    return f"{release.nama}{date}" + (" (ditampilkan)" if release.tampil else "")


def snapshot_of(store, nama: str):
    """Release `nama`'s snapshot as the person asking may see it (kantong.data.ScopedStore):
    its geometry and places draw the comparison's map, through the same scoped boundary
    route as the main map."""
    return store.store.by_name(nama).scoped(store.principal())


@dataclass(frozen=True)
class ComparisonView:
    """What the comparison page shows, kept in its address:
    ?a=2023-08&b=2024-03&indikator=kk_desil_1&tingkat=desa&wilayah=13.06

    `wilayah` None is the province; a kab/kota code limits the kecamatan and nagari maps and
    tables, the headline and the desil matrix to it. An operator's is always their own."""

    a: str | None
    b: str | None
    indikator: str = DEFAULT_INDICATOR
    tingkat: str = "kabkota"
    wilayah: str | None = None

    @classmethod
    def from_query(cls, search: str | None, names: list[str], principal=None) -> ComparisonView:
        """Parse and check against the comparable release `names` (earliest first) and the
        asker's scope; anything unknown or outside it falls back to the default."""
        params = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}
        a, b = (names[-2], names[-1]) if len(names) >= 2 else (None, None)
        a = params["a"] if params.get("a") in names else a
        b = params["b"] if params.get("b") in names else b
        indikator = params["indikator"] if params.get("indikator") in indicators.IDS else DEFAULT_INDICATOR
        own = None if principal is None or principal.sees_all else principal.wilayah
        wilayah = own or (params.get("wilayah") if KABKOTA_CODE.fullmatch(params.get("wilayah") or "") else None)
        # An operator's page opens on their own nagari; the province on the kab/kota.
        tingkat = params.get("tingkat") if params.get("tingkat") in MAP_LEVELS else ("desa" if own else "kabkota")
        return cls(a=a, b=b, indikator=indikator, tingkat=tingkat, wilayah=wilayah)

    def to_query(self) -> str:
        params = {"a": self.a, "b": self.b, "indikator": self.indikator, "tingkat": self.tingkat}
        if self.wilayah:
            params["wilayah"] = self.wilayah
        return "?" + urlencode({k: v for k, v in params.items() if v})


def checked_wilayah(result: ComparisonResult, wilayah: str | None, principal=None) -> str | None:
    """A kab/kota from a request, kept only when the comparison has it and the asker sees it
    in full (region codes in a request are never trusted); an operator's own otherwise."""
    if result.wilayah:
        return result.wilayah
    if principal is not None and not principal.sees_all:
        return principal.wilayah
    known = set(result.transisi["kabkota"]["kode"].astype(str))
    if wilayah in known and (principal is None or principal.in_full(wilayah)):
        return wilayah
    return None


def _inside(frame: pd.DataFrame, level: str, wilayah: str | None) -> pd.DataFrame:
    """A level's rows inside a kab/kota (kecamatan and nagari); every row otherwise."""
    if not wilayah or level not in ("kecamatan", "desa"):
        return frame
    return frame[frame["kode"].astype(str).str.startswith(wilayah + ".")]


def _parent_names(result: ComparisonResult) -> dict[str, str]:
    rows = pd.concat([result.transisi["kabkota"], result.transisi["kecamatan"]])
    return dict(zip(rows["kode"].astype(str), rows["nama"].astype(str)))


def is_comparable(frame: pd.DataFrame) -> pd.Series:
    """Rows of the same region in both releases (same code, renamed or merged) whose
    boundaries did not change: their values may be compared (small numbers aside)."""
    return frame["status"].isin(cmp.COMPARABLE) & ~frame["batas_berubah"].astype(bool)


def status_label(status: str, batas_berubah: bool) -> str:
    label = STATUS_LABEL.get(status, status)
    return f"{label}; batas berubah" if batas_berubah and status not in (cmp.DIPECAH, cmp.PEMEKARAN) else label


def region_changes(result: ComparisonResult, level: str, indikator: str, wilayah: str | None = None) -> pd.DataFrame:
    """One row per region of `level` (inside `wilayah`) for one indicator: kode, nama, the
    names of its kecamatan and kab/kota, status and its label, nilai_a, nilai_b, perubahan
    (points for rates), kecil, sebanding (is_comparable) and dibandingkan (comparable, with a
    change, not small numbers). Largest change first, whichever its direction; small numbers
    after the rest, regions not compared last."""
    frame = result.perubahan[level]
    frame = _inside(frame[frame["indikator"] == indikator], level, wilayah).copy()
    names = _parent_names(result)
    for parent in ("kecamatan", "kabkota"):
        column = f"kode_{parent}"
        codes = frame[column].astype(str) if column in frame else pd.Series("", index=frame.index)
        frame[f"nama_{parent}"] = codes.map(names).fillna("")
    frame["status_label"] = [status_label(s, bool(b)) for s, b in zip(frame["status"], frame["batas_berubah"])]
    frame["kecil"] = frame["kecil"].astype(bool)
    frame["sebanding"] = is_comparable(frame)
    frame["dibandingkan"] = frame["sebanding"] & ~frame["kecil"] & frame["perubahan"].notna()
    frame["_urut"] = np.where(frame["dibandingkan"], 0, np.where(frame["sebanding"] & frame["kecil"], 1, 2))
    frame["_besar"] = frame["perubahan"].abs()
    frame = frame.sort_values(["_urut", "_besar", "kode"], ascending=[True, False, True], na_position="last")
    return frame.drop(columns=["_urut", "_besar"]).reset_index(drop=True)


def region_transitions(result: ComparisonResult, level: str, wilayah: str | None = None) -> pd.DataFrame:
    """The family transitions per region of `level` (inside `wilayah`), most families in B first."""
    frame = _inside(result.transisi[level], level, wilayah).copy()
    frame["status_label"] = [status_label(s, bool(b)) for s, b in zip(frame["status"], frame["batas_berubah"])]
    return frame.sort_values(["kk_b", "kode"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class Headline:
    """The totals of a region (the province or a kab/kota) between two releases."""

    kode: str
    nama: str
    keluarga_a: int
    keluarga_b: int
    tetap: int  # families in both, living in this region in B
    tetap_asal: int  # families in both, living in this region in A
    baru: int
    keluar: int
    d1_a: int
    d1_tetap: int
    d1_masuk_dtks: int
    d1_mulai_bansos: int
    d1_keluar_desil_1: int
    masuk_desil_1: int
    lewat_nik: int


def headline(result: ComparisonResult, wilayah: str | None = None) -> Headline:
    """The province's totals, or a kab/kota's (its row of the transitions)."""
    level, frame = ("kabkota", result.transisi["kabkota"]) if wilayah else ("provinsi", result.transisi["provinsi"])
    rows = frame[frame["kode"].astype(str) == wilayah] if wilayah else frame
    if rows.empty:
        raise ComparisonError(f"Wilayah {wilayah} tidak ada dalam perbandingan ini.")
    row = rows.iloc[0]
    count = lambda name: int(row[name])
    return Headline(
        kode=str(row["kode"]),
        nama=str(row["nama"]),
        keluarga_a=count("kk_a"),
        keluarga_b=count("kk_b"),
        tetap=count("tetap"),
        tetap_asal=count("tetap_asal"),
        baru=count("baru"),
        keluar=count("keluar"),
        d1_a=count("d1_a"),
        d1_tetap=count("d1_tetap"),
        d1_masuk_dtks=count("d1_masuk_dtks"),
        d1_mulai_bansos=count("d1_mulai_bansos"),
        d1_keluar_desil_1=count("d1_keluar_desil_1"),
        masuk_desil_1=count("masuk_desil_1"),
        lewat_nik=count("tetap_lewat_nik"),
    )


def desil_matrix(result: ComparisonResult, wilayah: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """The desil matrix of a kab/kota, or of the province; and the kab/kota it covers (None:
    the province). An operator's result holds their own kab/kota's only, whatever is asked."""
    covers = wilayah or result.wilayah
    if not covers:
        return result.matriks_desil, None
    cells = result.matriks_desil_kabkota
    return matrix_from_cells(cells[cells["kode_kabkota"] == covers]), covers


def invariant_failures(result: ComparisonResult) -> list[str]:
    """Checks of the comparison that failed (each a bug, never bad input)."""
    return [name for name, ok in result.ringkasan.get("invarian", {}).items() if not ok]


# ----------------------------------------------------------------------------- the workbook

TABLE_TRANSISI = (
    "kk_a",
    "kk_b",
    "tetap",
    "baru",
    "keluar",
    "d1_a",
    "d1_tetap",
    "d1_masuk_dtks",
    "d1_mulai_bansos",
    "d1_keluar_desil_1",
    "masuk_desil_1",
)
TRANSISI_LABEL = {name: meaning for name, _, _, meaning in cmp.TRANSISI}
DESIL_HEADER = {label: (f"Desil {label}" if label != cmp.TANPA_DESIL else "Tidak ada") for label in cmp.DESIL_LABELS}
GRADUASI_NOTE = "calon graduasi, perlu dikonfirmasi di lapangan"


def change_unit(ind: indicators.Indicator) -> str:
    """The unit of a change: points for a rate (never "%": 20% to 30% is +10 points)."""
    return "poin persen" if ind.is_rate else ind.satuan


def change_columns(level: str, ind: indicators.Indicator) -> list[exports.Column]:
    value = exports.PCT if ind.is_rate else exports.INT
    columns = [exports.Column("kode", "Kode", width=15), exports.Column("nama", LEVEL_LABEL[level], width=28)]
    if level == "desa":
        columns.append(exports.Column("nama_kecamatan", "Kecamatan", width=20))
    if level in ("desa", "kecamatan"):
        columns.append(exports.Column("nama_kabkota", "Kabupaten/Kota", width=24))
    return columns + [
        exports.Column("status_label", "Status wilayah", width=22),
        exports.Column("nilai_a", f"Rilis A ({ind.satuan})", value),
        exports.Column("nilai_b", f"Rilis B ({ind.satuan})", value),
        exports.Column("perubahan", f"Perubahan ({change_unit(ind)})", exports.FLOAT if ind.is_rate else exports.INT),
        exports.Column("kecil_label", "Angka kecil (< 5)", width=12),
    ]


def transition_columns(level: str) -> list[exports.Column]:
    return [
        exports.Column("kode", "Kode", width=15),
        exports.Column("nama", LEVEL_LABEL[level], width=28),
        exports.Column("status_label", "Status wilayah", width=22),
        *[exports.Column(name, TRANSISI_LABEL[name], exports.INT, width=16) for name in TABLE_TRANSISI],
    ]


MATRIX_COLUMNS = [
    exports.Column("dari_label", "Desil di rilis A", width=18),
    *[exports.Column(label, f"{DESIL_HEADER[label]} di rilis B", exports.INT, width=14) for label in cmp.DESIL_LABELS],
    exports.Column("jumlah", "Jumlah", exports.INT, width=12),
]
UNMATCHED_COLUMNS = [
    exports.Column("kode", "Kode rilis A", width=16),
    exports.Column("nama", "Nama di rilis A", width=26),
    exports.Column("kode_baru", "Kode baru (tabel padanan)", width=18),
    exports.Column("baris_padanan", "Baris tabel padanan", exports.YEAR, width=12),
    exports.Column("alasan", "Alasan", width=60),
    exports.Column("kk_total_a", "Keluarga P3KE di rilis A", exports.INT, width=14),
]


def matrix_rows(matrix: pd.DataFrame) -> pd.DataFrame:
    out = matrix.copy()
    out["dari_label"] = [DESIL_HEADER[str(d)] for d in out["dari"]]
    return out


def headline_rows(top: Headline) -> list[tuple[str, int]]:
    return [
        ("Keluarga P3KE di rilis A", top.keluarga_a),
        ("Keluarga P3KE di rilis B", top.keluarga_b),
        ("Tetap (ada di kedua rilis)", top.tetap),
        ("  di antaranya dipadankan lewat NIK kepala keluarga", top.lewat_nik),
        ("Baru (hanya di rilis B)", top.baru),
        ("Keluar (hanya di rilis A)", top.keluar),
        ("Keluarga desil 1 di rilis A", top.d1_a),
        ("Keluarga desil 1 rilis A yang ada di kedua rilis", top.d1_tetap),
        ("  masuk DTKS", top.d1_masuk_dtks),
        ("  mulai menerima bansos", top.d1_mulai_bansos),
        (f"  keluar dari desil 1 ({GRADUASI_NOTE})", top.d1_keluar_desil_1),
        ("Keluarga desil 2–4 yang menjadi desil 1", top.masuk_desil_1),
    ]


def workbook(result: ComparisonResult, view: ComparisonView, source: str) -> bytes:
    """The comparison's tables as the page shows them, one sheet each, Indonesian headers:
    the headline, per-region changes of the chosen indicator, family transitions, the
    desil matrix and the unmatched codes (never left out, even when there are none)."""
    ind = indicators.get(view.indikator)
    top = headline(result, view.wilayah)
    area = top.nama
    title = f"Perbandingan rilis {result.a} → {result.b}: {area}"
    level = LEVEL_LABEL_SHORT[view.tingkat]
    changes = region_changes(result, view.tingkat, view.indikator, view.wilayah)
    changes["kecil_label"] = np.where(changes["kecil"] & changes["sebanding"], "ya", "")
    matrix, covers = desil_matrix(result, view.wilayah)
    matrix_area = area if covers in (None, top.kode) else covers
    summary = pd.DataFrame(headline_rows(top), columns=["uraian", "jumlah"])
    sheets = [
        (
            "Ringkasan",
            summary,
            [exports.Column("uraian", "Uraian", width=60), exports.Column("jumlah", "Jumlah", exports.INT, width=14)],
            [title, source],
        ),
        (
            "Perubahan per wilayah",
            changes,
            change_columns(view.tingkat, ind),
            [
                f"{ind.label} per {level}: rilis A {result.a}, rilis B {result.b}",
                f"Perubahan = B − A ({change_unit(ind)}). Angka kecil: {SMALL_NOTE}.",
                source,
            ],
        ),
        (
            "Transisi keluarga",
            region_transitions(result, view.tingkat, view.wilayah),
            transition_columns(view.tingkat),
            [f"Transisi keluarga per {level}: rilis A {result.a}, rilis B {result.b}", source],
        ),
        (
            "Matriks desil",
            matrix_rows(matrix),
            MATRIX_COLUMNS,
            [
                f"Keluarga menurut desil di rilis A (baris) dan rilis B (kolom): {matrix_area}",
                "Tidak ada = keluarga tidak ada di rilis itu (baru di B, atau keluar setelah A).",
                source,
            ],
        ),
        (
            "Kode tidak cocok",
            result.tidak_cocok,
            UNMATCHED_COLUMNS,
            [f"Kode nagari/desa rilis A yang tidak cocok dengan rilis B: {len(result.tidak_cocok)}", source],
        ),
    ]
    return exports.xlsx_bytes(sheets)


def workbook_name(result: ComparisonResult, view: ComparisonView, area: str) -> str:
    return exports.file_name("perbandingan", f"{result.a}-ke-{result.b}", area, view.tingkat, ext=exports.XLSX)
