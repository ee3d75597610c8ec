"""The admin page: accounts (create, disable, unlock, reset a password, remove) and the
audit log (filter, check the chain, export). Only an admin's session reaches its callbacks
(kantong.policy); the layout itself says so to anyone else."""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

import ids
from kantong.access import PERMISSION_LABEL, PERMISSIONS, ROLE_LABEL, ROLES
from kantong.audit import ACTIONS

ACCOUNT_ACTIONS = [
    {"label": "Nonaktifkan", "value": "disable"},
    {"label": "Aktifkan kembali", "value": "enable"},
    {"label": "Buka kunci", "value": "unlock"},
    {"label": "Setel kata sandi baru (isi kolom kata sandi di atas)", "value": "set-password"},
    {"label": "Hapus akun", "value": "remove"},
]


def role_table() -> dbc.Table:
    """What each role may do, from the policy itself (kantong.access.PERMISSIONS)."""
    rows = [
        html.Tr(
            [html.Td(ROLE_LABEL[r]), html.Td(", ".join(PERMISSION_LABEL[p] for p in sorted(PERMISSIONS[r])) or "—")]
        )
        for r in ROLES
    ]
    return dbc.Table(
        [
            html.Thead(html.Tr([html.Th("Peran"), html.Th("Boleh (selain melihat peta, profil dan peringkat)")])),
            html.Tbody(rows),
        ],
        size="sm",
        className="small",
    )


def page(snapshot, principal) -> html.Div:
    if principal is None or not (principal.may("akun") or principal.may("audit")):
        return dbc.Alert("Halaman ini hanya untuk admin provinsi.", color="warning", className="m-4")
    kabkota = snapshot.table("kabkota")
    regions = [{"label": f"{r.nama} ({r.kode})", "value": r.kode} for r in kabkota.itertuples()]
    today = dt.date.today()
    accounts = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Akun pengguna", className="h5"),
                html.Div(id=ids.ADMIN_AKUN_TABEL),
                html.H3("Buat akun", className="h6 mt-3"),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("Nama akun", html_for=ids.ADMIN_AKUN_NAMA),
                                dbc.Input(id=ids.ADMIN_AKUN_NAMA, autoComplete="off"),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Peran", html_for=ids.ADMIN_AKUN_PERAN),
                                dbc.Select(
                                    id=ids.ADMIN_AKUN_PERAN,
                                    value="tamu",
                                    options=[{"label": ROLE_LABEL[r], "value": r} for r in ROLES],
                                ),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Kab/kota (operator)", html_for=ids.ADMIN_AKUN_WILAYAH),
                                dbc.Select(
                                    id=ids.ADMIN_AKUN_WILAYAH, options=[{"label": "—", "value": ""}] + regions, value=""
                                ),
                            ],
                            md=3,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Kata sandi (min. 10 karakter)", html_for=ids.ADMIN_AKUN_SANDI),
                                dbc.Input(id=ids.ADMIN_AKUN_SANDI, type="password", autoComplete="new-password"),
                            ],
                            md=3,
                        ),
                    ],
                    className="g-2",
                ),
                dbc.Button("Buat akun", id=ids.ADMIN_AKUN_BUAT, color="primary", className="mt-2"),
                html.H3("Ubah akun", className="h6 mt-4"),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("Akun", html_for=ids.ADMIN_AKUN_PILIH),
                                dbc.Select(id=ids.ADMIN_AKUN_PILIH, options=[]),
                            ],
                            md=4,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Tindakan", html_for=ids.ADMIN_AKUN_AKSI),
                                dbc.Select(id=ids.ADMIN_AKUN_AKSI, options=ACCOUNT_ACTIONS, value="unlock"),
                            ],
                            md=5,
                        ),
                        dbc.Col(
                            dbc.Button("Jalankan", id=ids.ADMIN_AKUN_JALANKAN, color="secondary"),
                            md=3,
                            className="d-flex align-items-end",
                        ),
                    ],
                    className="g-2",
                ),
                html.Div(id=ids.ADMIN_AKUN_PESAN, className="mt-2", role="status"),
                html.H3("Peran dan wewenang", className="h6 mt-4"),
                role_table(),
            ]
        ),
        className="mb-3",
    )
    audit = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Jejak audit", className="h5"),
                html.Div(id=ids.ADMIN_AUDIT_RANTAI, className="small mb-2", role="status"),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("Dari", html_for=ids.ADMIN_AUDIT_DARI),
                                dbc.Input(
                                    id=ids.ADMIN_AUDIT_DARI,
                                    type="date",
                                    value=(today - dt.timedelta(days=7)).isoformat(),
                                ),
                            ],
                            md=2,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Sampai", html_for=ids.ADMIN_AUDIT_SAMPAI),
                                dbc.Input(id=ids.ADMIN_AUDIT_SAMPAI, type="date", value=today.isoformat()),
                            ],
                            md=2,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Akun", html_for=ids.ADMIN_AUDIT_AKUN),
                                dbc.Input(id=ids.ADMIN_AUDIT_AKUN, placeholder="semua"),
                            ],
                            md=2,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Aksi", html_for=ids.ADMIN_AUDIT_AKSI),
                                dbc.Select(
                                    id=ids.ADMIN_AUDIT_AKSI,
                                    value="",
                                    options=[{"label": "semua", "value": ""}]
                                    + [{"label": v, "value": k} for k, v in ACTIONS.items()],
                                ),
                            ],
                            md=2,
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Wilayah", html_for=ids.ADMIN_AUDIT_WILAYAH),
                                dbc.Input(id=ids.ADMIN_AUDIT_WILAYAH, placeholder="kode, mis. 13.06"),
                            ],
                            md=2,
                        ),
                        dbc.Col(
                            [
                                dbc.Button("Tampilkan", id=ids.ADMIN_AUDIT_TAMPIL, color="primary", className="me-2"),
                                dbc.Button("Unduh xlsx", id=ids.ADMIN_AUDIT_UNDUH, color="secondary"),
                            ],
                            md=2,
                            className="d-flex align-items-end",
                        ),
                    ],
                    className="g-2 mb-2",
                ),
                html.Div(id=ids.ADMIN_AUDIT_TABEL),
                dcc.Download(id=ids.ADMIN_AUDIT_BERKAS),
            ]
        )
    )
    return html.Div([html.H1("Admin", className="h4 mb-3"), accounts, audit], className="p-3")
