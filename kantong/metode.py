"""How Kantong counts, colours and ranks, in words for a reader who is not an analyst.

One text for the Metodologi page (layouts/method.py) and the method slide of the Paket Rakor
(kantong/rakor.py). Plain data: sections (`Bagian`) of a title, paragraphs and points, and
a one-sentence summary for the slide. The figures in it (the minimum denominator, tiers,
rules, targets, the indicator registry) come from the definitions the app runs on, so the
text cannot drift from what the app does. Indicators are named by their labels; their
column codes appear only in the appendix (`kode_kolom`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl import config, indicators
from kantong import fmt, priority
from kantong import progress as kemajuan
from kantong.view import CLASSIFICATIONS


@dataclass(frozen=True)
class Bagian:
    kunci: str  # which section: the page's anchor; the slide picks sections by it
    judul: str
    paragraf: tuple[str, ...]
    butir: tuple[str, ...] = ()  # points listed after the paragraphs
    ringkas: str = ""  # the section in one sentence (the deck's method slide)


@dataclass(frozen=True)
class Klasifikasi:
    """One way of cutting a map's values into colour classes (View.klasifikasi)."""

    kunci: str
    nama: str  # as the map's control names it
    cara: str  # what it does
    kapan: str  # when to use it, and what to watch for


KLASIFIKASI = (
    Klasifikasi(
        "kuantil",
        CLASSIFICATIONS["kuantil"],
        "Wilayah diurutkan menurut nilainya, lalu dibagi ke dalam lima kelas yang jumlah wilayahnya kira-kira "
        "sama: setiap warna dipakai oleh sekitar seperlima wilayah.",
        "Pilihan bawaan, untuk melihat urutan: wilayah mana yang termasuk seperlima tertinggi. Perhatikan batas "
        "kelas di legenda: dua wilayah yang nilainya hampir sama dapat berbeda warna, dan satu kelas dapat "
        "mencakup rentang nilai yang lebar.",
    ),
    Klasifikasi(
        "jenks",
        CLASSIFICATIONS["jenks"],
        "Batas kelas diletakkan pada loncatan nilai yang terbesar, sehingga wilayah dalam satu kelas nilainya "
        "semirip mungkin dan kelas yang satu sejelas mungkin berbeda dari yang lain.",
        "Untuk nilai yang membentuk kelompok, misalnya untuk menemukan beberapa wilayah yang jauh lebih tinggi "
        "dari wilayah lain. Batasnya mengikuti data, sehingga peta dari tanggal data lain tidak dapat "
        "dibandingkan warna demi warna.",
    ),
    Klasifikasi(
        "interval",
        CLASSIFICATIONS["interval"],
        "Rentang dari nilai terendah sampai tertinggi dibagi menjadi lima kelas yang sama lebar.",
        "Bila besaran nilainya sendiri yang penting (misalnya persentase) dan batas kelas harus mudah dijelaskan. "
        "Bila beberapa wilayah bernilai jauh lebih tinggi dari yang lain, sebagian besar wilayah jatuh ke kelas "
        "terendah dan tampak sama warnanya.",
    ),
)
KLASIFIKASI_BY_KUNCI = {k.kunci: k for k in KLASIFIKASI}

# The colours that are not classes, as the legend names them (kantong/figures.py).
WARNA_KHUSUS = (
    "Abu-abu: wilayah tanpa keluarga P3KE.",
    "Abu-abu muda: persentase yang tidak dapat dihitung karena wilayah itu tidak memiliki KK desil 1 "
    "(\u201ctidak berlaku\u201d).",
    "Hijau pucat: persentase dari terlalu sedikit keluarga (lihat di bawah).",
)

# The boundary layers shipped with Kantong (data/boundaries/README.md): a snapshot names the
# files it was built from; a reader needs the dataset they come from.
BATAS_BAWAAN = {"13_desa.geojson.zip", "13_kecamatan.geojson.zip", "13_kabkota.geojson.zip"}
BATAS_BAWAAN_NAMA = (
    "wilayah_boundaries (Cahya DSN, lisensi MIT), kode wilayah menurut Kepmendagri No 300.2.2-2430 Tahun 2025"
)

_CODE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, indicators.CATALOGUE_IDS), key=len, reverse=True)) + r")\b")


def definisi(ind: indicators.Indicator) -> str:
    """An indicator's definition with the other indicators named by their labels, not their
    column codes: "kk_d1_non_dtks ÷ kk_desil_1 × 100" becomes words."""
    text = ind.definisi
    if ind.is_rate:
        formula = f"{ind.pembilang} ÷ {ind.penyebut} × 100."
        rest = text.removeprefix(formula).strip()
        text = f"{_label(ind.pembilang)} dibagi {_label(ind.penyebut, lower=True)}, dikali 100." + (
            f" {rest}" if rest else ""
        )
    return _CODE.sub(lambda m: _label(m.group(1), lower=True), text)


def _label(indikator: str, lower: bool = False) -> str:
    """An indicator's label as part of a sentence: without its closing remark in brackets
    ("Keluarga desil 1 (miskin ekstrem)" -> "keluarga desil 1")."""
    label = re.sub(r" \([^()]*\)$", "", indicators.get(indikator).label)
    return label[0].lower() + label[1:] if lower and not label.startswith(("KK", "DTKS")) else label


def sumber_batas(summary: dict) -> str:
    """Where a snapshot's boundaries come from, named for a reader: the dataset of the
    layers shipped with Kantong, or the files given to the ETL (all it knows of others)."""
    layers = (summary.get("sumber") or {}).get("batas_wilayah") or {}
    # A level dissolved from another names it as "gabungan dari <file>": the same source.
    files = list(
        dict.fromkeys(
            str(meta.get("sumber")).removeprefix("gabungan dari ") for meta in layers.values() if meta.get("sumber")
        )
    )
    if not files:
        return "tidak tercatat"
    if all(f in BATAS_BAWAAN for f in files):
        return BATAS_BAWAAN_NAMA
    return "berkas " + ", ".join(files)


def sumber_data(snapshot) -> str:
    """The sources of a snapshot in one sentence."""
    return (
        f"P3KE (Kemenko PMK) dan DTKS (Kemensos), tanggal referensi {fmt.tanggal(snapshot.tanggal_referensi)}; "
        f"batas wilayah: {sumber_batas(snapshot.summary)}."
    )


def klasifikasi(kunci: str) -> Klasifikasi:
    return KLASIFIKASI_BY_KUNCI[kunci]


def kode_kolom() -> list[tuple[str, str]]:
    """(column code, label) of every indicator: the appendix for those who read the files."""
    return [(i.id, i.label) for i in indicators.CATALOGUE]


def bobot_teks(weights: dict[str, float]) -> str:
    """A preset's weights in labels: "Keluarga desil 1 (miskin ekstrem) ×3, …"."""
    return ", ".join(f"{indicators.get(k).label} ×{fmt.angka(v)}" for k, v in weights.items() if v)


def bagian(min_penyebut: int | None = None) -> list[Bagian]:
    """Every section of the method, in reading order."""
    n = fmt.angka(config.MIN_PENYEBUT if min_penyebut is None else min_penyebut)
    tiers, previous = [], 0.0
    for label, share in priority.TIERS:
        outside = f"di luar {fmt.persen(previous * 100, 0)} teratas"
        if share >= 1:
            tiers.append(f"{label}: nagari lainnya ({outside})")
        else:
            tiers.append(f"{label}: {fmt.persen(share * 100, 0)} teratas" + (f", {outside}" if previous else ""))
        previous = share
    return [
        Bagian(
            "isi",
            "Apa yang ditampilkan",
            (
                "Kantong menunjukkan di mana keluarga miskin ekstrem tinggal, berapa di antara mereka yang belum "
                "tercatat di DTKS, dan nagari mana yang perlu ditangani lebih dahulu. Keluarga miskin ekstrem adalah "
                "keluarga P3KE pada desil kesejahteraan 1 (KK desil 1).",
                "Angka kecamatan, kab/kota dan provinsi adalah jumlah dari nagari/desa di dalamnya. Persentase "
                "wilayah dihitung dari jumlah itu, tidak dirata-ratakan dari persentase wilayah di bawahnya.",
            ),
            ringkas="Persentase dihitung dari jumlah keluarga di wilayah itu, tidak dirata-ratakan dari wilayah "
            "di bawahnya.",
        ),
        Bagian(
            "klasifikasi",
            "Warna peta: cara membagi kelas",
            (
                "Peta mewarnai setiap wilayah menurut kelas nilainya: makin gelap, makin besar kebutuhannya (untuk "
                "indikator yang makin tinggi makin baik, seperti cakupan bansos, warnanya dibalik). Ada paling "
                "banyak lima kelas; batas setiap kelas tertulis di legenda, dengan jumlah wilayahnya. Cara membagi "
                "kelas dipilih di panel kiri peta:",
            ),
            butir=WARNA_KHUSUS,
        ),
        Bagian(
            "terlalu-sedikit",
            "Persentase dari angka kecil (\u201cterlalu sedikit\u201d)",
            (
                "Persentase sebuah nagari yang hanya memiliki satu atau dua KK desil 1 mudah bernilai 0% atau 100% "
                "secara kebetulan: satu keluarga saja sudah mengubahnya puluhan persen. Persentase seperti itu akan "
                "memenuhi kelas tertinggi dan terendah peta serta puncak peringkat, padahal tidak lebih parah dari "
                "nagari dengan ratusan keluarga.",
                f"Karena itu persentase yang dihitung dari kurang dari {n} KK (atau {n} jiwa, untuk indikator jiwa) "
                "ditandai \u201cterlalu sedikit\u201d. Batas ini ditetapkan oleh pengelola aplikasi (pengaturan "
                "KANTONG_MIN_PENYEBUT). Persentase yang terlalu sedikit:",
            ),
            butir=(
                "di peta diberi warna hijau pucat, dengan baris legenda dan jumlah wilayahnya sendiri;",
                "tidak ikut pembagian kelas warna, daftar 10 teratas, peringkat, maupun skor prioritas;",
                "jumlah keluarganya tetap tampil di profil wilayah dan di tabel unduhan, dan tetap dihitung dalam "
                "angka kecamatan, kab/kota dan provinsi.",
            ),
            ringkas=f"Persentase dari kurang dari {n} KK (atau jiwa) ditandai \u201cterlalu sedikit\u201d: diberi "
            "warna sendiri dan tidak ikut kelas warna, peringkat, maupun skor prioritas; keluarganya tetap dihitung.",
        ),
        Bagian(
            "tanpa-poligon",
            "Nagari tanpa batas wilayah di peta",
            (
                "Peta batas wilayah tidak memuat semua nagari/desa/kelurahan: sebagian nagari, terutama hasil "
                "pemekaran baru, belum memiliki poligon batas.",
            ),
            butir=(
                "Keluarganya tetap dihitung dalam semua angka: di profil, tabel, peringkat dan skor prioritas nagari "
                "itu, serta dalam angka kecamatan, kab/kota dan provinsinya.",
                "Di peta nagari/desa, nagari tanpa poligon digambar sebagai tanda titik di dalam wilayah "
                "kecamatannya. Letak titik itu perkiraan, bukan letak nagari yang sebenarnya.",
                "Nagari tanpa poligon juga didaftar di bawah peta; klik namanya untuk membuka profilnya.",
            ),
            ringkas="Nagari tanpa poligon batas tetap dihitung; di peta digambar sebagai titik di dalam "
            "kecamatannya (letak perkiraan).",
        ),
        Bagian(
            "skor",
            "Skor prioritas",
            (
                "Skor prioritas (0–100) menunjukkan seberapa besar kebutuhan sebuah nagari dibandingkan nagari lain, "
                "menurut indikator yang dipilih dan bobotnya.",
                "Setiap indikator terpilih diubah ke skala 0–1 di antara semua nagari yang memiliki KK desil 1: nagari "
                "dengan nilai terendah mendapat 0, yang tertinggi 1, yang lain di antaranya sebanding dengan nilainya. "
                "Untuk indikator yang makin tinggi makin baik (cakupan bansos) skalanya dibalik. Skor adalah "
                "rata-rata berbobot nilai skala itu, dikali 100:",
                "skor = Σ (bobot × nilai skala) ÷ Σ bobot × 100",
                "Sumbangan satu indikator pada skor adalah bobot × nilai skala ÷ Σ bobot × 100; jumlah semua "
                "sumbangan sama dengan skor. Indikator jumlah (KK, jiwa) mendahulukan kantong kemiskinan yang besar; "
                "indikator persentase mendahulukan kantong yang parah. Nagari tanpa KK desil 1 tidak diberi skor dan "
                "tidak dapat dipilih; persentase \u201cterlalu sedikit\u201d tidak menambah skor.",
                "Indikator yang dapat diberi bobot: "
                + ", ".join(indicators.get(c).label for c in priority.CRITERIA)
                + ". Preset bobot yang tersedia:",
            ),
        ),
        Bagian(
            "jenjang",
            "Jenjang prioritas",
            ("Jenjang ditentukan oleh peringkat skor di antara nagari yang memiliki KK desil 1:",),
            butir=tuple(tiers),
        ),
        Bagian(
            "aturan",
            "Aturan pemilihan nagari",
            ("Nagari prioritas dipilih dengan salah satu aturan berikut, lalu dapat ditambah atau dikurangi sendiri:",),
            butir=(
                "N teratas di provinsi: N nagari dengan skor tertinggi.",
                "k teratas per kab/kota: k nagari dengan skor tertinggi di setiap kab/kota (asesmen 2023: 1 per "
                "kab/kota); kab/kota yang nagari layaknya kurang dari k menyumbang semua nagari layaknya.",
                "Berdasarkan anggaran: jumlah nagari = anggaran ÷ (biaya per KK × KK per nagari), "
                f"{fmt.angka(priority.FAMILIES_PER_NAGARI)} KK per nagari sebagai bawaan; nagari dipilih menurut skor.",
                "Bila skor sama, nagari dengan KK desil 1 lebih banyak didahulukan, lalu menurut kode wilayah.",
                "Cakupan: KK desil 1 di nagari terpilih (dan, untuk aturan anggaran, KK yang dinilai) dibandingkan "
                "dengan seluruh KK desil 1 provinsi.",
            ),
        ),
        Bagian(
            "target",
            "Target rencana",
            (
                "Setiap nagari dalam rencana mendapat target tahunan. Nilai awalnya dihitung dari data nagari itu, "
                "lalu dapat disunting di tabel rencana.",
            ),
            butir=tuple(f"{t.label}: {t.definisi}" for t in priority.TARGETS) + (priority.TARGET_LIMITS,),
        ),
        Bagian(
            "kemajuan",
            "Kemajuan rencana",
            (
                "Rencana dibuat pada satu rilis data. Kemajuannya diukur dengan rilis P3KE dan DTKS yang terbit "
                "sesudahnya: keluarga desil 1 nagari rencana pada rilis rencana dicocokkan dengan rilis pembanding "
                "menurut ID keluarga P3KE, atau bila ID berubah, menurut NIK kepala keluarga. Keluarga dihitung untuk "
                "nagari tempat tinggalnya pada rilis rencana, juga bila kemudian pindah; nagari yang berganti kode "
                "diikuti melalui tabel padanan kode.",
            ),
            butir=tuple(
                f"{m.label}: realisasi {TARGET_LOWER[m.target]}; capaian = realisasi ÷ target (tanpa capaian bila "
                "target 0)."
                for m in kemajuan.MEASURES
            )
            + (
                "Keluar dari desil 1 adalah calon graduasi: perubahan desil di data belum tentu perubahan keadaan "
                "keluarga, sehingga perlu dikonfirmasi di lapangan.",
                "Hasil lapangan: KK yang diverifikasi, yang layak, yang diusulkan ke DTKS oleh verifikator, dan KK "
                "yang menerima bantuan (tindak lanjut berstatus disalurkan). Bagian ini tersedia juga sebelum ada "
                "rilis pembanding.",
            ),
            ringkas="Target dibandingkan dengan rilis data sesudahnya (keluarga dicocokkan menurut ID P3KE atau NIK "
            "kepala keluarga) dan dengan hasil verval serta tindak lanjut.",
        ),
    ]


TARGET_LOWER = {
    "target_usul_dtks": "KK desil 1 yang belum di DTKS pada rilis rencana dan sudah di DTKS pada rilis pembanding",
    "target_terima_bansos": "KK desil 1 yang belum menerima bansos pada rilis rencana dan sudah menerima pada rilis "
    "pembanding",
    "target_graduasi": "KK desil 1 pada rilis rencana yang pada rilis pembanding berada di desil 2 atau lebih",
}
