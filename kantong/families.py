"""The family store: families and their members by name and address (BNBA), kept apart
from the aggregate snapshot so that the snapshot holds no personal data.

The ETL writes it beside each snapshot it builds (etl/families.py), under
KANTONG_KELUARGA (default data/keluarga/<snapshot folder name>/); the app never serves it
as a file. Only the data layer reads it, and only through the scoped store: what a
caller gets is already limited to the person asking (kantong.data.current_principal).

The columns (the contract between the ETL, the lists and the importer):

keluarga (one row per loaded P3KE family)
    id_keluarga      str   the P3KE family ID, as in the export
    kode_desa        str   dotted Kemendagri code of the nagari/desa (13.06.01.2001)
    alamat           str?  address as in the export
    nama_kepala      str?  head of family's name
    nik_kepala       str?  head's NIK, 16 digits when valid, else None
    jenis_kelamin_kepala str? "L" or "P"
    desil            int   1..4
    di_dtks, bansos, pkh, sembako, pbi                                     bool
    rumah_tidak_layak, air_tidak_layak, tanpa_jamban, risiko_stunting, lantai_tanah   bool
    jiwa, balita, anak, lansia, disabilitas                                int

anggota (one row per loaded member)
    id_keluarga      str
    id_individu      str?
    nik              str?  16 digits when valid, else None
    nama             str?
    jenis_kelamin    str?  "L" or "P"
    tanggal_lahir    date?
    umur             int?  at the snapshot's reference date
    hubungan         str?  relationship to the head, as in the export
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from etl import config
from etl.families import ANGGOTA_SCHEMA, FAMILY_SCHEMA_VERSION, KELUARGA_SCHEMA

if TYPE_CHECKING:
    from kantong.data import Snapshot

KELUARGA_FILE = "keluarga.parquet"
ANGGOTA_FILE = "anggota.parquet"
SUMBER_FILE = "sumber.json"

# Ages may be missing: they stay whole numbers (pandas' nullable Int32), not floats.
_TYPES = {pa.int32(): pd.Int32Dtype()}


def family_dir(snapshot_path: Path) -> Path:
    """Where the family store of the snapshot folder `snapshot_path` lives."""
    return config.family_dir(Path(snapshot_path))


def families_for(snapshot: Snapshot) -> Families | None:
    """The family store of `snapshot`, limited to its scope; None when there is none, or
    when the store there was written by another build (an older or newer snapshot of the
    same name, or a copy)."""
    build = snapshot.summary.get("id_build")
    folder = family_dir(snapshot.path)
    if not build:
        return None
    try:
        sumber = json.loads((folder / SUMBER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(sumber, dict) or sumber.get("id_build") != build:
        return None
    if sumber.get("versi_skema") != FAMILY_SCHEMA_VERSION:
        return None
    if not ((folder / KELUARGA_FILE).is_file() and (folder / ANGGOTA_FILE).is_file()):
        return None
    return Families(folder=folder, scope=snapshot.scope, sumber=sumber)


@dataclass(frozen=True)
class Families:
    """One snapshot's families and members, as one person may see them: with a `scope` (a
    kab/kota code), nothing outside that kab/kota is ever returned, whatever is asked.

    Reads are filtered inside the Parquet files (row groups outside the asked codes are
    skipped by their statistics), so one nagari costs a row group or two, not the province.
    """

    folder: Path
    scope: str | None
    sumber: dict

    def keluarga(self, kode_desa: Iterable[str]) -> pd.DataFrame:
        """The families of these nagari (dotted desa codes), sorted by code then family ID."""
        codes = sorted({c for c in kode_desa if isinstance(c, str) and self._in_scope(c)})
        if not codes:
            return _frame(KELUARGA_SCHEMA.empty_table())
        table = self._read(KELUARGA_FILE, _among("kode_desa", codes))
        return _frame(table.sort_by([("kode_desa", "ascending"), ("id_keluarga", "ascending")]))

    def anggota(self, id_keluarga: Iterable[str]) -> pd.DataFrame:
        """The members of these families (P3KE family IDs), sorted by family ID and, inside
        a family, as in the export. Families outside the scope have no members here."""
        ids = sorted({i for i in id_keluarga if isinstance(i, str)})
        if ids and self.scope is not None:
            allowed = self._read(KELUARGA_FILE, _among("id_keluarga", ids) & self._scope_filter(), ["id_keluarga"])
            ids = sorted(set(allowed["id_keluarga"].to_pylist()))
        if not ids:
            return _frame(ANGGOTA_SCHEMA.empty_table())
        table = self._read(ANGGOTA_FILE, _among("id_keluarga", ids))
        return _frame(table.sort_by([("id_keluarga", "ascending")]))  # a stable sort: export order kept

    def codes(self) -> pd.DataFrame:
        """`id_keluarga` and `kode_desa` of every family in the scope (to tell, for an
        imported answer, whether its family exists and where), sorted like the file."""
        table = self._read(KELUARGA_FILE, self._scope_filter(), ["id_keluarga", "kode_desa"])
        return _frame(table.sort_by([("kode_desa", "ascending"), ("id_keluarga", "ascending")]))

    def count_by_desa(self) -> pd.DataFrame:
        """Per nagari with families in the store (index: kode_desa): `kk` families, of them
        `kk_desil_1` in desil 1, and `jiwa` members."""
        table = self._read(KELUARGA_FILE, self._scope_filter(), ["kode_desa", "desil", "jiwa"])
        frame = table.to_pandas()
        frame["desil_1"] = frame["desil"] == 1
        counts = frame.groupby("kode_desa", sort=True).agg(
            kk=("desil", "size"), kk_desil_1=("desil_1", "sum"), jiwa=("jiwa", "sum")
        )
        counts.index.name = "kode_desa"
        return counts.astype("int64")

    def _in_scope(self, kode: str) -> bool:
        return self.scope is None or kode.startswith(self.scope + ".")

    def _scope_filter(self) -> ds.Expression | None:
        """Codes inside the scope: "13.06." <= kode < "13.06/" ('/' follows '.'), a range
        the files' statistics can skip row groups by."""
        if self.scope is None:
            return None
        field = ds.field("kode_desa")
        return (field >= self.scope + ".") & (field < self.scope + "/")

    def _read(self, name: str, where: ds.Expression | None, columns: list[str] | None = None) -> pa.Table:
        return ds.dataset(self.folder / name, format="parquet").to_table(columns=columns, filter=where)


def _among(column: str, values: list[str]) -> ds.Expression:
    """`column` is one of `values` (sorted); the range lets row groups be skipped by their
    statistics even where the membership test alone would not."""
    field = ds.field(column)
    return (field >= values[0]) & (field <= values[-1]) & field.isin(values)


def _frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=_TYPES.get)
