"""The demo: seeded, calibrated to the province facts, messy, and fully accounted for."""

import codecs
import hashlib
import io
import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from python_calamine import load_workbook

import etl.demo as gen
from etl import config
from etl.__main__ import main
from etl.demo import FULL_D1, FULL_DTKS_ROWS, FULL_FAMILIES, generate

SCALE = 0.01


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """The whole ETL over the demo, with small blocks and sheets so that the reader meets
    files written over several blocks and a workbook split over several sheets."""
    root = tmp_path_factory.mktemp("demo")
    made = {}

    def generate_and_keep(*args, **kwargs):
        made["files"] = generate(*args, **kwargs)
        return made["files"]

    mp = pytest.MonkeyPatch()
    mp.setattr(config, "CACHE_DIR", root / "cache")
    mp.setattr(config, "AUDIT_DB", root / "audit.sqlite")
    mp.setattr(gen, "CHUNK_FAMILIES", 150)
    mp.setattr(gen, "DEMO_SHEET_ROWS", 100)
    mp.setattr(gen, "generate", generate_and_keep)
    code = main(["demo", "--skala", str(SCALE), "--input-dir", str(root / "input"), "--out", str(root / "snapshot")])
    mp.undo()
    assert code == 0
    return root, made["files"]


@pytest.fixture
def demo(demo_run):
    return demo_run[0]


def test_calibrated_to_the_province_facts(demo):
    prov = pd.read_parquet(demo / "snapshot" / "provinsi.parquet").iloc[0]
    assert prov.kk_desil_1 == round(FULL_D1 * SCALE)
    assert prov.kk_total == round(FULL_FAMILIES * SCALE)
    desa = pd.read_parquet(demo / "snapshot" / "desa.parquet")
    assert len(desa) == 1265  # every nagari/desa/kelurahan of the official list
    assert (~desa["punya_poligon"]).sum() == 106
    assert desa.groupby("kode_kabkota")["kk_desil_1"].sum().gt(0).all()  # every kab/kota has D1 families


def test_the_new_snapshot_is_logged_as_published(demo):
    from kantong.audit import AuditLog

    summary = json.loads((demo / "snapshot" / "summary.json").read_text())
    (published,) = AuditLog(demo / "audit.sqlite").entries(aksi="publikasi")
    assert published.alamat == "baris perintah" and published.akun
    assert published.rincian == {
        "snapshot": "snapshot",
        "dimuat": summary["baris"]["dimuat"],
        "ditolak": summary["baris"]["ditolak"],
    }


def test_messiness_is_all_caught(demo):
    summary = json.loads((demo / "snapshot" / "summary.json").read_text())
    for f in summary["berkas"]:
        assert f["baris_dibaca"] == f["dimuat"] + f["ditolak"], f["berkas"]
    rejects = pq.read_table(demo / "snapshot" / "ditolak.parquet").to_pandas()
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
    root, files = demo_run
    summary = json.loads((root / "snapshot" / "summary.json").read_text())
    by_name = {f["berkas"]: f for f in summary["berkas"]}
    utf16 = by_name["dtks_kota_bukittinggi.txt"]
    assert utf16["pengodean"] == "UTF-16 LE dengan BOM" and utf16["pemisah"] == "\t" and utf16["dimuat"] > 0
    assert by_name["p3ke_keluarga_kab_padang_pariaman.csv"]["pengodean"] == "UTF-8 dengan BOM"
    book = by_name["p3ke_individu_kota_padang_panjang.xlsx"]
    assert len(book["lembar"]) >= 2 and [s["lembar"] for s in book["lembar_dilewati"]] == ["Keterangan"]
    assert [s["lembar"] for s in by_name["dtks_kota_solok.xlsx"]["lembar_dilewati"]] == ["Petunjuk"]
    # The hand checks planted by the generator, against what the ETL counted.
    prov = pd.read_parquet(root / "snapshot" / "provinsi.parquet").iloc[0]
    expected = files.expected
    assert prov.jiwa_total == expected["jiwa_total"]
    assert prov.kk_d1_lansia_tunggal == expected["kk_d1_lansia_tunggal"]
    # The ETL also matches the head's NIK from the family file.
    assert prov.jiwa_d1_disabilitas == expected["jiwa_d1_disabilitas_dgn_nik_kepala"] >= expected["jiwa_d1_disabilitas"]
    assert summary["pencocokan"]["dtks_nik_aktif_disabilitas"] <= expected["dtks_disabilitas"]


def test_same_seed_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(gen, "CHUNK_FAMILIES", 40)  # several blocks per kab/kota

    def digest(folder):
        files = generate(folder, scale=0.002, seed=7)
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files.all}

    assert digest(tmp_path / "a") == digest(tmp_path / "b")


# ---------------------------------------------------------------------------- chunked generation

CHUNK_SCALE = 0.05
PLAN_TOTALS = (
    "kk_total",
    "kk_desil_1",
    "jiwa_total",
    "dtks_rows",
    "keluarga_dup",
    "keluarga_bad_region",
    "keluarga_bad_desil",
    "individu_orphan",
    "individu_of_rejected",
)


@pytest.fixture(scope="module")
def chunked(tmp_path_factory):
    root = tmp_path_factory.mktemp("chunked")
    mp = pytest.MonkeyPatch()
    mp.setattr(gen, "CHUNK_FAMILIES", 500)
    mp.setattr(gen, "DEMO_SHEET_ROWS", 300)
    files = generate(root, scale=CHUNK_SCALE)
    mp.undo()
    return files


def _read(path) -> pd.DataFrame:
    """A demo file as text cells, below its header row (every sheet of a workbook); cells
    that a workbook holds as numbers are left out (None)."""
    if path.suffix == ".xlsx":
        book = load_workbook(str(path))
        frames = []
        for i, _ in enumerate(book.sheet_names):
            rows = book.get_sheet_by_index(i).to_python()
            head = next((r for r, row in enumerate(rows) if str(row[0]).startswith("ID ")), None)
            if head is None:
                continue
            body = [[v if isinstance(v, str) else None for v in row] for row in rows[head + 1 :]]
            frames.append(pd.DataFrame(body, columns=rows[head]))
        return pd.concat(frames, ignore_index=True)
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF16_LE):
        text = raw[2:].decode("utf-16-le").replace("\r\n", "\n")
    else:
        text = raw.decode("utf-8-sig")
    lines = text.split("\n")
    head = next(i for i, line in enumerate(lines) if line.lstrip('"').startswith("ID "))
    sep = max(",;|\t", key=lines[head].count)
    return pd.read_csv(io.StringIO("\n".join(lines[head:])), sep=sep, dtype=str, keep_default_na=False)


def _valid(nik: pd.Series) -> pd.Series:
    clean = nik.fillna("").str.strip().str.lstrip("'")
    return clean.where(clean.str.fullmatch(r"[0-9]{16}"))


@pytest.fixture(scope="module")
def chunked_frames(chunked):
    """All family, member and DTKS rows of the chunked run, as written."""
    kel = pd.concat([_read(p) for p in chunked.keluarga], ignore_index=True)
    ind = pd.concat([_read(p) for p in chunked.individu], ignore_index=True)
    dtks = pd.concat([_read(p) for p in chunked.dtks], ignore_index=True)
    return kel, ind, dtks


def test_chunking_keeps_the_totals(chunked, chunked_frames, tmp_path):
    expected = chunked.expected
    assert expected["kk_total"] == round(FULL_FAMILIES * CHUNK_SCALE)
    assert expected["kk_desil_1"] == round(FULL_D1 * CHUNK_SCALE)
    assert expected["dtks_rows"] == round(FULL_DTKS_ROWS * CHUNK_SCALE)
    # One block per kab/kota at this scale: the same plan, so the same totals.
    whole = generate(tmp_path, scale=CHUNK_SCALE).expected
    assert {k: whole[k] for k in PLAN_TOTALS} == {k: expected[k] for k in PLAN_TOTALS}

    kel, ind, dtks = (f.copy() for f in chunked_frames)
    ids = kel["ID Keluarga P3KE"]
    assert (
        len(kel)
        == expected["kk_total"]
        + expected["keluarga_dup"]
        + expected["keluarga_bad_region"]
        + expected["keluarga_bad_desil"]
    )
    counts = ids.value_counts()
    assert counts.max() == 2 and (counts == 2).sum() == expected["keluarga_dup"]  # only the planted duplicates
    regular = ind[~ind["ID Keluarga P3KE"].str.startswith("X")]
    assert len(regular) == expected["jiwa_total"] and len(dtks) == expected["dtks_rows"]

    # NIKs are unique across blocks: among members, among DTKS records, and the DTKS persons
    # outside P3KE (serial 5001 up) never carry a member's NIK.
    member_nik = _valid(regular["NIK"]).dropna()
    dtks_nik = _valid(dtks["Nik"]).dropna()
    assert member_nik.is_unique and dtks_nik.is_unique
    outside = dtks_nik[dtks_nik.str[12:].astype(int) >= gen.EXTRA_FIRST_SERIAL]
    inside = dtks_nik[dtks_nik.str[12:].astype(int) < gen.EXTRA_FIRST_SERIAL]
    assert len(outside) > 0 and not outside.isin(member_nik).any()
    assert inside.isin(member_nik).mean() > 0.97  # the rest lost their NIK in the P3KE file
    assert len(member_nik) > 0.97 * len(regular)


def test_new_variations_in_the_files(chunked):
    by_name = {p.name: p for p in chunked.all}
    raw = by_name["dtks_kota_bukittinggi.txt"].read_bytes()
    assert raw.startswith(b"\xff\xfe")
    text = raw[2:].decode("utf-16-le")
    header = text.split("\r\n", 1)[0]
    assert header.split("\t")[:4] == ["ID DTKS", "Alamat", "Nokk", "Nik"] and "Disabilitas" in header.split("\t")
    assert text.endswith("\r\n") and text.count("\n") == text.count("\r\n")
    assert by_name["p3ke_keluarga_kab_padang_pariaman.csv"].read_bytes().startswith(codecs.BOM_UTF8)
    assert not by_name["p3ke_individu_kab_padang_pariaman.csv"].read_bytes().startswith(codecs.BOM_UTF8)

    for name in ("p3ke_keluarga_kota_padang_panjang.xlsx", "p3ke_individu_kota_padang_panjang.xlsx"):
        book = load_workbook(str(by_name[name]))
        assert book.sheet_names[0] == "Keterangan"
        data = book.sheet_names[1:]
        assert data == [f"Data {i}" for i in range(1, len(data) + 1)]
        for i in range(1, len(data) + 1):
            rows = book.get_sheet_by_index(i).to_python()
            head = 0 if i > 1 else next(r for r, row in enumerate(rows) if row[0] == "ID Keluarga P3KE")
            assert rows[head][0] == "ID Keluarga P3KE"
            assert (i == 1) == rows[0][0].startswith("DATA KELUARGA P3KE")  # title rows on the first sheet only
            assert 0 < len(rows) - head - 1 <= 300
    assert len(load_workbook(str(by_name["p3ke_individu_kota_padang_panjang.xlsx"])).sheet_names) >= 3
    assert load_workbook(str(by_name["dtks_kota_solok.xlsx"])).sheet_names == ["Petunjuk", "Data"]


def _age(birth: pd.Series) -> pd.Series:
    """Completed years at the reference date."""
    ref = pd.Timestamp(config.DEMO_REFERENCE_DATE)
    later = (birth.dt.month > ref.month) | ((birth.dt.month == ref.month) & (birth.dt.day > ref.day))
    return ref.year - birth.dt.year - later.astype(int)


def _active(dtks: pd.DataFrame) -> pd.Series:
    status = dtks["Status"].fillna("")
    has_status = status != ""
    dead = dtks["keterangan_meninggal"].fillna("") != ""
    return np.where(has_status, status == "AKTIF", (dtks["is_nonaktif"].fillna("") == "false") & ~dead)


def test_disability_notes(chunked, chunked_frames):
    expected = chunked.expected
    kel, ind, dtks = (f.copy() for f in chunked_frames)
    dtks["note"] = (
        dtks["Disabilitas"]
        .fillna("")
        .where(dtks["Disabilitas"].fillna("") != "", dtks["keterangan_disabilitas"].fillna(""))
    )
    kinds = set(gen.DISABILITY_KINDS)
    assert set(dtks["note"]) == kinds | {"", "-", "TIDAK ADA"}
    noted = dtks["note"].isin(kinds)
    active = _active(dtks)
    assert (noted & active).sum() == expected["dtks_disabilitas"]
    rate = (noted & active).sum() / active.sum()
    assert 0.035 < rate < 0.055  # the module docstring: about 4.5% of DTKS records
    age = _age(pd.to_datetime(dtks["Tanggal_Lahir"], format="%Y-%m-%d"))
    assert 0.015 < noted[age < 18].mean() < 0.03
    assert 0.025 < noted[(age >= 18) & (age < 60)].mean() < 0.04
    assert 0.10 < noted[age >= 60].mean() < 0.145


def test_hand_checks_from_the_files(chunked, chunked_frames):
    """jiwa_d1_disabilitas and kk_d1_lansia_tunggal, recounted from the written files."""
    expected = chunked.expected
    kel, ind, dtks = (f.copy() for f in chunked_frames)
    kel = kel[~kel["ID Keluarga P3KE"].str.startswith("X")].drop_duplicates("ID Keluarga P3KE")
    d1_ids = set(kel.loc[kel["Desil Kesejahteraan"].str.replace("Desil ", "") == "1", "ID Keluarga P3KE"])
    assert len(d1_ids) == expected["kk_desil_1"]
    members = ind[ind["ID Keluarga P3KE"].isin(d1_ids)]

    note = (
        dtks["Disabilitas"]
        .fillna("")
        .where(dtks["Disabilitas"].fillna("") != "", dtks["keterangan_disabilitas"].fillna(""))
    )
    disabled_nik = set(_valid(dtks["Nik"])[_active(dtks) & note.str.startswith("DISABILITAS")].dropna())
    member_nik = set(_valid(members["NIK"]).dropna())
    assert len(member_nik & disabled_nik) == expected["jiwa_d1_disabilitas"] > 0

    one = members.groupby("ID Keluarga P3KE").filter(lambda g: len(g) == 1)
    birth = pd.to_datetime(one["Tanggal Lahir"], format="%Y-%m-%d", errors="coerce").fillna(
        pd.to_datetime(one["Tanggal Lahir"], format="%d-%m-%Y", errors="coerce")
    )  # Kota Pariaman: day first
    assert birth.notna().all()
    age = _age(birth)
    assert (age >= 60).sum() == expected["kk_d1_lansia_tunggal"] > 0
