"""Errors the ETL reports to the data officer, always naming the file (and column/row)."""

from __future__ import annotations


class InputError(Exception):
    """Bad input that stops the run: the message names the file and the column."""

    def __init__(self, berkas: str, pesan: str, kolom: str | None = None, baris: int | None = None):
        self.berkas = berkas
        self.kolom = kolom
        self.baris = baris
        lokasi = [f"berkas {berkas}"]
        if baris is not None:
            lokasi.append(f"baris {baris}")
        if kolom is not None:
            lokasi.append(f"kolom '{kolom}'")
        super().__init__(f"{', '.join(lokasi)}: {pesan}")
