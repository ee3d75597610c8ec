"""Rilis data (/rilis): the data officer uploads a release's input files, builds it in the
background, reads its quality report, publishes or discards it, and manages the releases.

The upload box is driven by assets/kantong/unggah.js (chunks streamed to the server by
kantong/release_upload.py); the build runs as kantong/release_job.py. The parts of the page
that callbacks redraw (the uploaded files, the build's progress, the quality report, the
release list) are drawn by the functions here, for the first layout and for the callbacks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import dash_bootstrap_components as dbc
from dash import dcc, html

import ids
from etl import config
from etl.normalise import NIK_STATUS_LABEL
from etl.schema import KIND_LABEL as INPUT_KIND_LABEL
from kantong import fmt, release_job, release_upload
from kantong.releases import DELETED, DISCARDED, PUBLISHED, STAGING, STATUS_LABEL, Release, ReleaseError

PROGRESS_COLOUR = "#1f4e79"  # --kantong-biru: white on it 8,7:1, it on white 8,7:1
SCROLL_BOX = {"maxHeight": "24rem", "overflowY": "auto"}
STICKY = {"position": "sticky", "top": 0, "background": "#fff", "zIndex": 1}
REASONS_SHOWN = 4  # rejection reasons listed per file (the workbook has them all)


def action_id(aksi: str, nama: str, tempat: str) -> dict:
    """An action button's id: what it does, to which release (or job, or upload session),
    and where on the page it is (the same action can be offered in two places)."""
    return {"type": ids.RILIS_AKSI, "aksi": aksi, "nama": nama, "tempat": tempat}


def select_id(nama: str) -> dict:
    return {"type": ids.RILIS_JENIS, "berkas": nama}


def dom_id(component_id: dict) -> str:
    """The id a pattern-matching component has in the page (Dash: keys sorted, values as JSON)."""
    return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(component_id.items())) + "}"


def _size(n: int | None) -> str:
    if n is None:
        return "–"
    if n >= 2**30:
        return f"{fmt.angka(n / 2**30, 2)} GB"
    if n >= 2**20:
        return f"{fmt.angka(n / 2**20, 1)} MB"
    return f"{fmt.angka(n / 2**10, 1)} KB"


def _when(value: str | None, who: str | None = None) -> html.Span | str:
    if not value:
        return "–"
    stamp = dt.datetime.fromisoformat(value)
    text = f"{fmt.tanggal(stamp.date())}, {stamp:%H.%M}"
    return html.Span([text] + ([html.Br(), html.Span(f"oleh {who}", className="text-muted")] if who else []))


def _table(head: list[str], body: list, numeric: frozenset[int] = frozenset(), scroll: bool = False, **kwargs):
    cells = [
        html.Th(
            h, scope="col", className="small" + (" text-end" if i in numeric else ""), style=STICKY if scroll else None
        )
        for i, h in enumerate(head)
    ]
    table = dbc.Table([html.Thead(html.Tr(cells)), html.Tbody(body)], size="sm", className="mb-0 small", **kwargs)
    return html.Div(
        table, className="table-responsive" + (" border-bottom" if scroll else ""), style=SCROLL_BOX if scroll else None
    )


# --- 1. upload ---------------------------------------------------------------------------------


def upload_card(app) -> dbc.Card:
    accept = ",".join(sorted(release_upload.SUFFIXES))
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("1. Unggah berkas", className="h5"),
                html.P(
                    [
                        "Ekspor P3KE keluarga dan individu serta DTKS/DTSEN (csv, txt, tsv, xlsx, xls, ods), bila perlu "
                        "batas wilayah (GeoJSON, Shapefile, zip, GeoPackage) dan tabel padanan kode wilayah dari rilis "
                        f"sebelumnya (csv/xlsx: kode_lama, kode_baru); paling banyak {_size(release_upload.MAX_SESSION_BYTES)} "
                        "sekaligus. Berkas dikirim bertahap dan disimpan di server ini saja; dasbor tidak berubah sampai "
                        "rilis diterbitkan.",
                    ],
                    className="small text-muted",
                ),
                html.Div(
                    [
                        html.Div(
                            [
                                # The <input type=file multiple> is put inside this label by unggah.js.
                                html.Label(
                                    [html.Span(id=ids.RILIS_BERKAS_WADAH), "Pilih berkas…"],
                                    htmlFor=ids.RILIS_BERKAS_INPUT,
                                    className="btn btn-primary unggah-rilis-pilih mb-0",
                                ),
                                html.Span(" atau seret berkas ke kotak ini.", className="small ms-2"),
                                html.Button(
                                    "Batalkan",
                                    id=ids.RILIS_UNGGAH_BATAL,
                                    type="button",
                                    disabled=True,
                                    className="btn btn-outline-danger ms-auto",
                                    title="Hentikan unggahan dan hapus berkas yang sudah masuk",
                                ),
                            ],
                            className="d-flex align-items-center flex-wrap gap-2",
                        ),
                        html.Div(id=ids.RILIS_UNGGAH_PROGRES, className="mt-2"),
                        html.Div(
                            id=ids.RILIS_UNGGAH_STATUS, role="status", className="small mt-1", **{"aria-live": "polite"}
                        ),
                    ],
                    id=ids.RILIS_UNGGAH,
                    className="unggah-rilis",
                    **{
                        "data-url": app.get_relative_path("/rilis/unggah"),
                        "data-batas": str(release_upload.MAX_SESSION_BYTES),
                        "data-ekstensi": accept,
                    },
                ),
                dcc.Store(id=ids.RILIS_SESI),
            ]
        ),
        className="shadow-sm mb-3",
    )


def files_table(session: release_upload.Session | None) -> html.Div:
    """The files uploaded so far, each with its kind (guessed, to be checked)."""
    files = session.files() if session is not None else []
    if not files:
        return html.P("Belum ada berkas yang diunggah.", className="small text-muted mb-0")
    options = [{"label": label, "value": kind} for kind, label in release_upload.KIND_LABEL.items()]
    rows = []
    for f in files:
        name = [html.Span(f.nama, className="text-break")]
        if f.asli != f.nama:
            name += [html.Br(), html.Span(f"nama asli: {f.asli}", className="text-muted")]
        state = "lengkap" if f.selesai else f"belum lengkap: {_size(f.ukuran)} dari {_size(f.total)}"
        rows.append(
            html.Tr(
                [
                    html.Td(name),
                    html.Td(_size(f.total), className="text-end text-nowrap"),
                    html.Td(state, className="" if f.selesai else "text-danger"),
                    html.Td(
                        [
                            # dbc.Select takes no aria-label: a label only screen readers read.
                            html.Label(
                                f"Jenis berkas {f.nama}", htmlFor=dom_id(select_id(f.nama)), className="visually-hidden"
                            ),
                            dbc.Select(
                                id=select_id(f.nama),
                                options=options,
                                value=f.jenis if f.selesai else release_upload.ABAIKAN,
                                placeholder="Pilih jenis…",
                                size="sm",
                                disabled=not f.selesai,
                                # The officer's choice outlives the redraws as more files arrive
                                # (kept while the guess it replaced is unchanged).
                                persistence=True,
                                persistence_type="memory",
                            ),
                        ],
                        style={"minWidth": "11rem"},
                    ),
                ]
            )
        )
    guessed = Counter(f.jenis for f in files if f.selesai)
    counts = ", ".join(
        f"{release_upload.KIND_LABEL[k]} {fmt.angka(guessed[k])}" for k in release_upload.KINDS if guessed.get(k)
    )
    unknown = sum(1 for f in files if f.selesai and f.jenis is None)
    note = f"{fmt.angka(len(files))} berkas, {_size(sum(f.total for f in files))}" + (
        f" (terbaca: {counts})" if counts else ""
    )
    parts = [
        html.Div(
            [
                html.Span(note + ".", className="small"),
                dbc.Button(
                    "Hapus semua berkas unggahan",
                    id=action_id("hapus_unggahan", session.id, "berkas"),
                    color="danger",
                    outline=True,
                    size="sm",
                    className="ms-auto",
                ),
            ],
            className="d-flex align-items-center flex-wrap gap-2 mb-2",
        ),
        html.P(
            "Jenis tiap berkas ditebak dari baris judul kolom dan namanya; periksa dan ubah bila perlu.",
            className="small text-muted mb-1",
        ),
    ]
    if unknown:
        parts.append(
            dbc.Alert(
                f'{fmt.angka(unknown)} berkas tidak dikenali jenisnya: pilih jenisnya atau "Tidak dipakai".',
                color="warning",
                className="py-1 small mb-2",
            )
        )
    parts.append(_table(["Berkas", "Ukuran", "Status", "Jenis"], rows, numeric=frozenset({1}), scroll=True))
    return html.Div(parts)


# --- 2. build ----------------------------------------------------------------------------------


def build_card(running: bool, job: dict | None) -> dbc.Card:
    today = dt.date.today()
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("2. Bangun rilis", className="h5"),
                html.P(
                    "Rilis dibangun di latar belakang ke area staging: pengguna lain belum melihatnya sampai "
                    "diterbitkan. Satu build berjalan pada satu waktu.",
                    className="small text-muted",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label(
                                    "Tanggal referensi", html_for=ids.RILIS_TANGGAL, className="fw-semibold small mb-1"
                                ),
                                dbc.Input(
                                    id=ids.RILIS_TANGGAL,
                                    type="text",
                                    value=today.isoformat(),
                                    placeholder="YYYY-MM-DD",
                                    inputMode="numeric",
                                    maxLength=10,
                                ),
                                html.Div(
                                    "Umur (balita, anak, lansia) dihitung pada tanggal ini; format YYYY-MM-DD.",
                                    className="form-text",
                                ),
                            ],
                            sm=6,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Nama rilis", html_for=ids.RILIS_NAMA, className="fw-semibold small mb-1"),
                                dbc.Input(id=ids.RILIS_NAMA, type="text", value=f"{today:%Y-%m}", maxLength=64),
                                html.Div("Bawaan: tahun-bulan tanggal referensi, mis. 2024-03.", className="form-text"),
                            ],
                            sm=6,
                        ),
                    ],
                    className="g-3 mb-3",
                ),
                dbc.Button("Bangun rilis", id=ids.RILIS_BANGUN, color="primary", disabled=running),
                html.Div(id=ids.RILIS_BANGUN_PESAN, className="mt-2", **{"aria-live": "polite"}),
                html.Div(job_panel(job), id=ids.RILIS_TUGAS_PANEL, className="mt-2", **{"aria-live": "polite"}),
            ]
        ),
        className="shadow-sm mb-3",
    )


def job_panel(state: dict | None) -> html.Div | None:
    """A build job as the page shows it: its step and progress, or how it ended."""
    if not state:
        return None
    nama, status = state.get("nama", ""), state.get("status")
    if status == release_job.RUNNING:
        total = state.get("total_langkah") or 0
        done = min(int(state.get("langkah_selesai") or 0), total) if total else 0
        share = round(100 * done / total) if total else 0
        when = dt.datetime.fromisoformat(state["mulai"]) if state.get("mulai") else None
        head = f"Membangun rilis '{nama}'" + (f" (dimulai {when:%H.%M} oleh {state.get('akun')})" if when else "")
        # Before its first step the job has no total yet: its label says so ("Menunggu proses build dimulai").
        steps = (
            [
                html.Span(
                    f"{share}% · langkah {fmt.angka(min(done + 1, total))} dari {fmt.angka(total)}:", className="me-2"
                )
            ]
            if total
            else []
        )
        return html.Div(
            [
                html.Div(head, className="fw-semibold small"),
                dbc.Progress(
                    id=ids.RILIS_PROGRES,
                    value=share,
                    color=PROGRESS_COLOUR,
                    striped=True,
                    animated=True,
                    className="my-1",
                    style={"height": "1.1rem"},
                ),
                html.Div([*steps, html.Span(state.get("langkah") or "")], className="small"),
                dbc.Button(
                    "Hentikan build",
                    id=action_id("hentikan", state["id"], "tugas"),
                    color="danger",
                    outline=True,
                    size="sm",
                    className="mt-2",
                ),
            ]
        )
    if status == release_job.DONE:
        lines = state.get("pesan") or [f"Rilis '{nama}' dibangun di staging."]
        return dbc.Alert(
            [html.Div(line) for line in lines]
            + [html.Div("Periksa laporan kualitasnya di bawah, lalu terbitkan atau buang.")],
            color="success",
            className="small py-2 mb-0",
        )
    if status == release_job.FAILED:
        return dbc.Alert(
            [
                html.Div(f"Build rilis '{nama}' gagal.", className="fw-semibold"),
                html.Div(state.get("galat") or ""),
                html.Div(
                    "Tidak ada yang tersisa di staging. Perbaiki berkasnya dan unggah ulang (nama yang sama "
                    "menggantikan berkas lama), lalu bangun lagi.",
                    className="mt-1",
                ),
            ],
            color="danger",
            className="small py-2 mb-0",
        )
    return dbc.Alert(
        " ".join(state.get("pesan") or [f"Build rilis '{nama}' dihentikan."]),
        color="secondary",
        className="small py-2 mb-0",
    )


# --- 3. the quality report -----------------------------------------------------------------------


def _reasons(folder: Path) -> dict[str, Counter]:
    """Rejected rows per file and reason, from the snapshot's ditolak.parquet."""
    import pyarrow.parquet as pq

    path = folder / "ditolak.parquet"
    if not path.is_file():
        return {}
    table = pq.read_table(path, columns=["berkas", "alasan"])
    counts = table.group_by(["berkas", "alasan"]).aggregate([("alasan", "count")]).to_pylist()
    out: dict[str, Counter] = {}
    for row in counts:
        out.setdefault(row["berkas"], Counter())[row["alasan"]] = row["alasan_count"]
    return out


def _read_summary(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _change(new, old, digits: int = 0, unit: str = "") -> str:
    if new is None or old is None:
        return "–"
    diff = new - old
    sign = "+" if diff > 0 else ""
    return f"{sign}{fmt.angka(diff, digits)}{unit}"


def headline_table(summary: dict, current: dict | None, nama: str, current_nama: str | None) -> html.Div:
    """The release's headline counts beside those of the release shown now."""
    prov, pc, rows = summary.get("provinsi", {}), summary.get("pencocokan", {}), summary.get("baris", {})
    old_prov = (current or {}).get("provinsi", {})
    old_pc = (current or {}).get("pencocokan", {})
    old_rows = (current or {}).get("baris", {})
    lines = [
        ("KK P3KE dimuat", prov.get("kk_total"), old_prov.get("kk_total"), 0, ""),
        ("KK desil 1", prov.get("kk_desil_1"), old_prov.get("kk_desil_1"), 0, ""),
        (
            "KK desil 1 belum di DTKS (exclusion error)",
            prov.get("kk_d1_non_dtks"),
            old_prov.get("kk_d1_non_dtks"),
            0,
            "",
        ),
        ("  persentase dari KK desil 1", prov.get("pct_d1_non_dtks"), old_prov.get("pct_d1_non_dtks"), 1, " poin"),
        ("KK desil 1 padan DTKS", pc.get("pct_kk_d1_padan_dtks"), old_pc.get("pct_kk_d1_padan_dtks"), 1, " poin"),
        ("Baris dimuat", rows.get("dimuat"), old_rows.get("dimuat"), 0, ""),
        ("Baris ditolak", rows.get("ditolak"), old_rows.get("ditolak"), 0, ""),
    ]
    body = []
    for label, new, old, digits, unit in lines:
        show = fmt.persen if unit else fmt.angka
        body.append(
            html.Tr(
                [
                    html.Td(label.strip(), className="ps-4" if label.startswith(" ") else ""),
                    html.Td(show(new, digits) if unit else show(new), className="text-end fw-semibold"),
                    html.Td(show(old, digits) if unit else show(old), className="text-end"),
                    html.Td(_change(new, old, digits, unit) if current else "–", className="text-end"),
                ]
            )
        )
    head = [
        "",
        f"Rilis ini ({nama})",
        f"Tampil sekarang ({current_nama})" if current_nama else "Tampil sekarang",
        "Selisih",
    ]
    return _table(head, body, numeric=frozenset({1, 2, 3}))


def files_report(summary: dict, reasons: dict[str, Counter]) -> html.Div:
    body = []
    for f in summary.get("berkas", []):
        bad_nik = sum(v for k, v in f.get("nik", {}).items() if k != "valid")
        form = (
            f"{f.get('format')}, {f['pengodean']}"
            if f.get("pengodean")
            else f"{f.get('format')}, {len(f.get('lembar', []))} lembar"
        )
        why = reasons.get(f.get("berkas"), Counter()).most_common()
        listed = [html.Div(f"{reason}: {fmt.angka(n)}") for reason, n in why[:REASONS_SHOWN]]
        if len(why) > REASONS_SHOWN:
            listed.append(html.Div(f"… {fmt.angka(len(why) - REASONS_SHOWN)} alasan lain (lihat laporan xlsx)"))
        body.append(
            html.Tr(
                [
                    html.Td(f.get("berkas"), className="text-break"),
                    html.Td(INPUT_KIND_LABEL.get(f.get("jenis"), f.get("jenis"))),
                    html.Td(form),
                    html.Td(fmt.angka(f.get("baris_dibaca")), className="text-end"),
                    html.Td(fmt.angka(f.get("dimuat")), className="text-end"),
                    html.Td(fmt.angka(f.get("ditolak")), className="text-end"),
                    html.Td(fmt.angka(bad_nik), className="text-end"),
                    html.Td(listed or "–"),
                ]
            )
        )
    head = ["Berkas", "Jenis", "Format", "Dibaca", "Dimuat", "Ditolak", "NIK tidak valid", "Alasan penolakan"]
    return _table(head, body, numeric=frozenset({3, 4, 5, 6}), scroll=True)


def nik_report(summary: dict) -> html.Div:
    body = []
    for kind, counts in summary.get("nik", {}).items():
        total = sum(counts.values())
        valid = counts.get("valid", 0)
        others = "; ".join(
            f"{NIK_STATUS_LABEL.get(k, k)}: {fmt.angka(n)}" for k, n in counts.items() if k != "valid" and n
        )
        body.append(
            html.Tr(
                [
                    html.Td(INPUT_KIND_LABEL.get(kind, kind)),
                    html.Td(fmt.angka(valid), className="text-end"),
                    html.Td(fmt.persen(100 * valid / total if total else None), className="text-end"),
                    html.Td(others or "–"),
                ]
            )
        )
    return _table(["NIK", "Valid", "% valid", "Tidak valid, menurut sebabnya"], body, numeric=frozenset({1, 2}))


def notes_report(summary: dict) -> list:
    """Skipped sheets, file notes, boundary repairs, regions placed by name and nagari
    without a polygon: what the officer should know before publishing."""
    notes = []
    for f in summary.get("berkas", []):
        notes += [
            f"{f['berkas']}, lembar '{s['lembar']}' dilewati: {s['alasan']}" for s in f.get("lembar_dilewati", [])
        ]
        notes += [f"{f['berkas']}: {note}" for note in f.get("catatan", [])]
    for level, meta in summary.get("sumber", {}).get("batas_wilayah", {}).items():
        notes += [f"Batas {level}: {note}" for note in meta.get("catatan", [])]
    wilayah = summary.get("wilayah", {})
    by_name = wilayah.get("dicocokkan_nama", [])
    no_polygon = wilayah.get("tanpa_poligon", [])
    parts = [
        html.Ul(
            [
                html.Li(
                    f"Wilayah dicocokkan lewat nama (kode tidak dikenal): {fmt.angka(len(by_name))} kode, "
                    f"{fmt.angka(sum(int(r.get('kk') or 0) for r in by_name))} KK."
                ),
                html.Li(
                    f"Kode wilayah ditolak: {fmt.angka(wilayah.get('ditolak'))} baris; nagari/desa berpenghuni: "
                    f"{fmt.angka(wilayah.get('desa_berpenghuni'))} dari {fmt.angka(wilayah.get('desa'))}."
                ),
            ],
            className="small mb-2",
        )
    ]
    if no_polygon:
        parts.append(
            html.Details(
                [
                    html.Summary(
                        f"Nagari/desa berpenghuni tanpa poligon: {fmt.angka(len(no_polygon))} "
                        f"({fmt.angka(sum(int(r.get('kk_total') or 0) for r in no_polygon))} KK); ditampilkan sebagai titik",
                        className="small",
                    ),
                    html.Ul(
                        [
                            html.Li(
                                f"{r['nama']} ({r['kode']}): {fmt.angka(r.get('kk_total'))} KK, {fmt.angka(r.get('kk_desil_1'))} KK desil 1"
                            )
                            for r in no_polygon
                        ],
                        className="small tanpa-poligon-daftar mt-1",
                    ),
                ],
                className="mb-2",
            )
        )
    else:
        parts.append(html.P("Setiap nagari/desa berpenghuni punya poligon.", className="small mb-2"))
    if notes:
        parts.append(
            html.Details(
                [
                    html.Summary(f"Catatan pembacaan dan batas wilayah: {fmt.angka(len(notes))}", className="small"),
                    html.Ul([html.Li(n) for n in notes], className="small mt-1"),
                ]
            )
        )
    return parts


def report(app, store, nama: str | None) -> html.Div | None:
    """The quality report of a staging release, with its Terbitkan and Buang buttons."""
    if not nama:
        return None
    folder = store.staging_dir(nama)
    summary = _read_summary(folder)
    try:
        release = store.get(nama)
    except ReleaseError:
        release = None
    if summary is None or release is None or release.status != STAGING:
        return None
    releases = store.list()
    shown = next((r for r in releases if r.tampil), None)
    current = _read_summary(store.snapshot_dir(shown.nama)) if shown else None
    built = _when(release.dibangun_pada, release.dibangun_oleh)
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H2(f"3. Laporan kualitas rilis '{nama}'", className="h5 mb-0"),
                        dbc.Badge("staging, belum terbit", color="warning", text_color="dark", className="ms-2"),
                    ],
                    className="d-flex align-items-center flex-wrap mb-1",
                ),
                html.P(
                    [f"Tanggal referensi {fmt.tanggal(summary.get('tanggal_referensi'))}; dibangun ", built, ". "],
                    className="small text-muted mb-2",
                ),
                html.Div(
                    [
                        dbc.Button("Terbitkan", id=action_id("terbitkan", nama, "laporan"), color="primary"),
                        dbc.Button("Buang", id=action_id("buang", nama, "laporan"), color="danger", outline=True),
                        html.A(
                            "Unduh laporan kualitas (xlsx)",
                            href=app.get_relative_path(f"/rilis/laporan/{nama}"),
                            className="btn btn-link",
                        ),
                    ],
                    className="d-flex flex-wrap gap-2 mb-3",
                ),
                html.H3("Angka utama", className="h6"),
                headline_table(summary, current, nama, shown.nama if shown else None),
                html.H3("Baris per berkas", className="h6 mt-3"),
                files_report(summary, _reasons(folder)),
                html.H3("Validitas NIK", className="h6 mt-3"),
                nik_report(summary),
                html.H3("Wilayah", className="h6 mt-3"),
                *notes_report(summary),
            ]
        ),
        className="shadow-sm mb-3",
    )


# --- 4. the releases -----------------------------------------------------------------------------


def _status(release: Release) -> list:
    label = STATUS_LABEL[release.status]
    if release.status == PUBLISHED and release.langsung:
        label += " (langsung dari baris perintah)"
    parts = [html.Span(label)]
    if release.tampil:
        parts += [html.Br(), dbc.Badge("Tampil di dasbor", color="success", className="mt-1")]
    return parts


def _sources(release: Release) -> html.Details | str:
    if not release.berkas:
        return "–"
    kinds = {**INPUT_KIND_LABEL, "padanan": "padanan kode wilayah"}
    items = []
    for f in release.berkas:
        sha = f.get("sha256")
        items.append(
            html.Li(
                [
                    html.Span(f.get("berkas") or "", className="text-break"),
                    f" ({kinds.get(f.get('jenis'), f.get('jenis'))}; {fmt.angka(f.get('dimuat'))} dimuat). ",
                    html.Span("SHA-256 ") if sha else "SHA-256 tidak tercatat",
                    html.Code(sha, className="rilis-sha") if sha else "",
                ]
            )
        )
    short = [f"{f['sha256'][:12]}…" for f in release.berkas if f.get("sha256")]
    title = "SHA-256: " + ", ".join(short) if short else None
    summary = html.Summary(f"{fmt.angka(len(release.berkas))} berkas", title=title)
    return html.Details([summary, html.Ul(items, className="small mb-0 ps-3")])


def _actions(release: Release) -> list:
    def button(label: str, aksi: str, color: str, outline: bool = True):
        return dbc.Button(
            label,
            id=action_id(aksi, release.nama, "daftar"),
            color=color,
            outline=outline,
            size="sm",
            className="me-1 mb-1",
        )

    if release.status == STAGING:
        return [
            button("Periksa", "periksa", "primary"),
            button("Terbitkan", "terbitkan", "primary", False),
            button("Buang", "buang", "danger"),
        ]
    if release.status == PUBLISHED and not release.tampil:
        return [button("Tampilkan lagi", "kembalikan", "primary"), button("Hapus", "hapus", "danger")]
    return []


def release_table(store) -> html.Div:
    """Every release, newest first: what it is, its sources, who built and published it,
    and what can be done with it."""
    try:
        releases = store.list()
    except ReleaseError as err:
        return dbc.Alert(str(err), color="danger")
    if not releases:
        return html.P("Belum ada rilis.", className="small text-muted")
    body = []
    for r in reversed(releases):
        faded = r.status in (DISCARDED, DELETED)
        body.append(
            html.Tr(
                [
                    html.Th(r.nama, scope="row", className="text-nowrap"),
                    html.Td(_status(r)),
                    html.Td(fmt.tanggal(r.tanggal_referensi) if r.tanggal_referensi else "–", className="text-nowrap"),
                    html.Td(_sources(r)),
                    html.Td(
                        [
                            fmt.angka(r.baris.get("dimuat")),
                            html.Br(),
                            html.Span(f"{fmt.angka(r.baris.get('ditolak'))} ditolak", className="text-muted"),
                        ],
                        className="text-end text-nowrap",
                    ),
                    html.Td(fmt.angka(r.kk_desil_1), className="text-end"),
                    html.Td(_when(r.dibangun_pada, r.dibangun_oleh)),
                    html.Td(
                        _when(r.diterbitkan_pada, r.diterbitkan_oleh)
                        if not faded
                        else _when(r.dibuang_pada or r.dihapus_pada, r.dibuang_oleh or r.dihapus_oleh)
                    ),
                    html.Td(_actions(r)),
                ],
                className="text-muted" if faded else ("table-success" if r.tampil else ""),
            )
        )
    head = [
        "Nama",
        "Status",
        "Tanggal referensi",
        "Berkas sumber",
        "Baris dimuat",
        "KK desil 1",
        "Dibangun",
        "Terbit / dibuang",
        "Aksi",
    ]
    return _table(head, body, numeric=frozenset({4, 5}))


def confirm_modal() -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Konfirmasi")),
            dbc.ModalBody(id=ids.RILIS_KONFIRMASI_TEKS),
            dbc.ModalFooter(
                [
                    dbc.Button("Batal", id=ids.RILIS_KONFIRMASI_BATAL, color="secondary", outline=True),
                    dbc.Button("Ya", id=ids.RILIS_KONFIRMASI_YA, color="primary"),
                ]
            ),
        ],
        id=ids.RILIS_KONFIRMASI,
        is_open=False,
        centered=True,
    )


# --- the page ------------------------------------------------------------------------------------


def shown_job(work: Path, akun: str | None) -> dict | None:
    """The job the page opens with: the build running now (whoever started it), else this
    account's last build if it failed or was stopped in the past day (its message stays
    until the next build)."""
    running = release_job.running(work)
    if running is not None:
        return running
    mine = [j for j in release_job.jobs(work) if j.get("akun") == akun]
    if not mine or mine[-1].get("status") not in (release_job.FAILED, release_job.CANCELLED):
        return None
    ended = mine[-1].get("selesai_pada")
    if ended and dt.datetime.now().astimezone() - dt.datetime.fromisoformat(ended) > dt.timedelta(days=1):
        return None
    return mine[-1]


def pending_review(store) -> str | None:
    """The newest staging release: the one waiting for a decision."""
    try:
        staging = [r for r in store.list() if r.status == STAGING]
    except ReleaseError:
        return None
    return staging[-1].nama if staging else None


def page(route) -> dbc.Container:
    services = route.services
    app, store, work = services.app, services.releases, Path(services.work or config.CACHE_DIR / "app")
    principal = route.principal
    akun = principal.nama if principal is not None else None
    release_upload.remove_stale(work)  # raw exports hold personal data: none kept past a day
    session = release_upload.current_session(work, akun) if akun else None
    job = shown_job(work, akun)
    running = bool(job and job.get("status") == release_job.RUNNING)
    review = pending_review(store)
    return dbc.Container(
        [
            html.H1("Rilis data", className="h4 mt-2"),
            html.P(
                "Unggah ekspor P3KE dan DTKS terbaru, bangun rilisnya, periksa laporan kualitasnya, lalu terbitkan. "
                "Rilis yang terbit menjadi data yang dilihat semua pengguna; rilis lama dapat ditampilkan kembali.",
                className="small text-muted",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            upload_card(app),
                            dbc.Card(
                                dbc.CardBody(html.Div(files_table(session), id=ids.RILIS_BERKAS)),
                                className="shadow-sm mb-3",
                            ),
                        ],
                        lg=7,
                    ),
                    dbc.Col(build_card(running, job), lg=5),
                ]
            ),
            html.Div(id=ids.RILIS_PESAN, **{"aria-live": "polite"}),
            html.Div(report(app, store, review), id=ids.RILIS_LAPORAN),
            dbc.Card(
                dbc.CardBody(
                    [html.H2("Daftar rilis", className="h5"), html.Div(release_table(store), id=ids.RILIS_DAFTAR)]
                ),
                className="shadow-sm mb-3",
            ),
            dcc.Store(id=ids.RILIS_TUGAS, data=job["id"] if job else None),
            dcc.Interval(id=ids.RILIS_INTERVAL, interval=1000, disabled=not running),
            dcc.Store(id=ids.RILIS_PERIKSA, data=review),
            dcc.Store(id=ids.RILIS_KONFIRMASI_AKSI),
            confirm_modal(),
        ],
        fluid=True,
        className="pb-3",
    )
