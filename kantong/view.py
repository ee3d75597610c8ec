"""What a map view shows, kept in the URL query so a view can be bookmarked and shared.

?tingkat=desa&wilayah=13.06&indikator=kk_d1_non_dtks&klasifikasi=kuantil&warna=oranye&profil=13.06.01.2001
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from urllib.parse import parse_qs, urlencode

from etl import indicators
from kantong.data import NASIONAL_KODE, Snapshot, level_of

CLASSIFICATIONS = {"kuantil": "Kuantil", "jenks": "Jeda alami (Fisher–Jenks)", "interval": "Interval sama"}
PALETTES = {
    # ColorBrewer sequential schemes: ordered, colour-blind safe, readable on a projector
    # and in greyscale print.
    "oranye": ("Kuning–merah", ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]),
    "biru": ("Biru", ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]),
    "ungu": ("Ungu", ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"]),
    "viridis": ("Viridis", ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]),
    # For projectors, which wash out pale colours: no near-white class, a near-black top class.
    "kontras": ("Kontras tinggi (proyektor)", ["#fed976", "#fd8d3c", "#e31a1c", "#a50026", "#3d0011"]),
}
DEFAULT_INDICATOR = "kk_d1_non_dtks"


@dataclass(frozen=True, kw_only=True)
class View:
    tingkat: str = "kabkota"  # which polygons are drawn
    wilayah: str  # the region whose inside is shown: the snapshot's province, a kab/kota or a kecamatan code
    indikator: str = DEFAULT_INDICATOR
    klasifikasi: str = "kuantil"
    warna: str = "oranye"
    profil: str  # the region whose profile is open

    def to_query(self) -> str:
        return "?" + urlencode(asdict(self))

    @classmethod
    def from_query(cls, search: str | None, snapshot: Snapshot) -> View:
        """Parse and validate; anything unknown falls back to the default."""
        params = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}
        top = str(snapshot.akar["kode"])
        view = cls(tingkat=snapshot.map_levels[0], wilayah=top, profil=top)
        if params.get("indikator") in indicators.BY_ID:
            view = replace(view, indikator=params["indikator"])
        if params.get("klasifikasi") in CLASSIFICATIONS:
            view = replace(view, klasifikasi=params["klasifikasi"])
        if params.get("warna") in PALETTES:
            view = replace(view, warna=params["warna"])
        wilayah = params.get("wilayah", top)
        if snapshot.has(wilayah) and level_of(wilayah) in ("nasional", "provinsi", "kabkota", "kecamatan"):
            view = replace(view, wilayah=wilayah)
        tingkat = params.get("tingkat")
        if tingkat in snapshot.map_levels:
            view = replace(view, tingkat=tingkat)
        view = _coherent(view)
        profil = params.get("profil", view.wilayah)
        if snapshot.has(profil):
            view = replace(view, profil=profil)
        else:
            view = replace(view, profil=view.wilayah)
        return view

    # --- navigation ------------------------------------------------------------------

    def open_region(self, kode: str) -> View:
        """Go to a region: a kab/kota or kecamatan shows its nagari; a nagari opens its
        profile inside its kab/kota."""
        level = level_of(kode)
        if level == "nasional":
            return replace(self, wilayah=kode, tingkat="provinsi", profil=kode)
        if level == "provinsi":
            return replace(self, wilayah=kode, tingkat="kabkota", profil=kode)
        if level in ("kabkota", "kecamatan"):
            return replace(self, wilayah=kode, tingkat="desa", profil=kode)
        inside = level_of(self.wilayah) not in ("nasional", "provinsi") and kode.startswith(self.wilayah + ".")
        wilayah = self.wilayah if inside else kode[:5]
        return replace(self, wilayah=wilayah, tingkat="desa", profil=kode)

    def with_level(self, tingkat: str) -> View:
        """Show another level inside the same wilayah (widening it when needed)."""
        view = replace(self, tingkat=tingkat)
        return _coherent(view)


def _coherent(view: View) -> View:
    """A level can only be drawn inside a wilayah above it: provinces inside the region above
    them, kab/kota inside a province, kecamatan inside a province or a kab/kota, nagari
    anywhere."""
    order = ("nasional", "provinsi", "kabkota", "kecamatan", "desa")
    while order.index(level_of(view.wilayah)) >= order.index(view.tingkat):
        level = level_of(view.wilayah)
        parent = NASIONAL_KODE if level == "provinsi" else view.wilayah[: {"kecamatan": 5, "kabkota": 2}[level]]
        view = replace(view, wilayah=parent)
    return view
