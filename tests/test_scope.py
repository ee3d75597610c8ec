"""The data layer's scope: an operator's snapshot holds their kab/kota in full and, of the
rest, only the kab/kota and province totals (tests/fixtures.py: Kab. Contoh 13.01 with four
nagari, Kota Contoh 13.71 with Delta)."""

from __future__ import annotations

import gzip
import json

import pytest

from etl.pipeline import build
from kantong.access import Principal
from kantong.data import ScopedStore, SnapshotNotFound, SnapshotStore
from tests import fixtures

OPERATOR = Principal("op.contoh", "operator", "13.01")
KOTA = Principal("op.kota", "operator", "13.71")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scope")
    build(fixtures.build_inputs(folder / "input", folder / "snapshots" / "a"))
    return SnapshotStore(folder / "snapshots")


def test_an_operator_sees_their_kabkota_in_full_and_only_totals_elsewhere(store):
    whole = store.latest()
    mine = ScopedStore(store, OPERATOR).latest()
    assert mine.id == whole.id + "@13.01" and mine.scope == "13.01"
    assert list(mine.table("desa").index) == [k for k in whole.table("desa").index if k.startswith("13.01.")]
    assert list(mine.table("kecamatan").index) == ["13.01.01", "13.01.02"]
    assert list(mine.table("kabkota").index) == ["13.01", "13.71"]  # totals of both, for orientation
    assert mine.table("provinsi").equals(whole.table("provinsi"))
    assert not mine.has("13.71.01.1001") and not mine.has("13.71.01")
    assert set(mine.all_regions["kode"]) == {"13", "13.01", "13.71", "13.01.01", "13.01.02"} | set(
        mine.table("desa").index
    )
    # The same object for every request of the same scope; others see everything.
    assert ScopedStore(store, OPERATOR).latest() is mine
    assert ScopedStore(store, Principal("kadis", "pimpinan")).latest() is whole


def test_boundaries_of_a_scope_hold_only_its_features(store):
    mine = ScopedStore(store, KOTA).latest()
    desa = json.loads(gzip.decompress(mine.geojson_gzip("desa")))
    assert [f["properties"]["kode"] for f in desa["features"]] == ["13.71.01.1001"]
    assert set(mine.outlines("desa")) == {"13.71.01.1001"}
    assert {f["properties"]["kode"] for f in mine.geojson("kabkota")["features"]} == {"13.01", "13.71"}
    assert len(store.latest().geojson("desa")["features"]) == 4  # the whole snapshot is untouched


def test_a_snapshot_id_of_another_scope_is_not_found(store):
    whole = store.latest()
    mine = ScopedStore(store, OPERATOR)
    assert mine.by_id(whole.id).scope == "13.01"  # the base id gives one's own scope
    with pytest.raises(SnapshotNotFound):
        mine.by_id(whole.id + "@13.71")
    assert ScopedStore(store).by_id(whole.id) is whole  # outside a request: unlimited


def test_an_operators_deck_has_only_their_kabkota_slide(store):
    from kantong import rakor

    mine = ScopedStore(store, KOTA).latest()
    slides = rakor.build_slides(mine, "kk_d1_non_dtks", rakor.automatic_plan(mine, 2026))
    assert [s.title for s in slides if s.kind == "kabkota"] == ["Kota Contoh"]
    assert all("Gamma" not in str(s.table) for s in slides if s.table is not None)
    whole = rakor.build_slides(store.latest(), "kk_d1_non_dtks", rakor.automatic_plan(store.latest(), 2026))
    assert [s.title for s in whole if s.kind == "kabkota"] == ["Contoh", "Kota Contoh"]
