"""Errors the ETL reports to the data officer, always naming the file (and sheet, row,
column or feature where there is one)."""

from __future__ import annotations


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
        lokasi = [f"berkas {berkas}"]
        if lembar is not None:
            lokasi.append(f"lembar '{lembar}'")
        if baris is not None:
            lokasi.append(f"baris {baris}")
        if kolom is not None:
            lokasi.append(f"kolom '{kolom}'")
        if fitur is not None:
            lokasi.append(f"fitur {fitur}")
        super().__init__(f"{', '.join(lokasi)}: {pesan}")
