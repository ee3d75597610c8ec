"""The indicator registry: one definition for the ETL, the map, the tables and the exports.

`docs/indikator.md` is generated from it (`python -m etl.indicators`). A count indicator is computed in
the ETL as the number of families matching `filter` (or the sum of a member-count column
over them, `jumlah_dari`); a rate is `pembilang / penyebut × 100`, empty when the
denominator is 0. Kecamatan, kab/kota and province values are sums over their desa; rates
are recomputed from those sums, never averaged.
"""

from __future__ import annotations

from dataclasses import dataclass

CATALOGUE_VERSION = 2  # 2: disability and elderly living alone

JUMLAH = "jumlah"
PERSEN = "persen"


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    label_pendek: str
    satuan: str  # "KK", "jiwa" or "%"
    kelompok: str
    definisi: str
    filter: str | None = None  # SQL over the family table (see etl.match.FAMILY_COLUMNS)
    jumlah_dari: str | None = None  # member-count column to sum instead of counting families
    pembilang: str | None = None
    penyebut: str | None = None
    # +1: a higher value is worse (more need); the map colours need darker.
    arah: int = 1
    # A criterion of the priority score (a need among desil-1 families that can be weighted).
    kriteria: bool = False
    # The section of the profile's comparison table the indicator appears in, if any.
    profil: str | None = None
    # A figure shown beside this one where space is short (deck and presentation tiles).
    pendamping: str | None = None
    # Where the value comes from: "p3ke" (counted by the ETL from the registers) or "verval"
    # (counted by the app from the field verification results imported since).
    sumber: str = "p3ke"

    @property
    def jenis(self) -> str:
        return PERSEN if self.pembilang else JUMLAH

    @property
    def is_rate(self) -> bool:
        return self.jenis == PERSEN

    @property
    def desimal(self) -> int:
        """Decimals shown: rates to one place, counts whole."""
        return 1 if self.is_rate else 0

    @property
    def penyebut_banding(self) -> str | None:
        """What a count of desil-1 families or members is a share of, in comparisons."""
        if self.is_rate or self.id in ("kk_desil_1", "jiwa_desil_1") or not (self.filter or "").startswith("desil = 1"):
            return None
        return "jiwa_desil_1" if self.satuan == "jiwa" else "kk_desil_1"


_K = "Kemiskinan ekstrem"
_D = "DTKS dan bansos"
_R = "Kelompok rentan"
_H = "Rumah, air dan sanitasi"
# Sections of the profile's comparison table.
_PB = "Bansos reguler"
_PR = "Kelompok rentan"
_PH = "Rumah, air, sanitasi, stunting"

# P3KE has no disability column: only members found in DTKS (valid NIK, active record) can
# be counted, so these figures are a lower bound.
DISABILITAS_CATATAN = (
    "Hanya anggota yang ditemukan di DTKS (NIK valid, data aktif) yang dapat dihitung, karena "
    "P3KE tidak memuat data disabilitas; angka ini batas bawah."
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "kk_total",
        "Keluarga P3KE (desil 1–4)",
        "KK P3KE",
        "KK",
        _K,
        "Keluarga dalam P3KE, desil 1 sampai 4; ID keluarga berulang dihitung sekali.",
        filter="true",
    ),
    Indicator(
        "kk_desil_1",
        "Keluarga desil 1 (miskin ekstrem)",
        "KK desil 1",
        "KK",
        _K,
        "Keluarga P3KE dengan Desil Kesejahteraan = 1.",
        filter="desil = 1",
        kriteria=True,
        pendamping="jiwa_desil_1",
    ),
    Indicator("kk_desil_2", "Keluarga desil 2", "KK desil 2", "KK", _K, "Keluarga P3KE desil 2.", filter="desil = 2"),
    Indicator("kk_desil_3", "Keluarga desil 3", "KK desil 3", "KK", _K, "Keluarga P3KE desil 3.", filter="desil = 3"),
    Indicator("kk_desil_4", "Keluarga desil 4", "KK desil 4", "KK", _K, "Keluarga P3KE desil 4.", filter="desil = 4"),
    Indicator(
        "jiwa_total",
        "Jiwa P3KE (semua desil)",
        "Jiwa P3KE",
        "jiwa",
        _K,
        "Anggota keluarga P3KE pada berkas individu, semua desil.",
        filter="true",
        jumlah_dari="jiwa",
    ),
    Indicator(
        "jiwa_desil_1",
        "Jiwa dalam keluarga desil 1",
        "Jiwa desil 1",
        "jiwa",
        _K,
        "Anggota keluarga desil 1.",
        filter="desil = 1",
        jumlah_dari="jiwa",
    ),
    Indicator(
        "kk_d1_dtks",
        "KK desil 1 terdaftar di DTKS",
        "KK D1 di DTKS",
        "KK",
        _D,
        "Keluarga desil 1 yang minimal satu NIK anggotanya (valid) tercatat aktif di DTKS.",
        filter="desil = 1 AND di_dtks",
        arah=-1,
    ),
    Indicator(
        "kk_d1_non_dtks",
        "KK desil 1 belum masuk DTKS (exclusion error)",
        "KK D1 non-DTKS",
        "KK",
        _D,
        "Keluarga desil 1 yang tidak satu pun NIK anggotanya tercatat aktif di DTKS (kk_desil_1 − kk_d1_dtks).",
        filter="desil = 1 AND NOT di_dtks",
        kriteria=True,
    ),
    Indicator(
        "kk_d1_bansos",
        "KK desil 1 penerima bansos reguler",
        "KK D1 bansos",
        "KK",
        _D,
        "Keluarga desil 1 yang menerima minimal satu bansos reguler (PKH, Sembako/BPNT, PBI-JK), "
        "menurut P3KE atau DTKS.",
        filter="desil = 1 AND bansos",
        arah=-1,
        profil=_PB,
    ),
    Indicator(
        "kk_d1_dtks_tanpa_bansos",
        "KK desil 1 di DTKS tanpa bansos",
        "KK D1 DTKS tanpa bansos",
        "KK",
        _D,
        "Keluarga desil 1 yang terdaftar di DTKS tetapi tidak menerima bansos reguler.",
        filter="desil = 1 AND di_dtks AND NOT bansos",
        kriteria=True,
    ),
    Indicator(
        "kk_d1_pkh",
        "KK desil 1 penerima PKH",
        "KK D1 PKH",
        "KK",
        _D,
        "Keluarga desil 1 penerima PKH (tanda P3KE atau DTKS).",
        filter="desil = 1 AND pkh",
        arah=-1,
        profil=_PB,
    ),
    Indicator(
        "kk_d1_sembako",
        "KK desil 1 penerima Sembako/BPNT",
        "KK D1 Sembako",
        "KK",
        _D,
        "Keluarga desil 1 penerima Sembako/BPNT (tanda P3KE atau DTKS).",
        filter="desil = 1 AND sembako",
        arah=-1,
        profil=_PB,
    ),
    Indicator(
        "kk_d1_pbi",
        "KK desil 1 dengan anggota PBI-JK",
        "KK D1 PBI-JK",
        "KK",
        _D,
        "Keluarga desil 1 yang minimal satu anggotanya peserta PBI-JK (DTKS).",
        filter="desil = 1 AND pbi",
        arah=-1,
        profil=_PB,
    ),
    Indicator(
        "pct_d1_non_dtks",
        "Persentase KK desil 1 belum masuk DTKS",
        "% D1 non-DTKS",
        "%",
        _D,
        "kk_d1_non_dtks ÷ kk_desil_1 × 100.",
        pembilang="kk_d1_non_dtks",
        penyebut="kk_desil_1",
        kriteria=True,
    ),
    Indicator(
        "pct_d1_dtks_tanpa_bansos",
        "Persentase KK desil 1 di DTKS tanpa bansos",
        "% D1 DTKS tanpa bansos",
        "%",
        _D,
        "kk_d1_dtks_tanpa_bansos ÷ kk_desil_1 × 100.",
        pembilang="kk_d1_dtks_tanpa_bansos",
        penyebut="kk_desil_1",
        kriteria=True,
    ),
    Indicator(
        "pct_d1_bansos",
        "Cakupan bansos reguler KK desil 1",
        "% D1 bansos",
        "%",
        _D,
        "kk_d1_bansos ÷ kk_desil_1 × 100.",
        pembilang="kk_d1_bansos",
        penyebut="kk_desil_1",
        arah=-1,
        kriteria=True,
    ),
    Indicator(
        "jiwa_d1_balita",
        "Balita dalam keluarga desil 1",
        "Balita D1",
        "jiwa",
        _R,
        "Anggota keluarga desil 1 berusia di bawah 5 tahun pada tanggal referensi.",
        filter="desil = 1",
        jumlah_dari="balita",
        kriteria=True,
        profil=_PR,
    ),
    Indicator(
        "jiwa_d1_anak",
        "Anak dalam keluarga desil 1",
        "Anak D1",
        "jiwa",
        _R,
        "Anggota keluarga desil 1 berusia di bawah 18 tahun.",
        filter="desil = 1",
        jumlah_dari="anak",
        kriteria=True,
        profil=_PR,
    ),
    Indicator(
        "jiwa_d1_lansia",
        "Lansia dalam keluarga desil 1",
        "Lansia D1",
        "jiwa",
        _R,
        "Anggota keluarga desil 1 berusia 60 tahun atau lebih.",
        filter="desil = 1",
        jumlah_dari="lansia",
        kriteria=True,
        profil=_PR,
    ),
    Indicator(
        "kk_d1_lansia_tunggal",
        "KK desil 1 lansia tinggal sendiri",
        "KK D1 lansia sendiri",
        "KK",
        _R,
        "Keluarga desil 1 yang anggotanya hanya satu orang, berusia 60 tahun atau lebih pada tanggal "
        "referensi (lansia yang hidup sendiri; sasaran rehabilitasi sosial).",
        filter="desil = 1 AND lansia_tunggal",
        kriteria=True,
        profil=_PR,
    ),
    Indicator(
        "jiwa_d1_disabilitas",
        "Penyandang disabilitas dalam keluarga desil 1 (tercatat di DTKS)",
        "Disabilitas D1",
        "jiwa",
        _R,
        "Anggota keluarga desil 1 yang data DTKS aktifnya mencatat disabilitas (kolom keterangan disabilitas). "
        + DISABILITAS_CATATAN,
        filter="desil = 1",
        jumlah_dari="disabilitas",
        kriteria=True,
        profil=_PR,
    ),
    Indicator(
        "kk_d1_disabilitas",
        "KK desil 1 dengan anggota penyandang disabilitas (tercatat di DTKS)",
        "KK D1 disabilitas",
        "KK",
        _R,
        "Keluarga desil 1 yang minimal satu anggotanya tercatat penyandang disabilitas di DTKS. " + DISABILITAS_CATATAN,
        filter="desil = 1 AND disabilitas > 0",
        kriteria=True,
        profil=_PR,
    ),
    Indicator(
        "pct_jiwa_d1_disabilitas",
        "Persentase jiwa desil 1 penyandang disabilitas (tercatat di DTKS)",
        "% jiwa D1 disabilitas",
        "%",
        _R,
        "jiwa_d1_disabilitas ÷ jiwa_desil_1 × 100. " + DISABILITAS_CATATAN,
        pembilang="jiwa_d1_disabilitas",
        penyebut="jiwa_desil_1",
    ),
    Indicator(
        "pct_kk_d1_disabilitas",
        "Persentase KK desil 1 dengan anggota penyandang disabilitas",
        "% KK D1 disabilitas",
        "%",
        _R,
        "kk_d1_disabilitas ÷ kk_desil_1 × 100. " + DISABILITAS_CATATAN,
        pembilang="kk_d1_disabilitas",
        penyebut="kk_desil_1",
    ),
    Indicator(
        "kk_d1_kepala_perempuan",
        "KK desil 1 dengan kepala keluarga perempuan",
        "KK D1 kepala perempuan",
        "KK",
        _R,
        "Keluarga desil 1 yang kepala keluarganya perempuan.",
        filter="desil = 1 AND kepala_perempuan",
        kriteria=True,
        profil=_PR,
    ),
    Indicator(
        "kk_d1_lantai_tanah",
        "KK desil 1 berlantai tanah",
        "KK D1 lantai tanah",
        "KK",
        _H,
        "Keluarga desil 1 dengan Jenis Lantai = TANAH.",
        filter="desil = 1 AND lantai_tanah",
        profil=_PH,
    ),
    Indicator(
        "kk_d1_rumah_tidak_layak",
        "KK desil 1 dengan rumah tidak layak",
        "KK D1 rumah tidak layak",
        "KK",
        _H,
        "Keluarga desil 1 berlantai tanah, atau kualitas atap, dinding atau lantai JELEK/KUALITAS RENDAH.",
        filter="desil = 1 AND rumah_tidak_layak",
        kriteria=True,
        profil=_PH,
    ),
    Indicator(
        "kk_d1_air_tidak_layak",
        "KK desil 1 tanpa air minum layak",
        "KK D1 air tidak layak",
        "KK",
        _H,
        "Keluarga desil 1 yang sumber air minumnya sumur tidak terlindung, air permukaan atau lainnya.",
        filter="desil = 1 AND air_tidak_layak",
        kriteria=True,
        profil=_PH,
    ),
    Indicator(
        "kk_d1_tanpa_jamban",
        "KK desil 1 tanpa jamban",
        "KK D1 tanpa jamban",
        "KK",
        _H,
        "Keluarga desil 1 yang fasilitas buang air besarnya bukan milik sendiri maupun umum/bersama.",
        filter="desil = 1 AND tanpa_jamban",
        kriteria=True,
        profil=_PH,
    ),
    Indicator(
        "kk_d1_risiko_stunting",
        "KK desil 1 berisiko stunting",
        "KK D1 risiko stunting",
        "KK",
        _H,
        "Keluarga desil 1 dengan Resiko Stunting = BERESIKO STUNTING.",
        filter="desil = 1 AND risiko_stunting",
        kriteria=True,
        profil=_PH,
    ),
)

_V = "Hasil verval & asesmen"
_VERVAL_NOTE = "Dari hasil verifikasi lapangan yang diimpor (bukan dari P3KE/DTKS)."


def _need(kode: str, label: str) -> Indicator:
    return Indicator(
        f"kk_butuh_{kode}",
        f"KK membutuhkan {label[0].lower() + label[1:]}",
        f"KK butuh {label.split('/')[0].lower()}",
        "KK",
        _V,
        f"Keluarga terverifikasi layak yang menyebut {label.lower()} sebagai kebutuhan utama atau kebutuhan lain. "
        + _VERVAL_NOTE,
        profil=_V,
        sumber="verval",
    )


# Counted from the field verification results (kantong/verval), at every level, like the
# P3KE counts: kecamatan and above are sums over their nagari.
VERVAL: tuple[Indicator, ...] = (
    Indicator(
        "kk_verval",
        "KK terverifikasi di lapangan",
        "KK terverifikasi",
        "KK",
        _V,
        "Keluarga yang hasil verifikasi lapangannya sudah diimpor (jawaban terbaru per keluarga). " + _VERVAL_NOTE,
        profil=_V,
        sumber="verval",
    ),
    Indicator(
        "kk_verval_ditemukan",
        "KK ditemukan saat verifikasi",
        "KK ditemukan",
        "KK",
        _V,
        "Keluarga terverifikasi dengan keberadaan = ditemukan. " + _VERVAL_NOTE,
        profil=_V,
        sumber="verval",
    ),
    Indicator(
        "kk_verval_tidak_ditemukan",
        "KK tidak ditemukan saat verifikasi",
        "KK tidak ditemukan",
        "KK",
        _V,
        "Keluarga terverifikasi dengan keberadaan = tidak ditemukan. " + _VERVAL_NOTE,
        profil=_V,
        sumber="verval",
    ),
    Indicator(
        "kk_verval_pindah",
        "KK pindah",
        "KK pindah",
        "KK",
        _V,
        "Keluarga terverifikasi dengan keberadaan = pindah. " + _VERVAL_NOTE,
        profil=_V,
        sumber="verval",
    ),
    Indicator(
        "kk_verval_meninggal",
        "KK meninggal (kepala keluarga tunggal)",
        "KK meninggal",
        "KK",
        _V,
        "Keluarga terverifikasi dengan keberadaan = meninggal. " + _VERVAL_NOTE,
        profil=_V,
        sumber="verval",
    ),
    Indicator(
        "kk_verval_ganda",
        "KK data ganda",
        "KK ganda",
        "KK",
        _V,
        "Keluarga terverifikasi dengan keberadaan = ganda (tercatat dua kali). " + _VERVAL_NOTE,
        profil=_V,
        sumber="verval",
    ),
    Indicator(
        "kk_verval_layak",
        "KK layak sebagai miskin ekstrem",
        "KK layak",
        "KK",
        _V,
        "Keluarga terverifikasi yang ditemukan dan dinilai layak. " + _VERVAL_NOTE,
        profil=_V,
        sumber="verval",
    ),
    Indicator(
        "pct_verval_layak",
        "% KK layak dari yang ditemukan",
        "% layak",
        "%",
        _V,
        "KK layak / KK ditemukan saat verifikasi × 100. " + _VERVAL_NOTE,
        pembilang="kk_verval_layak",
        penyebut="kk_verval_ditemukan",
        sumber="verval",
    ),
    Indicator(
        "kk_usul_dtks",
        "KK diusulkan masuk DTKS",
        "KK usul DTKS",
        "KK",
        _V,
        "Keluarga terverifikasi layak yang diusulkan masuk DTKS (untuk dientri di SIKS-NG). " + _VERVAL_NOTE,
        profil=_V,
        sumber="verval",
    ),
    _need("bibit_ternak", "Bibit ternak"),
    _need("pertanian", "Pertanian/saprodi"),
    _need("modal_usaha", "Modal usaha"),
    _need("perikanan", "Perikanan"),
    _need("pendidikan", "KIP/bantuan pendidikan"),
    _need("lainnya", "Kebutuhan lainnya"),
)
# Everything the app shows: the P3KE indicators (what the ETL counts: INDICATORS, IDS,
# JUMLAH_IDS, PERSEN_IDS) and the verification results.
CATALOGUE: tuple[Indicator, ...] = INDICATORS + VERVAL
CATALOGUE_IDS = tuple(i.id for i in CATALOGUE)
VERVAL_IDS = tuple(i.id for i in VERVAL)
VERVAL_JUMLAH_IDS = tuple(i.id for i in VERVAL if i.jenis == JUMLAH)

BY_ID = {i.id: i for i in CATALOGUE}
IDS = tuple(i.id for i in INDICATORS)
JUMLAH_IDS = tuple(i.id for i in INDICATORS if i.jenis == JUMLAH)
PERSEN_IDS = tuple(i.id for i in INDICATORS if i.jenis == PERSEN)
# The priority score's criteria, and the profile's comparison sections in registry order.
KRITERIA = tuple(i.id for i in INDICATORS if i.kriteria)
PROFIL = {
    section: tuple(i.id for i in CATALOGUE if i.profil == section)
    for section in dict.fromkeys(i.profil for i in CATALOGUE if i.profil)
}


def get(indikator: str) -> Indicator:
    return BY_ID[indikator]


def rate_of(indikator: str) -> Indicator | None:
    """The rate whose numerator is this count (kk_d1_non_dtks -> pct_d1_non_dtks), if any."""
    return next((i for i in CATALOGUE if i.pembilang == indikator), None)


def count_sql() -> str:
    """SELECT list computing every count indicator from the family table, grouped by region."""
    parts = []
    for ind in INDICATORS:
        if ind.jenis != JUMLAH:
            continue
        if ind.jumlah_dari:
            parts.append(f"CAST(coalesce(sum({ind.jumlah_dari}) FILTER (WHERE {ind.filter}), 0) AS BIGINT) AS {ind.id}")
        else:
            parts.append(f"CAST(count(*) FILTER (WHERE {ind.filter}) AS BIGINT) AS {ind.id}")
    return ",\n".join(parts)


def add_rates(frame, catalogue: tuple[Indicator, ...] = INDICATORS):
    """Compute every rate column of a pandas frame of counts (NaN where the denominator is 0)."""
    for ind in catalogue:
        if ind.jenis == PERSEN:
            den = frame[ind.penyebut].astype("float64")
            frame[ind.id] = (frame[ind.pembilang].astype("float64") * 100.0 / den).where(den > 0)
    return frame


# ----------------------------------------------------------------------------- the catalogue document

_TERMS = """Terms:
- **family (KK)**: one P3KE family, identified by `ID Keluarga P3KE`; a repeated ID counts once.
- **D1 family**: a family with `Desil Kesejahteraan` = 1 (the extreme-poor group, "miskin ekstrem").
- **member (jiwa)**: a person in the P3KE individual file, linked to a family by `ID Keluarga P3KE`.
  The head's NIK from the family file counts as a member NIK too.
- **valid NIK**: exactly 16 digits after removing spaces and a leading apostrophe, not all zeros,
  and stored as text. A NIK that arrives as a number (a numeric Excel cell, or scientific
  notation in a CSV) is invalid: Excel keeps only 15 significant digits. Only valid NIKs are
  ever matched; invalid ones are counted and reported.
- **in DTKS**: at least one valid member NIK of the family is present in the DTKS extract as an
  active record (a record flagged non-active, deceased or `is_nonaktif` does not count).
- **regular bansos** (bansos reguler Kemensos): PKH, Sembako/BPNT, PBI-JK, from the P3KE family
  flags or any member's active DTKS record.
- **disability**: a member's active DTKS record carries a disability note
  (`keterangan_disabilitas`, `Disabilitas`, …; "-", "TIDAK ADA" and the like mean none). P3KE
  has no disability column, so only members found in DTKS can be counted: a lower bound.
- **age**: whole years at the snapshot's reference date, from `Tanggal Lahir`; when that is
  missing or unparseable, the release's age column (`Usia 2023`, …) is used.
- **verification result** (*hasil verval & asesmen*): the answers recorded for a family on a
  field verification list and imported into the app (`python -m kantong verval impor` or the
  Verval page); when a family was answered more than once, the latest submission counts.
  These indicators change with every import, not with a data release.
- **region**: the family's nagari/desa/kelurahan from `Kode Kemdagri` (dotted form
  `13.06.01.2001`). Kecamatan, kab/kota and province values are sums over their desa; rates
  are recomputed from those sums, never averaged.
"""


def catalogue_markdown() -> str:
    """docs/indikator.md, generated from the registry (a test keeps the file current)."""
    lines = [
        f"# Indicator catalogue (v{CATALOGUE_VERSION})",
        "",
        "Generated from `etl/indicators.py` by `python -m etl.indicators`; do not edit by hand. One",
        "definition for the ETL, the map, the tables, the exports and the tests. Column names are the",
        "contract between the snapshot and everything that reads it. Counts are exact integers; rates",
        "are percentages of the stated denominator (empty when the denominator is 0).",
        "",
        _TERMS,
    ]
    for group in dict.fromkeys(i.kelompok for i in CATALOGUE):
        lines += [
            f"## {group}",
            "",
            "| kode | indikator | satuan | definisi | kriteria skor prioritas |",
            "|---|---|---|---|---|",
        ]
        for i in CATALOGUE:
            if i.kelompok == group:
                lines.append(f"| `{i.id}` | {i.label} | {i.satuan} | {i.definisi} | {'ya' if i.kriteria else ''} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).resolve().parents[1] / "docs" / "indikator.md"
    target.write_text(catalogue_markdown(), encoding="utf-8")
    print(f"{target} ({len(CATALOGUE)} indikator)")
