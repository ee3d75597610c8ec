"""Errors the ETL reports to the data officer, always naming the file (and sheet, row,
column or feature where there is one)."""

from __future__ import annotations


def place(
    berkas: str, lembar: str | None = None, baris: int | None = None, kolom: str | None = None, fitur: str | None = None
) -> str:
    """Where in the input something is: "berkas x.xlsx, lembar 'Data', baris 4, kolom 'NIK'"."""
    parts = [f"berkas {berkas}"]
    if lembar is not None:
        parts.append(f"lembar '{lembar}'")
    if baris is not None:
        parts.append(f"baris {baris}")
    if kolom is not None:
        parts.append(f"kolom '{kolom}'")
    if fitur is not None:
        parts.append(f"fitur {fitur}")
    return ", ".join(parts)


class InputError(Exception):
    """Bad input that stops the run (exit code 2): the message says where and what."""

    def __init__(
        self,
        berkas: str,
        pesan: str,
        kolom: str | None = None,
        baris: int | None = None,
        lembar: str | None = None,
        fitur: str | None = None,
    ):
        self.berkas = berkas
        self.kolom = kolom
        self.baris = baris
        self.lembar = lembar
        self.fitur = fitur
        super().__init__(f"{place(berkas, lembar, baris, kolom, fitur)}: {pesan}")
