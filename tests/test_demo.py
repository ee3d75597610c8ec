"""The demo generator: seeded, calibrated to the province facts, messy, and fully accounted for;
two releases of the same families (the built demo: tests/test_demo_releases.py)."""

import codecs
import hashlib
import io

import numpy as np
import pandas as pd
import pytest
from python_calamine import load_workbook

import etl.demo as gen
from etl import config
from etl.demo import FULL_D1, FULL_DTKS_ROWS, FULL_FAMILIES, generate


def test_release_a_is_six_months_before_b():
    assert gen.release_a_date("2023-08-22") == "2023-02-22"
    assert gen.release_a_date("2023-08-31") == "2023-02-28"  # the month's last day
    assert gen.release_a_date("2024-08-31") == "2024-02-29"
    assert gen.release_a_date("2024-03-15") == "2023-09-15"


def _frame(path) -> pd.DataFrame:
    """A demo csv below its title rows, every cell as text."""
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    head = next(i for i, line in enumerate(lines) if line.lstrip('"').startswith("ID "))
    return pd.read_csv(io.StringIO("\n".join(lines[head:])), dtype=str, keep_default_na=False)


def test_release_b_is_what_generate_writes(tmp_path):
    """`generate` writes release B alone: the same bytes as the pair's B, but for the code
    of the renamed nagari, which only the pair's B carries."""
    single = generate(tmp_path / "b", scale=0.003, seed=7)
    pair = gen.generate_releases(tmp_path / "pair", scale=0.003, seed=7)
    (change,) = pair.transisi["ganti_kode"]
    old, new = change["kode_lama"], change["kode_baru"]
    assert old.startswith(gen.RENAME_KAB + ".") and old[:8] == new[:8] and old != new
    mine = {p.name: p for p in single.all}
    assert sorted(mine) == sorted(p.name for p in pair.b.all)
    changed = {p.name for p in pair.b.all if p.read_bytes() != mine[p.name].read_bytes()}
    assert changed == {"p3ke_keluarga_kab_agam.csv", "p3ke_individu_kab_agam.csv"}
    for name in sorted(changed):
        a, b = _frame(mine[name]), _frame(pair.b.folder / name)
        moved = b["Kode Kemdagri"] != a["Kode Kemdagri"]
        assert moved.any()
        assert a.loc[moved, "Kode Kemdagri"].isin([old, old.replace(".", "")]).all()
        assert (b.loc[moved, "Kode Kemdagri"].str.replace(".", "") == new.replace(".", "")).all()
        assert a.drop(columns="Kode Kemdagri").equals(b.drop(columns="Kode Kemdagri"))
    assert single.expected == pair.b.expected
    assert single.reference_date == pair.b.reference_date == config.DEMO_REFERENCE_DATE


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
