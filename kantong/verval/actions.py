"""Lists to act on after the field verification, as xlsx:

* families proposed into DTKS, with what an operator needs to enter them in SIKS-NG
  (region code, NIK, name, address, and every member's NIK, name, sex, birth date and
  relationship); P3KE carries no No. KK, so that column is left for the operator;
* families per need, one sheet per need with the agency that can help, to forward.

Pure builders: the families (kantong.families columns) and their latest results
(ResultStore.results) in, bytes out. NIK masked unless the caller may and asked.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import xlsxwriter

from kantong import fmt
from kantong.access import mask_nik
from kantong.verval import choices
from kantong.verval.lists import _print_setup, _styles

USULAN = "usulan_dtks"
KEBUTUHAN = "kebutuhan"
KINDS = {USULAN: "Usulan masuk DTKS (untuk SIKS-NG)", KEBUTUHAN: "Keluarga per kebutuhan (untuk dinas terkait)"}
SEX = {"L": "Laki-laki", "P": "Perempuan"}


def eligible(results: pd.DataFrame) -> pd.DataFrame:
    return results[(results["keberadaan"] == "ditemukan") & (results["kelayakan"] == "layak")]


def proposed(results: pd.DataFrame) -> pd.DataFrame:
    """Eligible families the field proposed into DTKS."""
    chosen = eligible(results)
    return chosen[chosen["usulan_dtks"] == "ya"]


def needs_of(row) -> list[str]:
    """A family's needs, main first, each once."""
    others = row["kebutuhan_lain"] if isinstance(row["kebutuhan_lain"], (list, tuple)) else []
    return list(dict.fromkeys([n for n in [row["kebutuhan_utama"], *others] if isinstance(n, str) and n]))


def _text(value) -> str:
    """A cell's text: empty for a missing value (None, NaN, NA)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _nik(value, show_nik: bool) -> str:
    if not isinstance(value, str) or not value:
        return ""
    return value if show_nik else mask_nik(value)


def _write_table(sheet, row: int, headers: list[str], rows: list[list], s: dict, widths: list[int]) -> int:
    for col, (head, width) in enumerate(zip(headers, widths)):
        sheet.write(row, col, head, s["head"])
        sheet.set_column(col, col, width)
    for r, values in enumerate(rows, start=row + 1):
        for col, value in enumerate(values):
            sheet.write(r, col, value, s["number"] if isinstance(value, int) else s["cell"])
    sheet.freeze_panes(row + 1, 0)
    sheet.autofilter(row, 0, row + max(len(rows), 1), len(headers) - 1)
    return row + len(rows) + 1


def _title(sheet, s: dict, title: str, lines: list[str]) -> int:
    sheet.write(0, 0, title, s["title"])
    for i, line in enumerate(lines, start=1):
        sheet.write(i, 0, line, s["note"])
    return len(lines) + 2


def _place(snapshot, kode: str) -> tuple[str, str, str]:
    if not snapshot.has(kode):
        return kode, "", ""
    r = snapshot.region(kode)
    return str(r["nama"]), str(r.get("nama_kecamatan") or ""), str(r.get("nama_kabkota") or "")


def usulan_xlsx(
    snapshot, results: pd.DataFrame, keluarga: pd.DataFrame, anggota: pd.DataFrame, show_nik: bool, made: str
) -> bytes:
    """Families proposed into DTKS: one row per family, and their members on a second sheet."""
    chosen = proposed(results).merge(keluarga, on=["id_keluarga", "kode_desa"], how="left", suffixes=("", "_p3ke"))
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    s = _styles(book)
    nik_note = "NIK lengkap" if show_nik else "NIK disamarkan (6 digit awal dan 4 digit akhir)"
    sheet = book.add_worksheet("Keluarga")
    start = _title(
        sheet,
        s,
        "Usulan Masuk DTKS dari Verifikasi Lapangan",
        [
            f"Keluarga desil 1 yang ditemukan, dinilai layak dan diusulkan masuk DTKS; {made}. {nik_note}.",
            "Untuk entri usulan di SIKS-NG. No. KK tidak ada di P3KE: isi dari KK keluarga saat entri.",
        ],
    )
    rows = []
    for i, f in enumerate(chosen.itertuples(index=False), start=1):
        desa, kec, kab = _place(snapshot, f.kode_desa)
        rows.append(
            [
                i,
                f.kode_desa,
                desa,
                kec,
                kab,
                f.id_keluarga,
                _text(f.nama_kepala),
                _nik(f.nik_kepala, show_nik),
                "",
                _text(f.alamat),
                int(f.jiwa) if pd.notna(f.jiwa) else 0,
                _text(f.keterangan),
            ]
        )
    headers = ["No", "Kode wilayah", "Nagari/desa", "Kecamatan", "Kab/kota", "ID Keluarga P3KE", "Nama kepala keluarga"]
    headers += ["NIK kepala keluarga", "No. KK", "Alamat", "Jumlah jiwa", "Keterangan lapangan"]
    end = _write_table(sheet, start, headers, rows, s, [5, 15, 20, 18, 22, 18, 26, 20, 18, 30, 8, 30])
    sheet.write(end + 1, 0, f"Jumlah: {fmt.angka(len(rows))} keluarga", s["bold"])
    _print_setup(sheet, start, "Usulan masuk DTKS")
    members = anggota[anggota["id_keluarga"].isin(chosen["id_keluarga"])]
    sheet = book.add_worksheet("Anggota")
    start = _title(sheet, s, "Anggota Keluarga yang Diusulkan", [nik_note + "."])
    rows = [
        [
            m.id_keluarga,
            _nik(m.nik, show_nik),
            _text(m.nama),
            SEX.get(m.jenis_kelamin, ""),
            fmt.tanggal(m.tanggal_lahir) if pd.notna(m.tanggal_lahir) else "",
            _text(m.hubungan),
        ]
        for m in members.itertuples(index=False)
    ]
    headers = ["ID Keluarga P3KE", "NIK", "Nama", "Jenis kelamin", "Tanggal lahir", "Hubungan dengan kepala keluarga"]
    _write_table(sheet, start, headers, rows, s, [18, 20, 28, 14, 18, 28])
    _print_setup(sheet, start, "Anggota keluarga yang diusulkan")
    book.close()
    return out.getvalue()


def needs_xlsx(snapshot, results: pd.DataFrame, keluarga: pd.DataFrame, show_nik: bool, made: str) -> bytes:
    """Eligible families per need: a summary, then one sheet per need with its agency."""
    chosen = eligible(results).merge(keluarga, on=["id_keluarga", "kode_desa"], how="left", suffixes=("", "_p3ke"))
    labels = {c.kode: c.label for c in choices.NEEDS}
    per_need: dict[str, list] = {c.kode: [] for c in choices.NEEDS}
    for f in chosen.to_dict("records"):
        needs = needs_of(f)
        for need in needs:
            per_need[need].append((f, "utama" if need == needs[0] and f["kebutuhan_utama"] == need else "lain"))
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    s = _styles(book)
    summary = book.add_worksheet("Ringkasan")
    start = _title(
        summary,
        s,
        "Kebutuhan Keluarga Miskin Ekstrem Hasil Asesmen",
        [
            f"Keluarga yang ditemukan dan dinilai layak, per kebutuhan (utama atau lain); {made}.",
            "Setiap lembar berikut memuat keluarga dengan satu kebutuhan, untuk diteruskan ke dinas terkait.",
        ],
    )
    rows = [
        [labels[k], choices.AGENCY[k], len(v), sum(1 for _, how in v if how == "utama")] for k, v in per_need.items()
    ]
    _write_table(
        summary, start, ["Kebutuhan", "Dinas/lembaga", "Keluarga", "Sebagai kebutuhan utama"], rows, s, [26, 32, 10, 12]
    )
    nik_note = "NIK lengkap" if show_nik else "NIK disamarkan"
    for kode, families in per_need.items():
        sheet = book.add_worksheet(labels[kode].replace("/", " & ")[:31])
        start = _title(sheet, s, f"{labels[kode]}: untuk {choices.AGENCY[kode]}", [f"{made}. {nik_note}."])
        rows = []
        for i, (f, how) in enumerate(families, start=1):
            desa, kec, kab = _place(snapshot, f["kode_desa"])
            rows.append(
                [
                    i,
                    f["kode_desa"],
                    desa,
                    kec,
                    kab,
                    f["id_keluarga"],
                    _text(f.get("nama_kepala")),
                    _nik(f.get("nik_kepala"), show_nik),
                    _text(f.get("alamat")),
                    how,
                    _text(f.get("keterangan")),
                ]
            )
        headers = ["No", "Kode wilayah", "Nagari/desa", "Kecamatan", "Kab/kota", "ID Keluarga P3KE"]
        headers += ["Nama kepala keluarga", "NIK kepala keluarga", "Alamat", "Kebutuhan", "Keterangan lapangan"]
        _write_table(sheet, start, headers, rows, s, [5, 15, 20, 18, 22, 18, 26, 20, 30, 10, 30])
        _print_setup(sheet, start, labels[kode])
    book.close()
    return out.getvalue()


def file_name(kind: str, wilayah: str, today: dt.date) -> str:
    stem = "usulan-dtks" if kind == USULAN else "kebutuhan"
    return f"{stem}_{wilayah}_{today.isoformat()}.xlsx"
