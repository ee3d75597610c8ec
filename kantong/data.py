"""The one way the app reads data: snapshots written by the ETL.

A snapshot folder appears atomically (etl.write.atomic_dir), so any folder with a
summary.json is complete. The one shown is found on every request (a directory listing, a
few stat calls and the release list: the current release, kantong.releases), and a loaded
snapshot is kept in memory keyed by its path and the time its summary was written, so a
newly published snapshot is picked up without a restart.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Protocol

import pandas as pd

from etl import config, indicators
from kantong import geometry, releases

# "nasional" exists only in a snapshot that spans several provinces: one region above them.
LEVELS = ("nasional", "provinsi", "kabkota", "kecamatan", "desa")
MAP_LEVELS = ("kabkota", "kecamatan", "desa")  # of a one-province snapshot (see Snapshot.map_levels)
NASIONAL_KODE = "ID"
DIGITS = {"provinsi": 2, "kabkota": 5, "kecamatan": 8, "desa": 13}  # length of the dotted code
LEVEL_LABEL = {
    "nasional": "Nasional",
    "provinsi": "Provinsi",
    "kabkota": "Kabupaten/Kota",
    "kecamatan": "Kecamatan",
    "desa": "Nagari/Desa/Kelurahan",
}
LEVEL_LABEL_SHORT = {
    "nasional": "nasional",
    "provinsi": "provinsi",
    "kabkota": "kab/kota",
    "kecamatan": "kecamatan",
    "desa": "nagari/desa",
}


# Where a region lies: its parents' names, label point and bounding box (maps and hovers).
PLACE_COLUMNS = (
    "nama_kecamatan",
    "nama_kabkota",
    "lon",
    "lat",
    "bbox_barat",
    "bbox_selatan",
    "bbox_timur",
    "bbox_utara",
    "lokasi_perkiraan",
)


class SnapshotNotFound(Exception):
    pass


def level_of(kode: str) -> str:
    if kode == NASIONAL_KODE:
        return "nasional"
    for level, n in DIGITS.items():
        if len(kode) == n:
            return level
    raise KeyError(kode)


def parent_codes(kode: str) -> list[str]:
    """Codes of the regions above `kode`, province first."""
    return [kode[:n] for level, n in DIGITS.items() if n < len(kode)]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per loaded snapshot
class Snapshot:
    id: str
    path: Path
    summary: dict
    tables: dict[str, pd.DataFrame] = field(repr=False)  # per level, indexed by kode
    # An operator's kab/kota: the kecamatan and nagari of other kab/kota are not in this
    # snapshot at all (only the kab/kota totals are, for orientation). None: every region.
    scope: str | None = None
    # Which field verification results the verval indicators hold ("" = none imported):
    # they change with every import, the rest only with a new snapshot.
    verval_versi: str = ""

    def scoped(self, principal) -> Snapshot:
        """This snapshot as `principal` (kantong.access.Principal) may see it."""
        if principal is None or principal.sees_all:
            return self
        if self.scope is not None:
            if self.scope != principal.wilayah:
                raise PermissionError("snapshot of another scope")
            return self
        return _scoped(self, principal.wilayah)

    @property
    def base_id(self) -> str:
        """The id of the whole snapshot this one is (or is a scope of)."""
        return self.id.split("@", 1)[0]

    @property
    def tanggal_referensi(self) -> str:
        return self.summary.get("tanggal_referensi", "")

    @property
    def dibuat_pada(self) -> str:
        return self.summary.get("dibuat_pada", "")

    @property
    def akar(self) -> pd.Series:
        """The top region: the province, or the region above the provinces of a snapshot
        that spans several."""
        top = "nasional" if "nasional" in self.tables else "provinsi"
        return self.tables[top].iloc[0]

    @property
    def provinsi(self) -> pd.Series | None:
        """The snapshot's province, when it covers exactly one."""
        table = self.tables["provinsi"]
        return table.iloc[0] if len(table) == 1 else None

    @property
    def map_levels(self) -> tuple[str, ...]:
        """The levels a map can draw: provinces too when there are several."""
        return (("provinsi",) if "nasional" in self.tables else ()) + MAP_LEVELS

    def parents(self, kode: str) -> list[str]:
        """Codes of the regions above `kode`, top first."""
        if kode == NASIONAL_KODE:
            return []
        top = [NASIONAL_KODE] if "nasional" in self.tables else []
        return top + parent_codes(kode)

    def table(self, level: str) -> pd.DataFrame:
        return self.tables[level]

    def has(self, kode: str) -> bool:
        try:
            return kode in self.tables[level_of(kode)].index
        except KeyError:
            return False

    def region(self, kode: str) -> pd.Series:
        return self.tables[level_of(kode)].loc[kode]

    def name(self, kode: str) -> str:
        return str(self.region(kode)["nama"])

    def regions_in(self, wilayah: str, level: str) -> pd.DataFrame:
        """Regions of `level` inside `wilayah` (a province, kab/kota or kecamatan code)."""
        table = self.tables[level]
        if wilayah == self.akar["kode"]:
            return table
        return table[table.index.str.startswith(wilayah + ".")]

    @cached_property
    def all_regions(self) -> pd.DataFrame:
        """kode, nama, tingkat and parent names of every region, for search."""
        frames = []
        for level, t in self.tables.items():
            frames.append(
                pd.DataFrame(
                    {
                        "kode": t.index,
                        "nama": t["nama"].astype(str).values,
                        "tingkat": level,
                        "nama_kecamatan": t["nama_kecamatan"].values if "nama_kecamatan" in t else None,
                        "nama_kabkota": t["nama_kabkota"].values if "nama_kabkota" in t else None,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def geojson_path(self, level: str) -> Path:
        if level not in self.map_levels:
            raise KeyError(level)
        return self.path / f"{level}.geojson"

    def _limited(self, level: str) -> str | None:
        """The code prefix a scoped snapshot limits this level's features to, if any."""
        return self.scope if self.scope is not None and level in ("kecamatan", "desa") else None

    def geojson_gzip(self, level: str) -> bytes:
        return _gzip_geojson(str(self.geojson_path(level)), self.base_id, self._limited(level))

    def geojson(self, level: str) -> dict:
        """The geometry itself, for server-side rendering (exports)."""
        return _geojson_dict(str(self.geojson_path(level)), self.base_id, self._limited(level))

    def outlines(self, level: str, decimals: int = geometry.FINE) -> dict[str, geometry.Outline]:
        """Projected vector outlines per region, for printed maps (kantong.geometry)."""
        return _outlines(str(self.geojson_path(level)), self.base_id, decimals, self._limited(level))

    def compact_paths(self, level: str, decimals: int) -> dict[str, str]:
        """Region paths in whole units of 10**-decimals degree, for the map's first frame."""
        return _compact_paths(str(self.geojson_path(level)), self.base_id, decimals, self._limited(level))


@lru_cache(maxsize=32)
def _gzip_geojson(path: str, snapshot_id: str, prefix: str | None) -> bytes:
    if prefix is None:
        return gzip.compress(Path(path).read_bytes(), 6)
    return gzip.compress(json.dumps(_geojson_dict(path, snapshot_id, prefix), separators=(",", ":")).encode(), 6)


@lru_cache(maxsize=32)
def _geojson_dict(path: str, snapshot_id: str, prefix: str | None = None) -> dict:
    if prefix is not None:  # the features of one kab/kota only
        whole = _geojson_dict(path, snapshot_id, None)
        inside = [f for f in whole["features"] if str(f["properties"].get("kode", "")).startswith(prefix + ".")]
        return {**whole, "features": inside}
    return json.loads(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=16)
def _compact_paths(path: str, snapshot_id: str, decimals: int, prefix: str | None = None) -> dict:
    return geometry.compact_paths(_geojson_dict(path, snapshot_id, prefix), decimals)


@lru_cache(maxsize=32)
def _outlines(path: str, snapshot_id: str, decimals: int, prefix: str | None = None) -> dict:
    return geometry.outlines(_geojson_dict(path, snapshot_id, prefix), decimals)


@lru_cache(maxsize=64)
def _scoped(snapshot: Snapshot, wilayah: str) -> Snapshot:
    """An operator's view of a snapshot: every kab/kota and the province as totals, but the
    kecamatan and nagari of their own kab/kota only."""
    tables = dict(snapshot.tables)
    for level in ("kecamatan", "desa"):
        table = tables[level]
        tables[level] = table[table.index.str.startswith(wilayah + ".")]
    return Snapshot(
        id=f"{snapshot.id}@{wilayah}",
        path=snapshot.path,
        summary=snapshot.summary,
        tables=tables,
        scope=wilayah,
        verval_versi=snapshot.verval_versi,
    )


class VervalSource(Protocol):
    """Where the verification results come from (kantong.verval.results): a version that
    changes with every import, and the counts per nagari (kantong.verval.tally)."""

    def version(self) -> str: ...

    def counts_by_desa(self) -> pd.DataFrame: ...


_verval_lock = threading.Lock()
_with_verval_cache: dict = {}


def with_verval(snapshot: Snapshot, source: VervalSource) -> Snapshot:
    """The snapshot with its verval indicators holding the results in `source`, summed from
    nagari up to every level (rates recomputed from the sums). One object per snapshot and
    results version, so everything cached per snapshot object or per SnapshotCache tag
    follows the imports."""
    version = source.version()
    if not version:
        return snapshot
    key = (snapshot.id, version)
    with _verval_lock:
        cached = _with_verval_cache.get(key)
        if cached is not None and cached[0] is snapshot:
            return cached[1]
    counts = source.counts_by_desa()
    tables = {}
    for level, table in snapshot.tables.items():
        table = table.copy()
        if level == "nasional":
            sums = counts.sum().to_frame().T.set_axis(table.index)
        else:
            sums = counts.groupby(counts.index.str.slice(0, DIGITS[level])).sum()
        for column in indicators.VERVAL_JUMLAH_IDS:
            table[column] = sums[column].reindex(table.index).fillna(0).astype("int64") if len(sums) else 0
        tables[level] = indicators.add_rates(table, indicators.VERVAL)
    out = Snapshot(
        id=snapshot.id,
        path=snapshot.path,
        summary=snapshot.summary,
        tables=tables,
        scope=snapshot.scope,
        verval_versi=version,
    )
    with _verval_lock:
        if len(_with_verval_cache) > 8:
            _with_verval_cache.clear()
        _with_verval_cache[key] = (snapshot, out)
    return out


@lru_cache(maxsize=4)
def _load(path: str, stamp: int) -> Snapshot:
    folder = Path(path)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    tables = {}
    for level in LEVELS:
        if level == "nasional" and not (folder / "nasional.parquet").is_file():
            continue  # one province: it is the top
        frame = pd.read_parquet(folder / f"{level}.parquet").set_index("kode", drop=False)
        frame.index.name = None
        # A snapshot built with an older catalogue lacks the newer indicators: they show as
        # "no value" until it is rebuilt, rather than breaking the app.
        for indikator in indicators.IDS:
            if indikator not in frame.columns:
                frame[indikator] = float("nan")
        # No verification result yet: none verified, found, eligible... (with_verval fills them).
        for indikator in indicators.VERVAL_JUMLAH_IDS:
            frame[indikator] = 0
        indicators.add_rates(frame, indicators.VERVAL)
        if "punya_poligon" not in frame.columns:  # provinces: outlined from their kab/kota
            frame["punya_poligon"] = True
        if "lokasi_perkiraan" not in frame.columns:  # built before nagari without polygon got a point
            frame["lokasi_perkiraan"] = False
        tables[level] = frame
    return Snapshot(id=f"{folder.name}-{stamp:x}", path=folder, summary=summary, tables=tables)


class SnapshotStore:
    """Snapshots under one root folder; `latest()` is the current release, or the newest
    complete one (see kantong.releases.shown)."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root else config.SNAPSHOT_ROOT
        self._lock = threading.Lock()

    def _candidates(self) -> list[tuple[int, Path]]:
        if not self.root.is_dir():
            return []
        found = []
        for folder in self.root.iterdir():
            summary = folder / "summary.json"
            if folder.name.startswith(".") or not summary.is_file():
                continue
            found.append((summary.stat().st_mtime_ns, folder))
        return sorted(found)

    def latest(self) -> Snapshot:
        candidates = self._candidates()
        if not candidates:
            raise SnapshotNotFound(
                f"Belum ada snapshot di {self.root}. Jalankan `python -m etl demo` atau `python -m etl build`."
            )
        # Data releases (kantong.releases): the release an admin made current, unless a
        # snapshot was written directly (`python -m etl build`/`demo`) after that; with no
        # release list, the newest folder, as before releases existed.
        stamp, folder = releases.shown(candidates, self.root)
        with self._lock:  # one thread loads; the others then find it in the cache
            return _load(str(folder), stamp)

    def by_name(self, name: str) -> Snapshot:
        """The snapshot in the folder `name` (as just written by the ETL)."""
        for stamp, folder in self._candidates():
            if folder.name == name:
                with self._lock:
                    return _load(str(folder), stamp)
        raise SnapshotNotFound(name)

    def by_id(self, snapshot_id: str) -> Snapshot:
        for stamp, folder in self._candidates():
            if f"{folder.name}-{stamp:x}" == snapshot_id:
                with self._lock:
                    return _load(str(folder), stamp)
        raise SnapshotNotFound(snapshot_id)


class ScopedStore:
    """The store every page and route reads through: each snapshot comes already limited to
    the person asking (flask.g.principal, set by kantong.gate), so no callback can forget
    the scope. Outside a request (command line, background job, benchmark) `principal`
    is whoever the caller says, or nobody limits it."""

    def __init__(self, store: SnapshotStore, principal=None, verval: VervalSource | None = None):
        self.store = store
        self._principal = principal
        self.verval = verval

    @property
    def root(self) -> Path:
        return self.store.root

    def principal(self):
        return self._principal if self._principal is not None else current_principal()

    def as_principal(self, principal) -> ScopedStore:
        """The same store as seen by `principal`, for work done outside the request
        (background jobs run with the scope of the person who started them)."""
        return ScopedStore(self.store, principal, self.verval)

    def _with_results(self, snapshot: Snapshot) -> Snapshot:
        return with_verval(snapshot, self.verval) if self.verval is not None else snapshot

    def latest(self) -> Snapshot:
        return self._with_results(self.store.latest()).scoped(self.principal())

    def by_id(self, snapshot_id: str) -> Snapshot:
        base, _, scope = snapshot_id.partition("@")
        snapshot = self._with_results(self.store.by_id(base)).scoped(self.principal())
        if snapshot.id != snapshot_id and scope:
            raise SnapshotNotFound(snapshot_id)  # another person's scope
        return snapshot


def current_principal():
    """The person behind the current request (flask.g, set by kantong.gate), or behind the
    background job being run; None outside both (command line, benchmarks)."""
    from flask import g, has_request_context

    if not has_request_context():
        return _job_principal()
    if "principal" in g and g.principal is None and not g.get("public", False):
        raise PermissionError("no one is logged in")
    return g.get("principal")


def _job_principal():
    """In a background job (the deck), the person who started it: kantong.gate puts them in
    the callback context's custom data, which Dash hands to the job's process."""
    try:
        from dash import ctx

        data = (ctx.custom_data or {}).get("kantong_principal")
    except Exception:  # no callback context at all: the command line, a benchmark
        return None
    if not data:
        return None
    from kantong.access import Principal

    return Principal(**data)


def indicator_values(
    snapshot: Snapshot, level: str, wilayah: str, indikator: str, min_penyebut: int | None = None
) -> pd.DataFrame:
    """The regions of a map view with the value and rank of one indicator.

    Rank 1 is the most need (the highest value, or the lowest for indicators where more
    is better); regions without a value are not ranked. A rate whose denominator is below
    `min_penyebut` (default: the setting MIN_PENYEBUT) is "terlalu sedikit" (`sedikit`):
    one or two families put it at 0% or 100% by chance, so it gets no value or rank here.
    """
    ind = indicators.get(indikator)
    frame = snapshot.regions_in(wilayah, level)
    cols = ["kode", "nama", "kk_total", "punya_poligon", indikator] + ([ind.penyebut] if ind.is_rate else [])
    cols += [c for c in PLACE_COLUMNS if c in frame.columns]
    # The value gets a column of its own: the indicator may be one of the columns kept
    # beside it (kk_total, or a rate's denominator), which must stay under its own name.
    out = frame[list(dict.fromkeys(cols))].copy()
    out["nilai"] = frame[indikator].astype("float64")
    out.loc[out["kk_total"] == 0, "nilai"] = float("nan")  # no P3KE family: nothing to rank
    out["sedikit"] = too_few(out, ind, min_penyebut) & out["nilai"].notna()
    out.loc[out["sedikit"], "nilai"] = float("nan")
    out["peringkat"] = out["nilai"].rank(method="min", ascending=ind.arah < 0).astype("Int64")
    return out


def too_few(frame: pd.DataFrame, ind: indicators.Indicator, min_penyebut: int | None = None) -> pd.Series:
    """Regions whose rate rests on too few families or people to be compared."""
    if not ind.is_rate:
        return pd.Series(False, index=frame.index)
    minimum = config.MIN_PENYEBUT if min_penyebut is None else min_penyebut
    den = frame[ind.penyebut].astype("float64")
    return (den > 0) & (den < minimum)


def rank_in(snapshot: Snapshot, kode: str, indikator: str, within: str) -> tuple[int | None, int]:
    """Rank of a region among its peers inside `within` (a parent code), and the peer count."""
    level = level_of(kode)
    values = indicator_values(snapshot, level, within, indikator)
    ranked = values["peringkat"].dropna()
    rank = values.loc[kode, "peringkat"] if kode in values.index else None
    return (None if rank is None or pd.isna(rank) else int(rank)), int(len(ranked))


# --- answers computed once per snapshot, shared by every worker -------------------------


def code_fingerprint(*modules) -> str:
    """A short hash of the source of the modules that compute a cached answer, so that a
    deployment with other code never reads an answer the old code computed."""
    import hashlib
    import inspect

    digest = hashlib.sha256()
    for module in modules:
        digest.update(inspect.getsource(module).encode("utf-8"))
    return digest.hexdigest()[:12]


class SnapshotCache:
    """Answers that depend only on a snapshot and a few plain parameters (a map view), kept
    once for every worker process.

    Two levels: a small in-process LRU in front of a diskcache.Cache in `directory`, which
    gunicorn's workers share, so an answer one worker computed is read by the others.
    Entries are tagged with the snapshot id and `version` (e.g. a `code_fingerprint`); a
    snapshot's id changes whenever a snapshot is published or rebuilt, so a new snapshot
    never reads an old answer. The first time a process meets a new tag it evicts the
    entries of every other tag from disk; `size_limit` bounds the disk in any case.
    The disk cache is opened on first use in each process (safe with gunicorn --preload).
    """

    TAGS_KEY = "__tags__"

    def __init__(
        self, directory: Path | str, version: str = "", memory_items: int = 256, size_limit: int = 512 * 2**20
    ):
        self.directory = Path(directory)
        self.version = version
        self.memory_items = memory_items
        self.size_limit = size_limit
        self._memory: dict = {}  # insertion order = recency
        self._lock = threading.Lock()
        self._disk = None
        self._pid = None
        self._tags_seen: set[str] = set()

    def _open(self):
        import os

        import diskcache

        if self._disk is None or self._pid != os.getpid():
            self._disk = diskcache.Cache(str(self.directory), size_limit=self.size_limit)
            self._pid = os.getpid()
            self._tags_seen = set()
        return self._disk

    def tag(self, snapshot: Snapshot) -> str:
        return f"{snapshot.id}/{snapshot.verval_versi}/{self.version}"

    def get(self, snapshot: Snapshot, key: tuple, compute):
        """The answer for (snapshot, key): from memory, else from disk, else `compute()`
        (then stored for every worker). `key` holds plain values (strings, numbers)."""
        tag = self.tag(snapshot)
        full_key = (tag,) + tuple(key)
        with self._lock:
            if full_key in self._memory:
                value = self._memory.pop(full_key)
                self._memory[full_key] = value
                return value
        disk = self._open()
        if tag not in self._tags_seen:
            self._forget_other_tags(disk, tag)
        value = disk.get(full_key)
        if value is None:
            value = compute()
            disk.set(full_key, value, tag=tag)
        with self._lock:
            self._memory[full_key] = value
            while len(self._memory) > self.memory_items:
                self._memory.pop(next(iter(self._memory)))
        return value

    def _forget_other_tags(self, disk, tag: str) -> None:
        with disk.transact():
            known = disk.get(self.TAGS_KEY, [])
            if tag not in known:
                for old in known:
                    disk.evict(old)
                disk.set(self.TAGS_KEY, [tag])
        self._tags_seen.add(tag)

    def clear(self) -> None:
        with self._lock:
            self._memory.clear()
        self._open().clear()
        self._tags_seen = set()
