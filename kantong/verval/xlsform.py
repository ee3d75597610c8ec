"""The verification list as an XLSForm for ODK Collect / KoboCollect, usable offline.

The enumerator picks the nagari (`desa`), then the family from the attached keluarga.csv
(only that nagari's families: a choice filter on its `desa` column), then answers the
questions of choices.QUESTIONS, grouped as `jawaban` (exports show `jawaban-keberadaan` in
ODK, `jawaban/keberadaan` in Kobo). Choice lists are written from choices.py, so the form,
the xlsx list and the importer agree.

The phone only ever holds the masked NIK (in the family's label): a form travels further
than an office file.
"""

from __future__ import annotations

import csv
import io
import re

from kantong import fmt
from kantong.verval import choices
from kantong.verval.selection import VervalList, family_rows

SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "choice_filter", "appearance")
GROUP = "jawaban"
FOUND, ELIGIBLE = "ditemukan", "layak"  # the answers that open the next questions
LABEL_ADDRESS = 40  # characters of the address in a family's label on the phone
# A choice name must not hold spaces (select_multiple answers are space-separated), and the
# choice filter compares it as text; region codes (13.06.01.2001) qualify as they are.
_CHOICE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def desa_choice_name(kode: str) -> str:
    """The nagari's choice name: its code, or the code with other characters made '_'."""
    return kode if _CHOICE_NAME.match(kode) else re.sub(r"[^A-Za-z0-9._-]", "_", kode)


def form_id(lst: VervalList) -> str:
    return "verval_" + re.sub(r"[^A-Za-z0-9]", "_", lst.wilayah) + "_" + lst.dibuat.strftime("%Y%m%d")


def _relevance() -> dict[str, str]:
    for question, kode in ((choices.KEBERADAAN, FOUND), (choices.KELAYAKAN, ELIGIBLE)):
        if kode not in question.kodes:  # choices.py changed: the conditions below would never hold
            raise ValueError(f"Pilihan '{kode}' tidak ada pada pertanyaan '{question.kode}'")
    found = f"${{{choices.KEBERADAAN.kode}}} = '{FOUND}'"
    layak = f"${{{choices.KELAYAKAN.kode}}} = '{ELIGIBLE}'"
    return {
        choices.KELAYAKAN.kode: found,
        choices.USULAN_DTKS.kode: layak,
        choices.KEBUTUHAN_UTAMA.kode: layak,
        choices.KEBUTUHAN_LAIN.kode: layak,
    }


def survey_rows() -> list[dict[str, str]]:
    desa, family = choices.FORM_DESA_FIELD, choices.FORM_FAMILY_FIELD
    rows = [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "today", "name": "today"},
        {
            "type": f"select_one {desa}",
            "name": desa,
            "label": "Nagari/desa",
            "required": "yes",
        },
        {
            "type": f"select_one_from_file {choices.FAMILIES_CSV}",
            "name": family,
            "label": "Keluarga yang dikunjungi",
            "hint": "Kepala keluarga, NIK (disamarkan) dan alamat; hanya keluarga nagari/desa yang dipilih",
            "required": "yes",
            "choice_filter": f"{desa}=${{{desa}}}",
            "appearance": "autocomplete",
        },
        {"type": "begin_group", "name": GROUP, "label": "Hasil kunjungan"},
    ]
    relevance = _relevance()
    for q in choices.QUESTIONS:
        kind = "text" if not q.choices else f"select_{'multiple' if q.multiple else 'one'} {q.kode}"
        rows.append(
            {
                "type": kind,
                "name": q.kode,
                "label": q.label,
                "hint": q.hint,
                "required": "yes" if q.required else "",
                "relevant": relevance.get(q.kode, ""),
                "appearance": "multiline" if not q.choices else "",
            }
        )
    rows.append({"type": "end_group", "name": GROUP})
    return rows


def choice_rows(lst: VervalList) -> list[dict[str, str]]:
    rows = [
        {
            "list_name": choices.FORM_DESA_FIELD,
            "name": desa_choice_name(n.kode),
            "label": f"{n.nama} (Kec. {n.nama_kecamatan})" if n.nama_kecamatan else n.nama,
        }
        for n in lst.nagari
    ]
    for q in choices.QUESTIONS:
        rows += [{"list_name": q.kode, "name": c.kode, "label": c.label} for c in q.choices]
    return rows


def settings_row(lst: VervalList, version: str | None = None) -> dict[str, str]:
    return {
        "form_title": f"Verval keluarga miskin ekstrem {fmt.tanggal(lst.dibuat)}",
        "form_id": form_id(lst),
        "version": version or lst.dibuat.strftime("%Y%m%d"),
        "instance_name": f"concat('Keluarga ', ${{{choices.FORM_FAMILY_FIELD}}})",
    }


def xlsform_bytes(lst: VervalList, version: str | None = None) -> bytes:
    """The XLSForm (sheets survey, choices, settings) for this list's nagari. `version`:
    the form version (default the list's date, YYYYMMDD); raise it when a form with the
    same form_id is published again."""
    import xlsxwriter

    if not lst.nagari:
        raise ValueError("Daftar tanpa nagari/desa: formulir ODK/Kobo tidak dapat dibuat")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True})
    settings = settings_row(lst, version)
    choice_rows_ = choice_rows(lst)
    for name, columns, rows in (
        ("survey", SURVEY_COLUMNS, survey_rows()),
        ("choices", ("list_name", "name", "label"), choice_rows_),
        ("settings", tuple(settings), [settings]),
    ):
        sheet = book.add_worksheet(name)
        for c, column in enumerate(columns):
            sheet.write_string(0, c, column, head)
            sheet.set_column(c, c, 50 if column in ("label", "relevant", "hint", "instance_name") else 22)
        for r, row in enumerate(rows, start=1):
            for c, column in enumerate(columns):
                if row.get(column):
                    sheet.write_string(r, c, row[column])
        sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def family_label(row: dict) -> str:
    """'Siti Aminah · 130601******0001 · Jl. Merdeka 1' (address cut short)."""
    alamat = row["alamat"]
    if len(alamat) > LABEL_ADDRESS:
        alamat = alamat[: LABEL_ADDRESS - 1].rstrip() + "…"
    return " · ".join(part for part in (row["nama_kepala"] or "–", row["nik_kepala"], alamat) if part)


def families_csv(lst: VervalList) -> bytes:
    """keluarga.csv, the form's attachment: name (id_keluarga), label (NIK always masked),
    desa (the filter).
    UTF-8 without a byte-order mark (a BOM would become part of the first column's name)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label", choices.FORM_DESA_FIELD])
    for nagari in lst.nagari:
        for row in family_rows(nagari, show_nik=False):
            writer.writerow([row["id_keluarga"], family_label(row), desa_choice_name(nagari.kode)])
    return out.getvalue().encode("utf-8")
