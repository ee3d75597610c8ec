"""The read step: every input file, two at a time, into one `InputFiles`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from etl import normalise
from etl.errors import InputError
from etl.read import RawFile, read_file
from etl.schema import DTKS, INDIVIDU, KELUARGA, KIND_LABEL

KINDS = (KELUARGA, INDIVIDU, DTKS)
# One scan alone does not keep both cores of a small server busy.
READ_WORKERS = 2


@dataclass(frozen=True)
class InputFiles:
    """The files as read, per kind in the order given, and the part index that ties each
    row (`_berkas_ke`) back to its file name and sheet."""

    by_kind: Mapping[str, list[RawFile]]
    berkas: pa.Table  # _berkas_ke, berkas, lembar: one row per part (a csv, or a sheet of a workbook)

    @property
    def all(self) -> list[RawFile]:
        return [raw for kind in KINDS for raw in self.by_kind[kind]]

    def rows(self, kind: str) -> pa.Table:
        """All rows of one kind (a zero-copy concatenation)."""
        tables = [raw.table for raw in self.by_kind[kind]]
        return pa.concat_tables(tables) if len(tables) > 1 else tables[0]

    def rejects(self) -> list[pa.Table]:
        """Rows the reader itself rejected, file by file."""
        return [raw.rejects for raw in self.all]


def read_all(
    con: duckdb.DuckDBPyConnection,
    paths: Mapping[str, Sequence[Path]],
    reference_date: dt.date,
    on_read: Callable[[str], None],
) -> InputFiles:
    """Read every file (`paths` per kind); `on_read` hears of each file as it is done.
    The first InputError of any file stops the read."""
    jobs = [(kind, Path(path)) for kind in KINDS for path in paths[kind]]
    names = [path.name for _, path in jobs]
    if len(set(names)) < len(names):
        raise InputError("(beberapa berkas)", "nama berkas masukan harus unik agar baris yang ditolak dapat ditelusuri")

    def read_job(index: int) -> RawFile:
        kind, path = jobs[index]
        return read_file(path, kind, index, con.cursor(), normalise.row_sql(kind, reference_date))

    done: dict[int, RawFile] = {}
    with ThreadPoolExecutor(max_workers=READ_WORKERS) as pool:
        futures = {pool.submit(read_job, i): i for i in range(len(jobs))}
        for future in as_completed(futures):
            i = futures[future]
            done[i] = future.result()  # re-raises the first InputError
            on_read(f"Membaca {KIND_LABEL[jobs[i][0]]}: {names[i]}")
    files = [done[i] for i in range(len(jobs))]
    by_kind: dict[str, list[RawFile]] = {kind: [] for kind in KINDS}
    for (kind, _), raw in zip(jobs, files, strict=True):
        by_kind[kind].append(raw)
    return InputFiles(by_kind=by_kind, berkas=_part_index(files))


def _part_index(files: list[RawFile]) -> pa.Table:
    """One row per part, so rejects name the file and the sheet."""
    parts = [(part.index, raw.name, part.sheet) for raw in files for part in raw.parts]
    return pa.table(
        {
            "_berkas_ke": pa.array([p[0] for p in parts], type=pa.int32()),
            "berkas": pa.array([p[1] for p in parts], type=pa.string()),
            "lembar": pa.array([p[2] for p in parts], type=pa.string()),
        }
    )
