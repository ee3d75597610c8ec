"""Who may see and do what: roles, the person asking (`Principal`) and their region.

The policy is data (PERMISSIONS), so the README, the admin page and the tests read the same
table. Scope is a set of region codes: an operator sees their kab/kota in full and, of the
rest, only the province and the kab/kota-level totals (for orientation); every other role
sees every region.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "pimpinan", "operator", "tamu")
ROLE_LABEL = {
    "admin": "Admin provinsi",
    "pimpinan": "Pimpinan (Kepala Dinas, kabid)",
    "operator": "Operator kab/kota",
    "tamu": "Tamu (hanya melihat)",
}

# What each role may do. Aggregates (maps, profiles, rankings) are open to every role within
# its scope; these are the rest.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            "rencana",
            "unduh_tabel",
            "unduh_gambar",
            "paket_rakor",
            "presentasi",
            "bnba",
            "bnba_nik",
            "verval",
            "akun",
            "audit",
            "publikasi",
        }
    ),
    "pimpinan": frozenset({"rencana", "unduh_tabel", "unduh_gambar", "paket_rakor", "presentasi", "bnba"}),
    "operator": frozenset(
        {"rencana", "unduh_tabel", "unduh_gambar", "paket_rakor", "presentasi", "bnba", "bnba_nik", "verval"}
    ),
    "tamu": frozenset({"unduh_gambar", "presentasi"}),
}
PERMISSION_LABEL = {
    "rencana": "menyusun, menyimpan dan membuka rencana aksi",
    "unduh_tabel": "mengunduh tabel (xlsx, csv)",
    "unduh_gambar": "mengunduh peta dan grafik (PNG, SVG, PDF)",
    "paket_rakor": "membuat Paket Rakor",
    "presentasi": "mode presentasi",
    "bnba": "melihat daftar keluarga by name by address (NIK disamarkan)",
    "bnba_nik": "mengekspor daftar keluarga dengan NIK lengkap (dengan alasan, dicatat)",
    "verval": "mengimpor hasil verifikasi lapangan dan mencatat tindak lanjut",
    "akun": "mengelola akun",
    "audit": "membaca jejak audit",
    "publikasi": "menerbitkan rilis data",
}


class Forbidden(PermissionError):
    """A request outside what the asker's role or region allows."""


@dataclass(frozen=True)
class Principal:
    """The person behind a request, as the app knows them (from a local account today;
    from an identity provider later, mapped to the same role and region)."""

    nama: str
    peran: str
    wilayah: str | None = None  # an operator's kab/kota code, e.g. "13.06"

    @property
    def label(self) -> str:
        return ROLE_LABEL.get(self.peran, self.peran)

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.peran, frozenset())

    def require(self, permission: str) -> None:
        if not self.may(permission):
            raise Forbidden(f"{self.label} tidak berwenang: {PERMISSION_LABEL.get(permission, permission)}")

    @property
    def sees_all(self) -> bool:
        return self.peran != "operator"

    def in_full(self, kode: str) -> bool:
        """A region this person sees in full: every indicator, its inside, its nagari."""
        if self.sees_all:
            return True
        return bool(self.wilayah) and (kode == self.wilayah or kode.startswith(self.wilayah + "."))

    def in_scope(self, kode: str) -> bool:
        """A region this person may see at all: in full, or as a total above or beside
        their kab/kota (the province, the region above provinces, another kab/kota)."""
        return self.in_full(kode) or kode.count(".") <= 1

    def check_region(self, kode: str, full: bool = True) -> str:
        """A region code from a request, accepted only inside the scope (never trusted)."""
        if not (self.in_full(kode) if full else self.in_scope(kode)):
            raise Forbidden(f"wilayah {kode} di luar cakupan akun ini")
        return kode


def mask_nik(nik: str | None) -> str:
    """NIK as shown anywhere: the first 6 digits (the kecamatan code), asterisks, the last 4."""
    digits = "".join(ch for ch in str(nik or "") if ch.isdigit())
    if len(digits) < 10:
        return "*" * len(digits)
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
