"""Verval & asesmen: lists of families to visit in the chosen nagari, the import of what
the field brought back, and the results per nagari."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

import ids
from kantong import fmt
from kantong.gate import MAX_UPLOAD_BYTES
from kantong.verval import selection
from kantong.verval.choices import KEBUTUHAN_UTAMA
from kantong.verval.results import PENYEDIA, STATUS
from layouts.main import DROPDOWN_LABELS
from layouts.priority import plan_options


def nagari_options(snapshot) -> list[dict]:
    """Every nagari of the (scoped) snapshot with desil-1 families, by kab/kota then name."""
    desa = snapshot.table("desa")
    desa = desa[desa["kk_desil_1"] > 0].sort_values(["nama_kabkota", "nama_kecamatan", "nama"])
    return [
        {
            "label": f"{r.nama} — Kec. {r.nama_kecamatan}, {r.nama_kabkota} ({fmt.angka(r.kk_desil_1)} KK desil 1)",
            "value": r.kode,
            "search": f"{r.nama} {r.nama_kecamatan} {r.nama_kabkota} {r.kode}",
        }
        for r in desa.itertuples()
    ]


def _field(label: str, control, help_text: str | None = None, html_for: str | None = None) -> html.Div:
    return html.Div(
        [dbc.Label(label, className="fw-semibold small mb-1", html_for=html_for), control]
        + ([html.Div(help_text, className="form-text")] if help_text else []),
        className="mb-3",
    )


def nik_choice(principal, checkbox: str, reason: str, wrapper: str, label: str) -> list:
    """A full NIK, for those allowed it, only with a written reason; the others are told
    the NIK is masked (and the callback gets False and "" from stores of the same ids)."""
    if principal is None or principal.may("bnba_nik"):
        return [
            dbc.Checkbox(id=checkbox, label=label, value=False),
            html.Div(
                _field(
                    "Alasan memerlukan NIK lengkap",
                    dbc.Input(id=reason, type="text", placeholder="mis. entri usulan DTKS di SIKS-NG"),
                    "Wajib, minimal 10 karakter; dicatat di jejak audit bersama nama berkasnya.",
                    html_for=reason,
                ),
                id=wrapper,
                style={"display": "none"},
                className="mt-2",
            ),
        ]
    return [
        html.Div("NIK pada daftar disamarkan (6 digit awal dan 4 digit akhir).", className="form-text"),
        dcc.Store(id=checkbox, data=False),
        dcc.Store(id=reason, data=""),
        html.Div(id=wrapper, style={"display": "none"}),
    ]


def list_card(snapshot, plans, principal) -> dbc.Card:
    nik = nik_choice(
        principal,
        ids.VERVAL_NIK,
        ids.VERVAL_ALASAN,
        ids.VERVAL_ALASAN_WADAH,
        "Sertakan NIK lengkap (hanya berkas Excel dan PDF)",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("1. Daftar keluarga untuk diverifikasi", className="h5"),
                html.P(
                    [
                        "Per nagari: keluarga desil 1 yang belum di DTKS lebih dahulu, lalu yang di DTKS tanpa bansos, "
                        "lalu desil 1 lainnya; urutan di dalam tiap kelompok diundi dengan benih acak sehingga adil "
                        "dan dapat diulang. Hasilnya satu berkas ZIP: Excel untuk kantor, PDF formulir cetak, "
                        "XLSForm untuk ODK Collect/KoboCollect beserta ",
                        html.Code("keluarga.csv"),
                        ".",
                    ],
                    className="small",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            _field(
                                "Ambil nagari dari rencana tersimpan",
                                dcc.Dropdown(
                                    id=ids.VERVAL_RENCANA,
                                    options=plan_options(plans),
                                    placeholder="Pilih rencana…",
                                    labels=DROPDOWN_LABELS,
                                ),
                                html_for=ids.VERVAL_RENCANA,
                            ),
                            lg=5,
                        ),
                        dbc.Col(
                            [
                                _field(
                                    "Nagari/desa",
                                    dcc.Dropdown(
                                        id=ids.VERVAL_NAGARI,
                                        options=nagari_options(snapshot),
                                        multi=True,
                                        placeholder="Ketik nama nagari, kecamatan atau kab/kota…",
                                        labels=DROPDOWN_LABELS,
                                    ),
                                    html_for=ids.VERVAL_NAGARI,
                                ),
                                # The field shows one chosen nagari and a count: here are all of them.
                                html.Div(
                                    id=ids.VERVAL_NAGARI_TERPILIH, className="small mb-3", **{"aria-live": "polite"}
                                ),
                            ],
                            lg=7,
                        ),
                    ]
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            _field(
                                "Keluarga per nagari",
                                dbc.RadioItems(
                                    id=ids.VERVAL_PER_DESA,
                                    options=[
                                        {
                                            "label": f"{selection.DEFAULT_PER_DESA} keluarga (seperti 2023)",
                                            "value": "30",
                                        },
                                        {"label": "Semua keluarga desil 1", "value": "semua"},
                                    ],
                                    value="30",
                                ),
                            ),
                            md=4,
                        ),
                        dbc.Col(
                            _field(
                                "Benih undian",
                                dbc.Input(id=ids.VERVAL_BENIH, type="number", value=2023, min=0, step=1),
                                "Benih yang sama memberi daftar yang sama.",
                                html_for=ids.VERVAL_BENIH,
                            ),
                            md=3,
                        ),
                        dbc.Col(nik, md=5),
                    ]
                ),
                dbc.Button("Buat dan unduh daftar", id=ids.VERVAL_BUAT, color="primary"),
                dcc.Download(id=ids.VERVAL_BERKAS),
                dcc.Loading(html.Div(id=ids.VERVAL_DAFTAR_HASIL, className="mt-3"), delay_show=300),
            ]
        ),
        className="shadow-sm mb-3",
    )


def import_card(principal) -> dbc.Card | None:
    if principal is not None and not principal.may("verval"):
        return None
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("2. Impor hasil lapangan", className="h5"),
                html.P(
                    "Berkas Excel daftar yang sudah diisi, ekspor CSV ODK Central, atau ekspor CSV/Excel "
                    "KoboToolbox. Setiap baris diterima atau ditolak dengan alasannya; keluarga yang dijawab dua "
                    "kali memakai jawaban terbaru; berkas yang sama tidak diimpor dua kali.",
                    className="small",
                ),
                dcc.Upload(
                    html.Div(["Seret berkas ke sini atau ", html.A("pilih berkas", href="#")]),
                    id=ids.VERVAL_UNGGAH,
                    multiple=True,
                    accept=".xlsx,.csv",
                    max_size=MAX_UPLOAD_BYTES,
                    className="unggah",
                ),
                dcc.Loading(html.Div(id=ids.VERVAL_IMPOR_HASIL, className="mt-3"), delay_show=300),
            ]
        ),
        className="shadow-sm mb-3",
    )


def follow_up_nagari_options(snapshot) -> list[dict]:
    """The nagari of the (scoped) snapshot with families verified as eligible: those whose
    needs a follow-up can take up."""
    desa = snapshot.table("desa")
    desa = desa[desa["kk_verval_layak"] > 0].sort_values(["nama_kabkota", "nama_kecamatan", "nama"])
    return [
        {
            "label": f"{r.nama} — Kec. {r.nama_kecamatan}, {r.nama_kabkota} ({fmt.angka(r.kk_verval_layak)} KK layak)",
            "value": r.kode,
            "search": f"{r.nama} {r.nama_kecamatan} {r.nama_kabkota} {r.kode}",
        }
        for r in desa.itertuples()
    ]


def _choice_options(question) -> list[dict]:
    return [{"label": c.label, "value": c.kode} for c in question.choices]


def follow_up_form(snapshot) -> html.Div:
    """Record one follow-up, or import a filled template (for roles that may record)."""

    def dropdown(id_, options, placeholder, **kwargs):
        return dcc.Dropdown(id=id_, options=options, placeholder=placeholder, labels=DROPDOWN_LABELS, **kwargs)

    return html.Div(
        [
            html.H3("Catat tindak lanjut", className="h6"),
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            "Nagari/desa",
                            dropdown(
                                ids.VERVAL_TL_NAGARI,
                                follow_up_nagari_options(snapshot),
                                "Nagari dengan keluarga layak…",
                            ),
                            html_for=ids.VERVAL_TL_NAGARI,
                        ),
                        lg=5,
                    ),
                    dbc.Col(
                        _field(
                            "Keluarga (opsional)",
                            dropdown(ids.VERVAL_TL_KELUARGA, [], "Kosong: untuk seluruh nagari"),
                            "Kosong: program untuk seluruh keluarga nagari itu dengan kebutuhan ini.",
                            html_for=ids.VERVAL_TL_KELUARGA,
                        ),
                        lg=4,
                    ),
                    dbc.Col(
                        _field(
                            "Kebutuhan yang dijawab",
                            dropdown(ids.VERVAL_TL_KEBUTUHAN, _choice_options(KEBUTUHAN_UTAMA), "Pilih kebutuhan…"),
                            html_for=ids.VERVAL_TL_KEBUTUHAN,
                        ),
                        lg=3,
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            "Program",
                            dbc.Input(
                                id=ids.VERVAL_TL_PROGRAM, type="text", placeholder="mis. Bantuan bibit sapi 2025"
                            ),
                            html_for=ids.VERVAL_TL_PROGRAM,
                        ),
                        lg=4,
                    ),
                    dbc.Col(
                        _field(
                            "Jenis penyedia",
                            dbc.Select(id=ids.VERVAL_TL_JENIS, options=_choice_options(PENYEDIA), placeholder="Pilih…"),
                            html_for=ids.VERVAL_TL_JENIS,
                        ),
                        lg=2,
                    ),
                    dbc.Col(
                        _field(
                            "Nama penyedia",
                            dbc.Input(id=ids.VERVAL_TL_PENYEDIA, type="text", placeholder="mis. Dinas Peternakan"),
                            html_for=ids.VERVAL_TL_PENYEDIA,
                        ),
                        lg=3,
                    ),
                    dbc.Col(
                        _field(
                            "Sumber dana",
                            dbc.Input(id=ids.VERVAL_TL_SUMBER, type="text", placeholder="mis. APBD 2025"),
                            html_for=ids.VERVAL_TL_SUMBER,
                        ),
                        lg=3,
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            "Status",
                            dbc.RadioItems(
                                id=ids.VERVAL_TL_STATUS,
                                options=_choice_options(STATUS),
                                value="direncanakan",
                                inline=True,
                            ),
                        ),
                        lg=3,
                    ),
                    dbc.Col(
                        _field(
                            "Tanggal",
                            # The browser's own date field: its calendar speaks the person's language
                            # (dcc.DatePickerSingle's would be English); the value is TTTT-BB-HH.
                            dbc.Input(id=ids.VERVAL_TL_TANGGAL, type="date", min="2000-01-01", max="2099-12-31"),
                            "Rencana atau tanggal penyaluran.",
                            html_for=ids.VERVAL_TL_TANGGAL,
                        ),
                        lg=3,
                    ),
                    dbc.Col(
                        _field(
                            "Keterangan",
                            dbc.Input(id=ids.VERVAL_TL_KETERANGAN, type="text"),
                            html_for=ids.VERVAL_TL_KETERANGAN,
                        ),
                        lg=6,
                    ),
                ]
            ),
            dbc.Button("Simpan", id=ids.VERVAL_TL_SIMPAN, color="primary"),
            html.Div(id=ids.VERVAL_TL_PESAN, className="mt-2", role="status"),
            html.H3("Impor dari Excel", className="h6 mt-4"),
            html.P(
                "Templat berisi satu baris per kebutuhan yang belum ditindaklanjuti di setiap nagari; isi Program, "
                "Jenis penyedia dan Status, lalu unggah kembali. Setiap baris diterima atau ditolak dengan alasannya.",
                className="small",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Button(
                                "Unduh templat tindak lanjut (xlsx)",
                                id=ids.VERVAL_TL_TEMPLAT,
                                color="primary",
                                outline=True,
                            ),
                            dcc.Download(id=ids.VERVAL_TL_TEMPLAT_BERKAS),
                            html.Div(id=ids.VERVAL_TL_TEMPLAT_PESAN),
                        ],
                        md=5,
                        className="mb-2",
                    ),
                    dbc.Col(
                        dcc.Upload(
                            html.Div(
                                ["Seret templat yang sudah diisi ke sini atau ", html.A("pilih berkas", href="#")]
                            ),
                            id=ids.VERVAL_TL_UNGGAH,
                            accept=".xlsx",
                            className="unggah",
                        ),
                        md=7,
                    ),
                ]
            ),
            dcc.Loading(html.Div(id=ids.VERVAL_TL_IMPOR_HASIL, className="mt-2"), delay_show=300),
        ],
        className="mb-3",
    )


def follow_up_card(snapshot, principal) -> dbc.Card:
    """Follow-ups: the form and the import for roles that may record them; the needs not
    yet taken up and the follow-ups recorded for everyone on the page (filled on load)."""
    writes = principal is None or principal.may("verval")
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("4. Tindak lanjut", className="h5"),
                html.P(
                    "Program yang mengambil kebutuhan keluarga layak hasil asesmen, per keluarga atau untuk seluruh "
                    "nagari: dari OPD, CSR, BAZNAS/ZIS, donor atau lainnya, direncanakan atau sudah disalurkan.",
                    className="small",
                ),
                follow_up_form(snapshot) if writes else None,
                dcc.Store(id=ids.VERVAL_TL_MUAT, data=0),
                html.H3("Kebutuhan yang belum ditindaklanjuti", className="h6"),
                dcc.Loading(html.Div(id=ids.VERVAL_TL_BELUM), delay_show=300),
                html.H3("Tindak lanjut tercatat", className="h6 mt-3"),
                html.Div(id=ids.VERVAL_TL_DAFTAR),
            ]
        ),
        className="shadow-sm mb-3",
    )


def page(snapshot, plans, principal, rekap) -> dbc.Container:
    """`rekap`: the results per nagari (callbacks.verval.rekap_table)."""
    return dbc.Container(
        [
            html.H1("Verifikasi & asesmen lapangan", className="h4 mt-2"),
            list_card(snapshot, plans, principal),
            import_card(principal),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H2("3. Hasil per nagari", className="h5"),
                        html.Div(rekap, id=ids.VERVAL_REKAP),
                        html.H3("Daftar tindak lanjut", className="h6 mt-3"),
                        html.P(
                            "Untuk seluruh wilayah akun ini: keluarga layak yang diusulkan masuk DTKS, dengan data "
                            "yang diperlukan untuk entri di SIKS-NG; dan keluarga per kebutuhan, satu lembar per "
                            "kebutuhan beserta dinas yang dapat membantu.",
                            className="small",
                        ),
                        dbc.Row(
                            [
                                dbc.Col(
                                    [
                                        dbc.Button(
                                            "Unduh usulan DTKS (SIKS-NG)",
                                            id=ids.VERVAL_TINDAK_USULAN,
                                            color="primary",
                                            outline=True,
                                            className="me-2 mb-2",
                                        ),
                                        dbc.Button(
                                            "Unduh daftar per kebutuhan",
                                            id=ids.VERVAL_TINDAK_KEBUTUHAN,
                                            color="primary",
                                            outline=True,
                                            className="mb-2",
                                        ),
                                    ],
                                    md=6,
                                ),
                                dbc.Col(
                                    nik_choice(
                                        principal,
                                        ids.VERVAL_TINDAK_NIK,
                                        ids.VERVAL_TINDAK_ALASAN,
                                        ids.VERVAL_TINDAK_ALASAN_WADAH,
                                        "Sertakan NIK lengkap",
                                    ),
                                    md=6,
                                ),
                            ]
                        ),
                        dcc.Download(id=ids.VERVAL_TINDAK_BERKAS),
                        html.Div(id=ids.VERVAL_TINDAK_PESAN),
                    ]
                ),
                className="shadow-sm mb-3",
            ),
            follow_up_card(snapshot, principal),
        ],
        fluid=True,
    )
