"""Small DuckDB helpers shared by the build steps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    """Make Arrow tables queryable by name for the block; the names are always released,
    also on error, so a later step never reads another step's table by mistake."""
    names: list[str] = []
    try:
        for name, table in tables.items():
            con.register(name, table)
            names.append(name)
        yield
    finally:
        for name in reversed(names):
            con.unregister(name)


@contextmanager
def temp_table(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> Iterator[str]:
    """A temporary table for the block, dropped afterwards (also on error)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
    try:
        yield name
    finally:
        con.execute(f"DROP TABLE IF EXISTS {name}")
