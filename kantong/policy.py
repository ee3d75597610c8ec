"""Which permission each request needs: every Dash callback and every Flask route.

The gate (kantong.gate) asks `callback_permission` for each POST to
/_dash-update-component and `route_permission` for everything else. Anything not listed is
refused (default deny), and tests/test_access.py fails when a callback or route of the app
has no entry, so a new page cannot slip past the policy.

VIEW means any logged-in person: what they then see is limited by the data layer's scope.
"""

from __future__ import annotations

import json

import ids

VIEW = "lihat"
PUBLIC = "umum"

# Callbacks by the component id (or pattern type) of their first output.
CALLBACKS: dict[str, str] = {
    # Routing and the map page: aggregates within the scope.
    ids.HALAMAN: VIEW,
    ids.URL_PETA: VIEW,
    ids.PETA_PAS: VIEW,
    ids.PETA: VIEW,
    ids.PROFIL: VIEW,
    ids.CARI: VIEW,
    ids.MULAI_PRESENTASI: VIEW,
    # Priority: scores, rankings, the selection and its targets are aggregates.
    ids.BOBOT: VIEW,
    ids.GRID_PERINGKAT: VIEW,
    ids.PILIH_TERAPKAN: VIEW,
    ids.SKOR_TERAPKAN: VIEW,
    ids.PILIHAN: VIEW,
    ids.GRID_TARGET: VIEW,
    ids.CAKUPAN: VIEW,
    ids.TARGET_PERIKSA: VIEW,
    ids.PETA_PRIORITAS: VIEW,
    ids.RINCIAN_SKOR: VIEW,
    ids.RENCANA_DRAF: VIEW,  # a draft lives in the person's own browser
    ids.RENCANA_DRAF_AWAL: VIEW,
    ids.RENCANA_DRAF_STATUS: VIEW,
    # Saved plans.
    ids.RENCANA_PESAN: "rencana",
    # The Paket Rakor and presentation mode.
    ids.RAKOR_HASIL: "paket_rakor",
    ids.RAKOR_RENCANA_INFO: "paket_rakor",
    ids.RAKOR_PRESENTASI: "presentasi",
    ids.PRESENTASI_KE: "presentasi",
    ids.PRESENTASI_MUNDUR: "presentasi",
    ids.PRESENTASI_PAS: "presentasi",
    ids.PRESENTASI_JUDUL: "presentasi",
    # Verval & asesmen: family lists (names, addresses, masked NIK) and their results.
    ids.VERVAL_NAGARI: "bnba",
    ids.VERVAL_NAGARI_TERPILIH: "bnba",
    ids.VERVAL_ALASAN_WADAH: "bnba",
    ids.VERVAL_BERKAS: "bnba",  # a full NIK also needs bnba_nik and a reason (kantong.verval.service)
    ids.VERVAL_IMPOR_HASIL: "verval",
    ids.VERVAL_TINDAK_ALASAN_WADAH: "bnba",
    ids.VERVAL_TINDAK_BERKAS: "bnba",  # a full NIK also needs bnba_nik and a reason
    # Follow-ups (tindak lanjut): recording them needs "verval"; the tables and the family
    # drop-down show family IDs and heads' names, so reading them needs "bnba".
    ids.VERVAL_TL_BELUM: "bnba",
    ids.VERVAL_TL_KELUARGA: "bnba",
    ids.VERVAL_TL_NAGARI: "verval",
    ids.VERVAL_TL_PESAN: "verval",
    ids.VERVAL_TL_TEMPLAT_BERKAS: "verval",
    ids.VERVAL_TL_IMPOR_HASIL: "verval",
    # --- prioritas: progress of plans
    # Progress is counts per nagari of saved plans (ScopedPlans: an operator's own), within
    # the asker's scope; its download is a table.
    ids.KEMAJUAN_RENCANA: "rencana",
    ids.KEMAJUAN_RILIS: "rencana",
    ids.KEMAJUAN_RINGKASAN: "rencana",
    ids.KEMAJUAN_BERKAS: "unduh_tabel",
    # --- perbandingan: comparison between releases
    # Aggregates of two releases within the asker's scope (kantong.comparisons); the map and
    # the tables download through callbacks of their own, each with its permission.
    ids.BANDING_URL: VIEW,
    ids.BANDING_RINGKASAN: VIEW,
    ids.BANDING_PETA: VIEW,
    ids.BANDING_PAS: VIEW,
    ids.BANDING_WILAYAH: VIEW,
    ids.BANDING_UNDUH_PETA_BERKAS: "unduh_gambar",
    ids.BANDING_UNDUH_TABEL_BERKAS: "unduh_tabel",
    # --- rilis: data releases
    ids.RILIS_BERKAS: "publikasi",
    ids.RILIS_NAMA: "publikasi",
    ids.RILIS_TUGAS: "publikasi",
    ids.RILIS_TUGAS_PANEL: "publikasi",
    ids.RILIS_KONFIRMASI: "publikasi",
    ids.RILIS_PESAN: "publikasi",
    ids.RILIS_LAPORAN: "publikasi",
    # The admin page.
    ids.ADMIN_AKUN_TABEL: "akun",
    ids.ADMIN_AUDIT_TABEL: "audit",
    ids.ADMIN_AUDIT_BERKAS: "audit",
}

# Download callbacks: the permission depends on what is downloaded (the menu item's objek).
DOWNLOADS = {ids.UNDUH_PETA_BERKAS, ids.UNDUH}
# Images of aggregates (maps, the desil chart, a score breakdown); anything else is a table,
# including an objek no menu offers, so a forged one never passes as an image.
IMAGE_OBJECTS = {"peta", "desil", "rincian"}

# Flask routes by endpoint.
ROUTES: dict[str, str] = {
    "static": PUBLIC,
    "_dash_assets.static": PUBLIC,
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": PUBLIC,
    "/_favicon.ico": PUBLIC,
    "masuk": PUBLIC,
    "keluar": VIEW,
    "/_dash-layout": VIEW,
    "/_dash-dependencies": VIEW,
    "/_dash-update-component": VIEW,  # and then the callback's own entry
    "/_reload-hash": VIEW,
    "/": VIEW,
    "/<path:path>": VIEW,
    "geojson": VIEW,
    "map_preview": VIEW,
    "deck_download": "paket_rakor",
    # --- rilis: upload routes
    "rilis_unggah_mulai": "publikasi",
    "rilis_unggah_potongan": "publikasi",
    "rilis_unggah_batal": "publikasi",
    "rilis_laporan": "publikasi",
}


def first_output_id(output: str) -> str:
    """The component id (or pattern type) of a callback's first output, from the "output"
    field of a Dash request or a key of app.callback_map."""
    first = output.strip(".").split("...")[0].split("@")[0]
    component = first.rsplit(".", 1)[0]
    if component.startswith("{"):
        return str(json.loads(component).get("type"))
    return component


def callback_permission(body: dict) -> str | None:
    """The permission a callback request needs, or None for a callback nobody may fire."""
    component = first_output_id(str(body.get("output", "")))
    if component in DOWNLOADS:
        # What the click asks for: the menu item's id names the object (map, chart, table).
        objects = set()
        for changed in body.get("changedPropIds") or []:
            item = str(changed).rsplit(".", 1)[0]
            if item.startswith("{"):
                objects.add(str(json.loads(item).get("objek")))
        return "unduh_gambar" if objects and objects <= IMAGE_OBJECTS else "unduh_tabel"
    return CALLBACKS.get(component)
