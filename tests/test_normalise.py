"""Value rules of etl.normalise, each case checkable by eye."""

import datetime as dt

import pytest

from etl.normalise import connect


@pytest.fixture(scope="module")
def con():
    return connect()


def one(con, expr, value):
    return con.execute(f"SELECT {expr} FROM (SELECT ?::VARCHAR AS x)", [value]).fetchall()[0][0]


@pytest.mark.parametrize(
    "raw, status",
    [
        ("1306014101800001", "valid"),
        ("'1306014101800001", "valid"),  # Excel's text marker
        (" 1306 0141 0180 0001 ", "valid"),
        ("1.30601E+15", "angka"),  # a number, written in scientific notation
        ("1306014101800000.0", "angka"),
        ("130601410180000", "panjang_salah"),
        ("13060141018000011", "panjang_salah"),
        ("13060141018O0001", "bukan_digit"),
        ("0000000000000000", "nol"),
        ("", "kosong"),
        (None, "kosong"),
    ],
)
def test_nik_status(con, raw, status):
    assert one(con, "k_nik_status(k_nik_clean(x), false)", raw) == status


def test_a_numeric_cell_is_never_a_valid_nik(con):
    assert one(con, "k_nik_status(k_nik_clean(x), true)", "1306014101800001") == "angka"


@pytest.mark.parametrize(
    "raw, kode",
    [
        ("1306012001", "13.06.01.2001"),
        ("13.06.01.2001", "13.06.01.2001"),
        (" '1306012001", "13.06.01.2001"),
        ("1306012001.0", "13.06.01.2001"),
        ("1.306012001E+09", "13.06.01.2001"),
        ("13060120", None),
        ("13.06.01", None),
        ("", None),
    ],
)
def test_kode_desa(con, raw, kode):
    assert one(con, "k_kode_desa(x)", raw) == kode


@pytest.mark.parametrize(
    "raw, desil",
    [("1", 1), ("Desil 1", 1), ("DESIL 4", 4), ("2.0", 2), ("desil3", 3), ("5", None), ("Desil 0", None), ("", None)],
)
def test_desil(con, raw, desil):
    assert one(con, "k_desil(k_up(x))", raw) == desil


@pytest.mark.parametrize(
    "raw, flag",
    [("Ya", True), ("YA", True), ("1", True), ("y", True), ("Tidak", False), ("0", False), ("", False), (None, False)],
)
def test_flags(con, raw, flag):
    assert one(con, "k_any_flag([x])", raw) is flag


@pytest.mark.parametrize(
    "raw, age",
    [
        ("1985-08-22", 38),  # birthday on the reference date counts
        ("1985-08-23", 37),  # birthday tomorrow
        ("23-08-1985", 37),
        ("22/08/1985", 38),
        ("1985-08-22 00:00:00", 38),
        ("31123", 38),  # Excel serial day number of 1985-03-17
        ("2024-01-01", None),  # born after the reference date: unusable
        ("kemarin", None),
    ],
)
def test_age_at_reference_date(con, raw, age):
    assert one(con, "k_age(k_date(k_trim(x)), DATE '2023-08-22')", raw) == age


def test_mask_nik_keeps_first_six_and_last_four(con):
    assert one(con, "mask_nik(x)", "1306014101800001") == "130601******0001"
    assert one(con, "mask_nik(x)", "12345") == "*****"


def test_reference_date_is_required_for_members():
    from etl.normalise import row_sql

    assert "DATE '2023-08-22'" in row_sql("individu", dt.date(2023, 8, 22))
    with pytest.raises(ValueError):
        row_sql("individu")
