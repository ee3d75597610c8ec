"""`python -m etl demo`, end to end: two releases of the same synthetic families built and
published through the release store, a plan saved on the first, and a comparison of the
two that finds exactly the transitions the generator planted."""

import json
import sqlite3

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest

import etl.demo as gen
from etl import config
from etl.__main__ import demo_plan_name, demo_release_names, main
from etl.compare import GANTI_KODE, HANYA_A, HANYA_B, compare
from etl.demo import FULL_D1, FULL_FAMILIES
from kantong import priority
from kantong.audit import AuditLog
from kantong.data import SnapshotStore
from kantong.plans import PlanStore
from kantong.releases import PUBLISHED, ReleaseStore

SCALE = 0.01
NAME_A, NAME_B = "demo-2023-02", "demo"


def _run(root):
    """The demo into `root` (snapshots/demo, input/), with every store in `root`; small
    blocks and sheets, so that each release's files are written over several blocks and a
    workbook is split over several sheets. Returns the exit code and what was generated."""
    made = {}

    def generate_and_keep(*args, **kwargs):
        made["releases"] = gen_releases(*args, **kwargs)
        return made["releases"]

    gen_releases = gen.generate_releases
    with pytest.MonkeyPatch.context() as mp:
        for name, file in (
            ("AUDIT_DB", "audit.sqlite"),
            ("PLANS_DB", "rencana.sqlite"),
            ("VERVAL_DB", "verval.sqlite"),
            ("USERS_DB", "akun.sqlite"),
        ):
            mp.setattr(config, name, root / file)
        mp.setattr(config, "CACHE_DIR", root / "cache")
        mp.setattr(config, "KELUARGA_ROOT", None)
        mp.setattr(gen, "CHUNK_FAMILIES", 150)
        mp.setattr(gen, "DEMO_SHEET_ROWS", 100)
        mp.setattr(gen, "generate_releases", generate_and_keep)
        code = main(
            [
                "demo",
                "--skala",
                str(SCALE),
                "--input-dir",
                str(root / "input"),
                "--out",
                str(root / "snapshots" / "demo"),
            ]
        )
    return code, made.get("releases")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    code, made = _run(root)
    assert code == 0
    return root, made


@pytest.fixture(scope="module")
def demo(demo_run):
    return demo_run[0]


@pytest.fixture(scope="module")
def comparison(demo):
    return compare(demo / "snapshots" / NAME_A, demo / "snapshots" / NAME_B)


# ---------------------------------------------------------------------------- releases


def test_two_releases_published_b_shown(demo_run):
    root, made = demo_run
    assert demo_release_names(root / "snapshots" / "demo", made.a.reference_date) == (NAME_A, NAME_B)
    releases = {r.nama: r for r in ReleaseStore(root / "snapshots").list()}
    assert set(releases) == {NAME_A, NAME_B}
    a, b = releases[NAME_A], releases[NAME_B]
    assert a.status == b.status == PUBLISHED and not a.langsung and not b.langsung
    assert b.tampil and not a.tampil
    assert SnapshotStore(root / "snapshots").latest().path.name == NAME_B
    assert (a.tanggal_referensi, b.tanggal_referensi) == ("2023-02-22", "2023-08-22")
    # B was published with the crosswalk, which a comparison into it reads.
    assert (root / "snapshots" / NAME_B / "padanan_kode.csv").read_text() == made.b.padanan.read_text()
    assert [f["jenis"] for f in b.berkas].count("padanan") == 1
    assert ReleaseStore(root / "snapshots").crosswalk_path(NAME_A) is None
    # The family stores are beside the snapshots, never in them.
    for nama in (NAME_A, NAME_B):
        assert (root / "keluarga" / nama / "keluarga.parquet").is_file()
    publications = AuditLog(root / "audit.sqlite").entries(aksi="publikasi")
    assert [(e.rincian["snapshot"], e.rincian["tanggal_referensi"]) for e in publications] == [
        (NAME_A, "2023-02-22"),
        (NAME_B, "2023-08-22"),
    ]
    summary_b = json.loads((root / "snapshots" / NAME_B / "summary.json").read_text())
    assert publications[1].rincian["dimuat"] == summary_b["baris"]["dimuat"]
    assert publications[1].rincian["sebelumnya"] == NAME_A


def test_release_b_is_calibrated_and_draws_the_renamed_nagari(demo_run):
    root, made = demo_run
    (change,) = made.transisi["ganti_kode"]
    old, new = change["kode_lama"], change["kode_baru"]
    b = pd.read_parquet(root / "snapshots" / NAME_B / "desa.parquet").set_index("kode")
    a = pd.read_parquet(root / "snapshots" / NAME_A / "desa.parquet").set_index("kode")
    prov_b = pd.read_parquet(root / "snapshots" / NAME_B / "provinsi.parquet").iloc[0]
    assert prov_b.kk_total == round(FULL_FAMILIES * SCALE) and prov_b.kk_desil_1 == round(FULL_D1 * SCALE)
    assert len(a) == len(b) == 1265  # every nagari/desa/kelurahan of the official list
    assert (~a["punya_poligon"]).sum() == (~b["punya_poligon"]).sum() == 106
    assert old in a.index and old not in b.index and new in b.index and new not in a.index
    assert b.loc[new, "punya_poligon"] and a.loc[old, "punya_poligon"]
    assert b.loc[new, "nama"] == a.loc[old, "nama"] == change["nama"]
    assert (a.loc[old, "kk_total"], b.loc[new, "kk_total"]) == (change["kk_a"], change["kk_b"])
    features = json.loads((root / "snapshots" / NAME_B / "desa.geojson").read_text())["features"]
    assert sum(f["properties"]["kode"] == new for f in features) == 1
    assert not any(f["properties"]["kode"] == old for f in features)


def test_release_b_region_files_leave_the_repository_alone(demo_run):
    root, made = demo_run
    (change,) = made.transisi["ganti_kode"]
    old, new = change["kode_lama"], change["kode_baru"]
    assert made.b.padanan.read_text() == f"kode_lama,kode_baru\n{old},{new}\n"
    assert made.a.padanan is made.a.boundaries is made.a.kode_wilayah is None
    codes = pd.read_csv(made.b.kode_wilayah, dtype=str)
    original = pd.read_csv(config.KODE_WILAYAH, dtype=str)
    assert len(codes) == len(original) and (codes["kode"] != original["kode"]).sum() == 1
    assert codes.set_index("kode").loc[new, "nama"] == original.set_index("kode").loc[old, "nama"]
    desa = gpd.read_file(made.b.boundaries / "13_desa.geojson")
    kept = gpd.read_file(config.BOUNDARIES / "13_desa.geojson.zip")  # the repository's copy keeps the old code
    assert old in set(kept["kode"]) and new not in set(kept["kode"])
    assert new in set(desa["kode"]) and old not in set(desa["kode"]) and len(desa) == len(kept)
    assert desa.set_index("kode").loc[new].geometry.equals_exact(kept.set_index("kode").loc[old].geometry, 1e-9)
    assert sorted(p.name for p in made.b.boundaries.iterdir()) == [
        "13_desa.geojson",
        "13_kabkota.geojson.zip",
        "13_kecamatan.geojson.zip",
    ]
    assert json.loads(made.transisi_file.read_text()) == made.transisi
    # Release A's exports are dated as A: three title rows in Kab. Sijunjung (k = 2).
    title = (made.a.folder / "p3ke_keluarga_kab_sijunjung.csv").read_text().split("\n")[:3]
    assert title[2] == "Dicetak: 2023-02-01"


@pytest.mark.parametrize("nama", [NAME_A, NAME_B])
def test_messiness_is_all_caught(demo, nama):
    """Both releases keep every messy feature: the same kinds of rows are rejected."""
    summary = json.loads((demo / "snapshots" / nama / "summary.json").read_text())
    for f in summary["berkas"]:
        assert f["baris_dibaca"] == f["dimuat"] + f["ditolak"], f["berkas"]
    rejects = pq.read_table(demo / "snapshots" / nama / "ditolak.parquet").to_pandas()
    reasons = rejects["alasan"]
    assert reasons.str.startswith("ID keluarga duplikat").sum() == 19  # one per kab/kota file at this scale
    assert reasons.str.startswith("desil tidak valid").sum() == 19
    assert (reasons.str.contains("KABUPATEN NIAS") & (rejects["jenis"] == "keluarga")).sum() == 38
    assert (reasons == "ID keluarga tidak ada di berkas keluarga").sum() == 19
    assert summary["wilayah"]["dicocokkan_nama"]  # families placed by name only
    assert summary["nik"]["individu"]["angka"] > 0 and summary["nik"]["keluarga"]["valid"] > 0
    assert summary["pencocokan"]["dtks_tidak_aktif"] > 0
    formats = {f["format"] for f in summary["berkas"]}
    delimiters = {f["pemisah"] for f in summary["berkas"] if f["format"] == "csv"}
    assert formats == {"csv", "xlsx"} and delimiters == {",", ";", "|", "\t"}
    assert any("kualitas_atap" in f["kolom_opsional_tidak_ada"] for f in summary["berkas"])  # the older layout


def test_new_input_variations_are_read(demo_run):
    root, made = demo_run
    files = made.b
    summary = json.loads((root / "snapshots" / NAME_B / "summary.json").read_text())
    by_name = {f["berkas"]: f for f in summary["berkas"]}
    utf16 = by_name["dtks_kota_bukittinggi.txt"]
    assert utf16["pengodean"] == "UTF-16 LE dengan BOM" and utf16["pemisah"] == "\t" and utf16["dimuat"] > 0
    assert by_name["p3ke_keluarga_kab_padang_pariaman.csv"]["pengodean"] == "UTF-8 dengan BOM"
    book = by_name["p3ke_individu_kota_padang_panjang.xlsx"]
    assert len(book["lembar"]) >= 2 and [s["lembar"] for s in book["lembar_dilewati"]] == ["Keterangan"]
    assert [s["lembar"] for s in by_name["dtks_kota_solok.xlsx"]["lembar_dilewati"]] == ["Petunjuk"]
    # The hand checks planted by the generator, against what the ETL counted.
    prov = pd.read_parquet(root / "snapshots" / NAME_B / "provinsi.parquet").iloc[0]
    expected = files.expected
    assert prov.jiwa_total == expected["jiwa_total"]
    assert prov.kk_d1_lansia_tunggal == expected["kk_d1_lansia_tunggal"]
    # The ETL also matches the head's NIK from the family file.
    assert prov.jiwa_d1_disabilitas == expected["jiwa_d1_disabilitas_dgn_nik_kepala"] >= expected["jiwa_d1_disabilitas"]
    assert summary["pencocokan"]["dtks_nik_aktif_disabilitas"] <= expected["dtks_disabilitas"]


# ---------------------------------------------------------------------------- the comparison


def test_comparison_finds_the_planted_transitions(demo_run, comparison):
    root, made = demo_run
    expected = json.loads((root / "input" / "rilis-b" / "transisi_diharapkan.json").read_text())
    keys = list(gen.EXPECTED_KEYS)
    province = comparison.transisi["provinsi"].iloc[0]
    assert {k: int(province[k]) for k in keys} == expected["provinsi"]
    per_kab = comparison.transisi["kabkota"].set_index("kode")
    assert set(per_kab.index) == set(expected["kabkota"])
    for code, row in expected["kabkota"].items():
        assert {k: int(per_kab.loc[code, k]) for k in keys} == {k: row[k] for k in keys}, code
    assert comparison.invarian_gagal == []
    assert comparison.tidak_cocok.empty
    (change,) = expected["ganti_kode"]
    desa = comparison.transisi["desa"].set_index("kode")
    assert desa.loc[change["kode_baru"], "status"] == GANTI_KODE
    assert desa.loc[change["kode_baru"], "kode_lama"] == change["kode_lama"]
    assert change["kode_lama"] not in desa.index
    assert (desa.loc[change["kode_baru"], "kk_a"], desa.loc[change["kode_baru"], "kk_b"]) == (
        change["kk_a"],
        change["kk_b"],
    )
    counts = comparison.ringkasan["wilayah"]["nagari_per_status"]
    assert counts[GANTI_KODE] == 1 and counts[HANYA_A] == counts[HANYA_B] == 0
    assert comparison.ringkasan["padanan"]["berkas"] == "padanan_kode.csv"  # the one kept with B
    assert made.a.expected["kk_total"] == expected["provinsi"]["kk_a"]


def test_every_kind_of_transition_is_planted(demo_run):
    _, made = demo_run
    t = made.transisi
    p = t["provinsi"]
    assert p["kk_a"] == p["tetap"] + p["keluar"] and p["kk_b"] == p["tetap"] + p["baru"]
    for key in gen.EXPECTED_KEYS:
        assert p[key] == sum(k[key] for k in t["kabkota"].values()), key
        assert p[key] > 0, key
    assert p["tetap_lewat_nik"] >= len(t["kabkota"])  # at least one per kab/kota
    # Plausible, not everything: a few percent of the families come and go.
    assert 0.01 < p["keluar"] / p["kk_a"] < 0.05 and 0.01 < p["baru"] / p["kk_b"] < 0.05


def test_focus_nagari_hold_a_visible_share(demo_run, comparison):
    """Desil-1 families of the focus nagari (where a plan is likely) enter DTKS, start bansos
    and leave desil 1 more often than elsewhere, yet far from all of them do."""
    _, made = demo_run
    focus = {code for codes in made.transisi["nagari_fokus"].values() for code in codes}
    desa = comparison.transisi["desa"].set_index("kode")
    inside = desa.index.isin(focus)
    assert inside.sum() == len(focus) == gen.FOCUS_NAGARI * len(made.transisi["kabkota"])
    for column in ("d1_masuk_dtks_asal", "d1_mulai_bansos_asal", "d1_keluar_desil_1_asal"):
        rate_in = desa.loc[inside, column].sum() / desa.loc[inside, "d1_a"].sum()
        rate_out = desa.loc[~inside, column].sum() / desa.loc[~inside, "d1_a"].sum()
        assert rate_in > 2 * rate_out and rate_in < 0.5, column


# ---------------------------------------------------------------------------- the plan


def test_the_demo_plan_is_on_release_a(demo):
    store = PlanStore(demo / "rencana.sqlite")
    (listed,) = store.list()
    assert listed["nama"] == demo_plan_name("2023-02-22") == "Rencana demo Februari 2023"
    assert (listed["dibuat_oleh"], listed["snapshot_nama"], listed["revisi"]) == ("demo", NAME_A, 1)
    plan = store.open(listed["id"])
    snapshot = SnapshotStore(demo / "snapshots").by_name(NAME_A)
    assert plan.snapshot_id == snapshot.base_id
    assert plan.bobot == priority.weights_for(priority.DEFAULT_PRESET)
    assert plan.aturan == priority.SelectionRule(aturan="per_kabkota", k=1).as_dict()
    desa = snapshot.table("desa")
    scored = priority.score(desa, plan.bobot)
    chosen = priority.top_k_per_kabkota(scored, 1)
    assert sorted(r["kode"] for r in plan.nagari) == sorted(chosen)
    assert len(plan.nagari) == desa["kode_kabkota"].nunique() == 19  # one per kab/kota
    for row in plan.nagari:
        region = desa.loc[row["kode"]]
        assert row["tahun"] == 2023
        assert row["kk_desil_1"] == region["kk_desil_1"]
        assert row["target_graduasi"] == -(-int(region["kk_desil_1"]) // 10)
        assert row["target_usul_dtks"] == region["kk_d1_non_dtks"]
        assert not set(priority.VERVAL_FIELDS) & set(row)
    (saved,) = AuditLog(demo / "audit.sqlite").entries(aksi="rencana")
    assert saved.rincian == {"rencana": plan.id, "revisi": 1, "nagari": 19}


def test_the_verval_demo_ran_on_release_b(demo):
    """The field verification lists are made from the release shown (B)."""
    (listed,) = AuditLog(demo / "audit.sqlite").entries(aksi="daftar_verval")
    assert listed.rincian["nagari"] == 19
    assert (demo / "input" / "verval").is_dir()
    snapshot_b = pq.read_table(demo / "keluarga" / NAME_B / "keluarga.parquet", columns=["id_keluarga"])
    listed_families = pd.read_csv(demo / "input" / "verval" / "keluarga.csv", dtype=str)  # the form's choices
    assert len(listed_families) > 0
    assert listed_families["name"].isin(set(snapshot_b.column("id_keluarga").to_pylist())).all()
    # Follow-ups take up part of the eligible families' needs, some delivered, each for a
    # family with that need (so the plan's progress shows support on first run).
    with sqlite3.connect(demo / "verval.sqlite") as con:
        status = dict(con.execute("SELECT status, count(*) FROM tindak_lanjut GROUP BY status").fetchall())
        unneeded = con.execute(
            """SELECT count(*) FROM tindak_lanjut t JOIN hasil h USING (id_keluarga)
               WHERE h.kebutuhan_utama IS NOT t.kebutuhan AND NOT EXISTS
                     (SELECT 1 FROM json_each(h.kebutuhan_lain) j WHERE j.value = t.kebutuhan)"""
        ).fetchone()[0]
    assert status["disalurkan"] > 0 and status["direncanakan"] > 0 and unneeded == 0


# ---------------------------------------------------------------------------- running it again


def test_running_the_demo_again_replaces_its_releases(demo_run, comparison):
    root, _ = demo_run
    before = {
        r.nama: json.loads((root / "snapshots" / r.nama / "summary.json").read_text())["id_build"]
        for r in ReleaseStore(root / "snapshots").list()
    }
    code, made = _run(root)
    assert code == 0
    releases = {r.nama: r for r in ReleaseStore(root / "snapshots").list()}
    assert set(releases) == {NAME_A, NAME_B} and releases[NAME_B].tampil
    assert all(r.status == PUBLISHED for r in releases.values())
    for nama in (NAME_A, NAME_B):  # rebuilt, not kept
        assert json.loads((root / "snapshots" / nama / "summary.json").read_text())["id_build"] != before[nama]
    # The same plan, a new revision on the rebuilt release A.
    store = PlanStore(root / "rencana.sqlite")
    (listed,) = store.list()
    assert listed["revisi"] == 2 and listed["snapshot_nama"] == NAME_A
    assert store.open(listed["id"]).snapshot_id == SnapshotStore(root / "snapshots").by_name(NAME_A).base_id
    deleted = [e.rincian["snapshot"] for e in AuditLog(root / "audit.sqlite").entries(aksi="rilis_hapus")]
    assert deleted == [NAME_A, NAME_B]
    # Same seed, same families: the comparison finds the same transitions.
    again = compare(root / "snapshots" / NAME_A, root / "snapshots" / NAME_B)
    assert again.ringkasan["keluarga"] == comparison.ringkasan["keluarga"]
    assert again.ringkasan["desil_1"] == comparison.ringkasan["desil_1"]
    assert made.transisi == json.loads((root / "input" / "rilis-b" / "transisi_diharapkan.json").read_text())


def test_hanya_buat_makes_both_releases_files_only(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "AUDIT_DB", tmp_path / "audit.sqlite")
    code = main(
        [
            "demo",
            "--skala",
            "0.002",
            "--hanya-buat",
            "--input-dir",
            str(tmp_path / "input"),
            "--out",
            str(tmp_path / "s" / "demo"),
        ]
    )
    assert code == 0
    for folder in ("rilis-a", "rilis-b"):
        assert len(list((tmp_path / "input" / folder).glob("p3ke_keluarga_*"))) == 19
        assert len(list((tmp_path / "input" / folder).glob("dtks_*"))) == 19
    assert (tmp_path / "input" / "rilis-b" / "transisi_diharapkan.json").is_file()
    assert not (tmp_path / "s").exists()
