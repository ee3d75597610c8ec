"""Comparisons between published releases, for the app: computed once, kept on disk, read
within the asker's scope.

`etl.compare` does the work (a full province takes a few seconds); its tables are written
under <cache>/perbandingan/<A>__<B>__<key>/, where the key changes whenever either
release is rebuilt under the same name or B's crosswalk changes, so a stale comparison is
never shown. Two workers asking for the same pair at once compute it once (a file lock).

Scope: an operator sees their own kab/kota's nagari and kecamatan, every kab/kota row and
the province (the same orientation as on the map), their own kab/kota's desil matrix and
unmatched codes. No table here holds a family: IDs and NIK stay in etl.compare.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from etl import compare as cmp
from etl import config
from kantong.releases import PUBLISHED, Release, ReleaseStore

FOLDER = "perbandingan"
_MEMO_SIZE = 8


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
        full = self._memo.get(out)
        if full is None:
            if not (out / cmp.RINGKASAN_FILE).is_file():
                self._compute(a, b, out)
            full = _read(a, b, out)
            self._memo[out] = full
            while len(self._memo) > _MEMO_SIZE:
                self._memo.popitem(last=False)
        else:
            self._memo.move_to_end(out)
        return full.scoped(wilayah)

    def _compute(self, a: str, b: str, out: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f".{out.name}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # another worker may be computing it: wait for it
            try:
                if (out / cmp.RINGKASAN_FILE).is_file():
                    return
                try:
                    comparison = cmp.compare(self.releases.snapshot_dir(a), self.releases.snapshot_dir(b))
                except (cmp.CompareError, cmp.InputError) as err:
                    raise ComparisonError(str(err)) from err
                cmp.write(comparison, out)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


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
