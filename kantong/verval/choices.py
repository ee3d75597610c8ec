"""The questions and answer choices of the verification form: one definition for the xlsx
list's drop-downs, the printed form's boxes, the XLSForm's choice lists and the importer's
checks.

A choice has a `kode` (what files carry: ASCII, no spaces, as XLSForm choice names must be)
and a `label` (what people read, in Indonesian). The importer also accepts the label and
a few common spellings, case- and space-insensitively (`Question.parse`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    kode: str
    label: str
    alias: tuple[str, ...] = ()  # other spellings found in filled forms


@dataclass(frozen=True)
class Question:
    kode: str  # the column / XLSForm field name
    label: str
    choices: tuple[Choice, ...] = ()  # empty: free text
    required: bool = False
    multiple: bool = False  # several choices (select_multiple), space-separated in exports
    hint: str = ""
    _lookup: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for c in self.choices:
            for spelling in (c.kode, c.label, *c.alias):
                self._lookup[_key(spelling)] = c.kode

    @property
    def kodes(self) -> list[str]:
        return [c.kode for c in self.choices]

    def label_of(self, kode: str) -> str:
        return next((c.label for c in self.choices if c.kode == kode), kode)

    def parse(self, value) -> str | None:
        """The choice's kode for an answer as written (kode, label or alias), or None when
        it is not among the choices. Free-text questions return the text itself."""
        if value is None:
            return None
        text = str(value).strip()
        if not self.choices:
            return text or None
        return self._lookup.get(_key(text))


def _key(text: str) -> str:
    return re.sub(r"[\s_/\-]+", " ", str(text)).strip().casefold()


KEBERADAAN = Question(
    "keberadaan",
    "Keberadaan keluarga",
    (
        Choice("ditemukan", "Ditemukan", ("ada",)),
        Choice("tidak_ditemukan", "Tidak ditemukan", ("tidak ada",)),
        Choice("pindah", "Pindah"),
        Choice("meninggal", "Meninggal", ("meninggal dunia",)),
        Choice("ganda", "Ganda", ("data ganda", "duplikat")),
    ),
    required=True,
)
KELAYAKAN = Question(
    "kelayakan",
    "Kelayakan sebagai keluarga miskin ekstrem",
    (Choice("layak", "Layak"), Choice("tidak_layak", "Tidak layak")),
    hint="Diisi bila keluarga ditemukan",
)
USULAN_DTKS = Question(
    "usulan_dtks",
    "Diusulkan masuk DTKS",
    (Choice("ya", "Ya", ("y", "1")), Choice("tidak", "Tidak", ("t", "0"))),
    hint="Diisi bila keluarga layak dan belum di DTKS",
)
NEEDS = (
    Choice("bibit_ternak", "Bibit ternak", ("ternak", "peternakan")),
    Choice("pertanian", "Pertanian/saprodi", ("saprodi", "pertanian saprodi", "sarana produksi pertanian")),
    Choice("modal_usaha", "Modal usaha", ("modal", "umkm")),
    Choice("perikanan", "Perikanan", ("ikan",)),
    Choice("pendidikan", "KIP/bantuan pendidikan", ("kip", "bantuan pendidikan", "pendidikan")),
    Choice("lainnya", "Lainnya"),
)
KEBUTUHAN_UTAMA = Question("kebutuhan_utama", "Kebutuhan utama", NEEDS)
KEBUTUHAN_LAIN = Question("kebutuhan_lain", "Kebutuhan lain (boleh lebih dari satu)", NEEDS, multiple=True)
KETERANGAN = Question("keterangan", "Keterangan")

# In the order of the form.
QUESTIONS = (KEBERADAAN, KELAYAKAN, USULAN_DTKS, KEBUTUHAN_UTAMA, KEBUTUHAN_LAIN, KETERANGAN)
BY_KODE = {q.kode: q for q in QUESTIONS}

# Who can help with each need: the lists "per kebutuhan" go to these agencies.
AGENCY = {
    "bibit_ternak": "Dinas Peternakan",
    "pertanian": "Dinas Pertanian",
    "modal_usaha": "Dinas Koperasi dan UMKM",
    "perikanan": "Dinas Kelautan dan Perikanan",
    "pendidikan": "Dinas Pendidikan / Kemenag",
    "lainnya": "Dinas Sosial",
}

# --- the list's columns (xlsx list and its import) -----------------------------------------
# A spreadsheet cell's drop-down holds one value, so "kebutuhan lain" gets two columns there.
# Each nagari's sheet has a header row holding these labels; the importer finds it by the
# ID column's label, so title rows above it and columns moved around do not matter.
ID_COLUMN = "ID Keluarga P3KE"
FAMILY_COLUMNS = (  # what the list shows of each family (filled by the list writer)
    ("no", "No"),
    ("id_keluarga", ID_COLUMN),
    ("kode_desa", "Kode desa"),
    ("nama_kepala", "Nama kepala keluarga"),
    ("nik_kepala", "NIK kepala keluarga"),
    ("alamat", "Alamat"),
    ("jiwa", "Jumlah jiwa"),
    ("status_dtks", "Status DTKS"),
    ("status_bansos", "Status bansos"),
    ("alasan", "Alasan terpilih"),
)
ANSWER_COLUMNS = (  # (column kode, header label, question); kebutuhan_lain twice
    ("keberadaan", KEBERADAAN.label, KEBERADAAN),
    ("kelayakan", KELAYAKAN.label, KELAYAKAN),
    ("usulan_dtks", USULAN_DTKS.label, USULAN_DTKS),
    ("kebutuhan_utama", KEBUTUHAN_UTAMA.label, KEBUTUHAN_UTAMA),
    ("kebutuhan_lain_1", "Kebutuhan lain 1", KEBUTUHAN_LAIN),
    ("kebutuhan_lain_2", "Kebutuhan lain 2", KEBUTUHAN_LAIN),
    ("keterangan", KETERANGAN.label, KETERANGAN),
)
# In the XLSForm and in ODK/Kobo exports: the family is the field `id_keluarga` (chosen
# from the attached keluarga.csv, filtered by the field `desa`), answers are QUESTIONS by kode.
FORM_FAMILY_FIELD = "id_keluarga"
FORM_DESA_FIELD = "desa"
FAMILIES_CSV = "keluarga.csv"
