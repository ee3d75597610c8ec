"""Data releases: snapshots an admin builds, checks, publishes, rolls back and deletes.

A release is a snapshot folder under the snapshot root (config.SNAPSHOT_ROOT) together with
its family store (config.family_dir). Its states:

- `staging`: built into <root>/.staging/<nama> (its family store into
  <family root>/.staging/<nama>). SnapshotStore skips hidden names, so nothing changes for
  users while the data officer reads the quality report;
- `published`: moved to <root>/<nama>, where the app can read it. One published release is
  the current one (`tampil`): what the app shows;
- `discarded`: a staging release thrown away, its files deleted;
- `deleted`: a published release removed with its files; refused while it is the current
  one or a saved plan (kantong.plans, `snapshot_nama`) refers to it.

The list is <root>/rilis.json, rewritten whole (temporary file, fsync, rename) under an
exclusive lock (<root>/.rilis.lock): the app reads it without the lock and always finds a
complete list. Every step is a row in the audit log.

Which snapshot the app shows (`shown`, used by SnapshotStore.latest): the current release,
unless a snapshot folder was written after it became current; then, as without a release
list, the newest folder. So `python -m etl build --out` and `python -m etl demo`, which
publish directly as they always did, still do: the latest act wins. A folder written that
way counts as a published release (`langsung`), so it can be listed, made current again or
deleted like any other.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from etl import config

if TYPE_CHECKING:
    from etl.pipeline import BuildInputs
    from kantong.audit import AuditLog

log = logging.getLogger(__name__)

STAGING = "staging"
PUBLISHED = "published"
DISCARDED = "discarded"
DELETED = "deleted"
STATUS_LABEL = {STAGING: "staging (belum terbit)", PUBLISHED: "terbit", DISCARDED: "dibuang", DELETED: "dihapus"}

REGISTRY_FILE = "rilis.json"
# A release's region-code crosswalk from earlier releases (kode_lama, kode_baru), kept in
# its snapshot folder; a comparison into this release reads it (etl.compare.compare).
CROSSWALK_FILE = "padanan_kode.csv"  # = etl.compare.CROSSWALK_FILE
LOCK_FILE = ".rilis.lock"
STAGING_DIR = ".staging"  # hidden: SnapshotStore never reads what is in it
REGISTRY_VERSION = 1
# A folder name that is safe on every file system and never hidden.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
HASH_CHUNK = 1 << 20


class ReleaseError(Exception):
    """A step that cannot be done: the message says why, in Indonesian, for the admin."""


@dataclass(frozen=True)
class Release:
    nama: str
    status: str
    tanggal_referensi: str = ""
    id_build: str | None = None
    dibangun_oleh: str | None = None
    dibangun_pada: str | None = None  # summary.json's dibuat_pada
    diterbitkan_oleh: str | None = None
    diterbitkan_pada: str | None = None
    dibuang_oleh: str | None = None
    dibuang_pada: str | None = None
    dihapus_oleh: str | None = None
    dihapus_pada: str | None = None
    # Published directly by `python -m etl build/demo`, not through staging: who built it
    # is in the audit log ("publikasi"), the files' SHA-256 are not known.
    langsung: bool = False
    baris: dict = field(default_factory=dict)  # summary.json's "baris": read, loaded, rejected
    # Per input file: berkas, jenis, sha256, baris_dibaca, dimuat, ditolak.
    berkas: list[dict] = field(default_factory=list)
    # The snapshot's headline counts (summary.json's "provinsi"), to tell releases apart.
    kk_total: int | None = None
    kk_desil_1: int | None = None
    kk_d1_non_dtks: int | None = None
    tampil: bool = False  # the release the app shows now (computed, never stored)

    def to_json(self) -> dict:
        out = asdict(self)
        out.pop("tampil")
        return out

    @classmethod
    def from_json(cls, data: dict) -> Release:
        known = {f.name for f in fields(cls)} - {"tampil"}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Pointer:
    """The current release and when it became current (time.time_ns, compared with the
    modification times of the snapshots' summary.json)."""

    nama: str
    sejak_ns: int


_pointer_cache: dict[Path, tuple[tuple[int, int, int], Pointer | None]] = {}


def current_pointer(root: Path) -> Pointer | None:
    """The current release named by <root>/rilis.json; None when there is no list, it names
    none, or it cannot be read (then the newest folder is shown, as before releases)."""
    path = Path(root) / REGISTRY_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)  # a rewrite is a new file: new inode
    cached = _pointer_cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pointer = Pointer(str(data["tampil"]), int(data["tampil_sejak_ns"])) if data.get("tampil") else None
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.warning("daftar rilis %s tidak terbaca (%s): snapshot terbaru yang ditampilkan", path, err)
        pointer = None
    _pointer_cache[path] = (key, pointer)
    return pointer


def shown(candidates: Sequence[tuple[int, Path]], root: Path) -> tuple[int, Path]:
    """Of the complete snapshot folders under `root` as (summary.json mtime in ns, folder),
    oldest first and at least one, the one the app shows: the current release, unless a
    folder was written after it became current (a direct `python -m etl build`); else the
    newest."""
    newest = candidates[-1]
    pointer = current_pointer(root)
    if pointer is None or newest[0] > pointer.sejak_ns:
        return newest
    for candidate in candidates:
        if candidate[1].name == pointer.nama:
            return candidate
    return newest


def snapshot_folders(root: Path) -> list[tuple[int, Path]]:
    """Complete snapshot folders under `root` (those with a summary.json, hidden ones
    skipped), oldest first: what SnapshotStore chooses from."""
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        summary = folder / "summary.json"
        if folder.name.startswith(".") or not summary.is_file():
            continue
        found.append((summary.stat().st_mtime_ns, folder))
    return sorted(found)


def check_name(nama: str) -> None:
    if not NAME_PATTERN.fullmatch(nama or "") or nama == REGISTRY_FILE:
        raise ReleaseError(
            f"Nama rilis {nama!r} tidak sah: gunakan huruf, angka, titik, garis bawah atau tanda hubung "
            "(paling banyak 64 karakter, tidak diawali titik), misalnya 2023-08."
        )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _from_summary(nama: str, summary: dict, status: str, **extra) -> Release:
    """A release's facts as its summary.json states them."""
    provinsi = summary.get("provinsi") or {}
    berkas = [
        {
            "berkas": f.get("berkas"),
            "jenis": f.get("jenis"),
            "sha256": None,
            "baris_dibaca": f.get("baris_dibaca"),
            "dimuat": f.get("dimuat"),
            "ditolak": f.get("ditolak"),
        }
        for f in summary.get("berkas", [])
    ]
    return Release(
        nama=nama,
        status=status,
        tanggal_referensi=summary.get("tanggal_referensi", ""),
        id_build=summary.get("id_build"),
        dibangun_pada=summary.get("dibuat_pada"),
        baris={k: summary.get("baris", {}).get(k) for k in ("dibaca", "dimuat", "ditolak")},
        berkas=berkas,
        kk_total=provinsi.get("kk_total"),
        kk_desil_1=provinsi.get("kk_desil_1"),
        kk_d1_non_dtks=provinsi.get("kk_d1_non_dtks"),
        **extra,
    )


def _read_summary(folder: Path) -> dict:
    try:
        return json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ReleaseError(f"Ringkasan snapshot {folder / 'summary.json'} tidak terbaca: {err}") from err


def _remove(path: Path) -> None:
    """Take a folder out of sight at once (a rename to a hidden name), then delete it."""
    if not path.exists():
        return
    gone = path.parent / f".{path.name}.hapus-{uuid.uuid4().hex[:8]}"
    os.replace(path, gone)
    shutil.rmtree(gone, ignore_errors=True)


class ReleaseStore:
    """The releases under one snapshot root. `akun` is whoever does a step (the
    operating-system account at the command line), `alamat` where from, as in the audit log."""

    def __init__(
        self,
        root: Path | str | None = None,
        audit: AuditLog | None = None,
        plans_db: Path | str | None = None,
        alamat: str = "baris perintah",
    ):
        self.root = Path(root) if root else config.SNAPSHOT_ROOT
        self._audit = audit
        self.plans_db = Path(plans_db) if plans_db else config.PLANS_DB
        self.alamat = alamat

    @property
    def audit(self) -> AuditLog:
        if self._audit is None:
            from kantong.audit import AuditLog

            self._audit = AuditLog(config.AUDIT_DB)
        return self._audit

    # --- where things are ------------------------------------------------------------------

    @property
    def registry_path(self) -> Path:
        return self.root / REGISTRY_FILE

    def snapshot_dir(self, nama: str) -> Path:
        return self.root / nama

    def family_dir(self, nama: str) -> Path:
        return config.family_dir(self.snapshot_dir(nama))

    def crosswalk_path(self, nama: str) -> Path | None:
        """The crosswalk kept with a published release, if it has one."""
        path = self.snapshot_dir(nama) / CROSSWALK_FILE
        return path if path.is_file() else None

    def staging_dir(self, nama: str) -> Path:
        return self.root / STAGING_DIR / nama

    def staging_family_dir(self, nama: str) -> Path:
        """Beside the published family stores, so that publishing is a rename on one file system."""
        return self.family_dir(nama).parent / STAGING_DIR / nama

    # --- the list --------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One changer of the list at a time (readers need no lock: the file is replaced whole)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read(self) -> dict:
        try:
            data = json.loads(self.registry_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"versi": REGISTRY_VERSION, "tampil": None, "tampil_sejak_ns": None, "rilis": []}
        except (OSError, ValueError) as err:
            raise ReleaseError(f"Daftar rilis {self.registry_path} rusak atau tidak terbaca: {err}") from err
        if not isinstance(data, dict) or not isinstance(data.get("rilis"), list):
            raise ReleaseError(f"Daftar rilis {self.registry_path} rusak: bagian 'rilis' tidak ada.")
        return data

    def _write(self, data: dict) -> None:
        tmp = self.root / f".{REGISTRY_FILE}.tmp-{uuid.uuid4().hex[:8]}"
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.registry_path)

    def _registered(self, data: dict) -> dict[str, Release]:
        try:
            return {r["nama"]: Release.from_json(r) for r in data["rilis"]}
        except (KeyError, TypeError) as err:
            raise ReleaseError(f"Daftar rilis {self.registry_path} rusak (entri tidak lengkap: {err}).") from err

    @staticmethod
    def _put(data: dict, release: Release) -> None:
        """Store `release` in its place, or last when new; an entry of the same name (a
        discarded or deleted one whose name is used again) is replaced: its history stays in
        the audit log."""
        entries = data["rilis"]
        at = next((i for i, r in enumerate(entries) if r["nama"] == release.nama), len(entries))
        data["rilis"] = entries[:at] + [release.to_json()] + entries[at + 1 :]

    def _shown_name(self) -> str | None:
        folders = snapshot_folders(self.root)
        return shown(folders, self.root)[1].name if folders else None

    def _direct(self, nama: str) -> Release | None:
        """A folder published directly (not in the list) as a published release."""
        folder = self.snapshot_dir(nama)
        if not (folder / "summary.json").is_file():
            return None
        summary = _read_summary(folder)
        return _from_summary(nama, summary, PUBLISHED, langsung=True, diterbitkan_pada=summary.get("dibuat_pada"))

    def _unknown(self, nama: str) -> ReleaseError:
        known = ", ".join(r.nama for r in self.list() if r.status in (STAGING, PUBLISHED)) or "belum ada"
        return ReleaseError(f"Rilis '{nama}' tidak dikenal di {self.root}. Rilis yang ada: {known}.")

    def _lookup(self, data: dict, nama: str) -> Release:
        release = self._registered(data).get(nama)
        if release is None and NAME_PATTERN.fullmatch(nama):
            release = self._direct(nama)
        if release is None:
            raise self._unknown(nama)
        return release

    def list(self) -> list[Release]:
        """Every release, oldest build first (discarded and deleted ones too, for the record),
        the folders published directly among them; `tampil` marks what the app shows."""
        registered = self._registered(self._read())
        releases = list(registered.values())
        for _, folder in snapshot_folders(self.root):
            if folder.name not in registered or registered[folder.name].status != PUBLISHED:
                direct = self._direct(folder.name)
                if direct is not None:
                    releases = [r for r in releases if r.nama != folder.name] + [direct]
        current = self._shown_name()
        releases = [replace(r, tampil=r.status == PUBLISHED and r.nama == current) for r in releases]
        return sorted(releases, key=lambda r: (r.dibangun_pada or "", r.nama))

    def get(self, nama: str) -> Release:
        for release in self.list():
            if release.nama == nama:
                return release
        raise self._unknown(nama)

    def _check_free(self, data: dict, nama: str) -> None:
        taken = self._registered(data).get(nama)
        if taken is not None and taken.status in (STAGING, PUBLISHED):
            raise ReleaseError(
                f"Nama rilis '{nama}' sudah dipakai (status {STATUS_LABEL[taken.status]}). "
                "Pilih nama lain, atau buang/hapus rilis itu lebih dulu."
            )
        if (self.snapshot_dir(nama) / "summary.json").is_file():
            raise ReleaseError(f"Sudah ada snapshot '{nama}' di {self.root}. Pilih nama lain.")

    # --- the steps -------------------------------------------------------------------------

    @contextmanager
    def _building(self, nama: str) -> Iterator[None]:
        """One build of a name at a time; a second is refused at once rather than waiting."""
        folder = self.root / STAGING_DIR
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f".{nama}.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as err:
                raise ReleaseError(f"Rilis '{nama}' sedang dibangun oleh proses lain.") from err
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def build(
        self,
        nama: str,
        inputs: BuildInputs,
        akun: str,
        step: Callable[[str], None] = lambda label: None,
        padanan: Path | None = None,
    ) -> tuple[Release, dict]:
        """Build `inputs` (their `out` and `families_out` are replaced) into staging as the
        release `nama`; returns it with the build's summary. `padanan`: the region-code
        crosswalk from the earlier releases (kode_lama, kode_baru), checked first and kept
        with the release. Bad input raises the ETL's InputError and leaves nothing behind."""
        from etl.compare import read_crosswalk
        from etl.pipeline import build

        check_name(nama)
        with self._locked():
            self._check_free(self._read(), nama)
        crosswalk = read_crosswalk(padanan) if padanan is not None else None  # bad input fails before the build
        with self._building(nama):
            staging, family = self.staging_dir(nama), self.staging_family_dir(nama)
            summary = build(replace(inputs, out=staging, families_out=family), step)
            paths = {Path(p).name: Path(p) for p in [*inputs.keluarga, *inputs.individu, *inputs.dtks]}
            release = _from_summary(nama, summary, STAGING, dibangun_oleh=akun)
            for entry in release.berkas:
                path = paths.get(entry["berkas"])
                entry["sha256"] = sha256_file(path) if path is not None and path.is_file() else None
            if crosswalk is not None:
                crosswalk[["kode_lama", "kode_baru"]].to_csv(staging / CROSSWALK_FILE, index=False)
                n = len(crosswalk)
                release.berkas.append(
                    {
                        "berkas": Path(padanan).name,
                        "jenis": "padanan",
                        "sha256": sha256_file(Path(padanan)),
                        "baris_dibaca": n,
                        "dimuat": n,
                        "ditolak": 0,
                    }
                )
            with self._locked():
                data = self._read()
                try:
                    self._check_free(data, nama)  # taken while this one was built
                except ReleaseError:
                    _remove(staging)
                    _remove(family)
                    raise
                self._put(data, release)
                self._write(data)
        self.audit.record(
            "rilis_bangun",
            akun=akun,
            alamat=self.alamat,
            snapshot=nama,
            tanggal_referensi=release.tanggal_referensi,
            berkas=[f["berkas"] for f in release.berkas],
            dimuat=release.baris.get("dimuat"),
            ditolak=release.baris.get("ditolak"),
        )
        return release, summary

    def publish(self, nama: str, akun: str) -> Release:
        """Move a staging release into place with its family store and make it current."""
        with self._locked():
            data = self._read()
            release = self._lookup(data, nama)
            if release.status == DISCARDED:
                raise ReleaseError(
                    f"Rilis '{nama}' sudah dibuang dan tidak dapat diterbitkan. "
                    "Bangun ulang dengan `python -m etl release build`."
                )
            if release.status == DELETED:
                raise ReleaseError(f"Rilis '{nama}' sudah dihapus dan tidak dapat diterbitkan.")
            if release.status == PUBLISHED:
                hint = (
                    ""
                    if release.nama == self._shown_name()
                    else f" Untuk menampilkannya lagi: `python -m etl release rollback {nama}`."
                )
                raise ReleaseError(f"Rilis '{nama}' sudah terbit.{hint}")
            staging, family = self.staging_dir(nama), self.staging_family_dir(nama)
            target, family_target = self.snapshot_dir(nama), self.family_dir(nama)
            if not (staging / "summary.json").is_file():
                raise ReleaseError(f"Berkas staging rilis '{nama}' tidak ada di {staging}; bangun ulang.")
            if _read_summary(staging).get("id_build") != release.id_build:
                raise ReleaseError(
                    f"Berkas staging rilis '{nama}' ({staging}) bukan hasil build yang tercatat; bangun ulang."
                )
            if not (family / "sumber.json").is_file():
                raise ReleaseError(f"Data keluarga (BNBA) rilis '{nama}' tidak ada di {family}; bangun ulang.")
            if target.exists():
                raise ReleaseError(f"Sudah ada folder {target}; rilis '{nama}' tidak menimpanya.")
            previous = self._shown_name()
            # The family store first, as the ETL does: a snapshot never appears without it.
            # A family store left under this name (of a deleted snapshot) is replaced.
            _remove(family_target)
            family_target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(family, family_target)
            try:
                os.replace(staging, target)
            except OSError:
                os.replace(family_target, family)
                raise
            release = replace(release, status=PUBLISHED, diterbitkan_oleh=akun, diterbitkan_pada=_now())
            self._put(data, release)
            self._make_current(data, nama)
            self._write(data)
        self.audit.record(
            "publikasi",
            akun=akun,
            alamat=self.alamat,
            snapshot=nama,
            tanggal_referensi=release.tanggal_referensi,
            dimuat=release.baris.get("dimuat"),
            ditolak=release.baris.get("ditolak"),
            sebelumnya=previous,
        )
        return replace(release, tampil=True)

    @staticmethod
    def _make_current(data: dict, nama: str) -> None:
        data["tampil"] = nama
        data["tampil_sejak_ns"] = time.time_ns()
        data["tampil_sejak"] = _now()

    def discard(self, nama: str, akun: str) -> Release:
        """Delete a staging release's files; it stays in the list as discarded."""
        with self._locked():
            data = self._read()
            release = self._lookup(data, nama)
            if release.status == PUBLISHED:
                raise ReleaseError(
                    f"Rilis '{nama}' sudah terbit dan tidak dapat dibuang; rilis terbit dihapus dengan "
                    f"`python -m etl release delete {nama}`."
                )
            if release.status != STAGING:
                raise ReleaseError(f"Rilis '{nama}' sudah {STATUS_LABEL[release.status]}.")
            _remove(self.staging_dir(nama))
            _remove(self.staging_family_dir(nama))
            release = replace(release, status=DISCARDED, dibuang_oleh=akun, dibuang_pada=_now())
            self._put(data, release)
            self._write(data)
        self.audit.record("rilis_buang", akun=akun, alamat=self.alamat, snapshot=nama)
        return release

    def _published(self, data: dict, nama: str, step: str) -> Release:
        release = self._lookup(data, nama)
        if release.status == STAGING:
            raise ReleaseError(
                f"Rilis '{nama}' belum terbit: terbitkan dengan `python -m etl release publish {nama}` "
                f"atau buang dengan `python -m etl release discard {nama}`."
            )
        if release.status != PUBLISHED:
            raise ReleaseError(f"Rilis '{nama}' sudah {STATUS_LABEL[release.status]} dan tidak dapat {step}.")
        if not (self.snapshot_dir(nama) / "summary.json").is_file():
            raise ReleaseError(f"Folder rilis '{nama}' ({self.snapshot_dir(nama)}) tidak ada lagi.")
        return release

    def rollback(self, nama: str, akun: str) -> Release:
        """Make an earlier published release the one the app shows again."""
        with self._locked():
            data = self._read()
            release = self._published(data, nama, "ditampilkan")
            previous = self._shown_name()
            if previous == nama:
                raise ReleaseError(f"Rilis '{nama}' sudah menjadi rilis yang tampil di dasbor.")
            self._put(data, release)  # a folder published directly joins the list
            self._make_current(data, nama)
            self._write(data)
        self.audit.record(
            "rilis_kembali",
            akun=akun,
            alamat=self.alamat,
            snapshot=nama,
            tanggal_referensi=release.tanggal_referensi,
            sebelumnya=previous,
        )
        return replace(release, tampil=True)

    def plans_using(self, nama: str) -> list[dict]:
        """Saved plans (their latest revision, as the plan list shows them) made on `nama`."""
        if not self.plans_db.is_file():
            return []
        from kantong.plans import PlanStore

        return [p for p in PlanStore(self.plans_db).list() if p["snapshot_nama"] == nama]

    def delete(self, nama: str, akun: str, periksa_rencana: bool = True) -> Release:
        """Delete a published release that is not current and that no saved plan uses.
        `periksa_rencana=False` only for the demo, which rebuilds its own releases under
        the same names (its plans then refer to the rebuilt one)."""
        with self._locked():
            data = self._read()
            release = self._published(data, nama, "dihapus")
            if nama == self._shown_name():
                raise ReleaseError(
                    f"Rilis '{nama}' sedang tampil di dasbor dan tidak dapat dihapus. "
                    "Tampilkan rilis lain lebih dulu (`python -m etl release publish` atau `rollback`)."
                )
            plans = self.plans_using(nama) if periksa_rencana else []
            if plans:
                names = ", ".join(f"'{p['nama']}' (nomor {p['id']})" for p in plans)
                raise ReleaseError(f"Rilis '{nama}' tidak dapat dihapus: dipakai oleh rencana {names}.")
            _remove(self.snapshot_dir(nama))
            _remove(self.family_dir(nama))
            release = replace(release, status=DELETED, dihapus_oleh=akun, dihapus_pada=_now())
            self._put(data, release)
            if data.get("tampil") == nama:  # a current release overtaken by a direct build
                data["tampil"] = None
            self._write(data)
        self.audit.record(
            "rilis_hapus", akun=akun, alamat=self.alamat, snapshot=nama, tanggal_referensi=release.tanggal_referensi
        )
        return release
