"""Methodology: how indicators, the priority score, tiers and selection rules are defined."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from etl import config, indicators
from kantong import fmt, priority


def page(snapshot) -> dbc.Container:
    criteria = ", ".join(indicators.get(c).label_pendek for c in priority.CRITERIA)
    presets = [
        html.Tr(
            [
                html.Td(name),
                html.Td(", ".join(f"{indicators.get(k).label_pendek} ×{fmt.angka(v)}" for k, v in weights.items())),
            ]
        )
        for name, weights in priority.PRESETS.items()
    ]
    tiers, previous = [], 0.0
    for label, share in priority.TIERS:
        tiers.append(
            html.Li(
                f"{label}: peringkat di atas {fmt.persen(previous * 100, 0)} sampai {fmt.persen(share * 100, 0)} "
                "nagari yang memiliki KK desil 1"
            )
        )
        previous = share
    catalogue = [
        html.Tr([html.Td(html.Code(i.id)), html.Td(i.label), html.Td(i.satuan), html.Td(i.definisi)])
        for i in indicators.INDICATORS
    ]
    return dbc.Container(
        dbc.Card(
            dbc.CardBody(
                [
                    html.H1("Metodologi", className="h4"),
                    html.H2("Skor prioritas", className="h5 mt-3"),
                    dcc.Markdown(
                        "Setiap indikator terpilih *i* diskalakan ke 0–1 di antara semua nagari yang memiliki KK desil 1 "
                        "(min–maks): *xᵢ = (nilai − minimum) ÷ (maksimum − minimum)*. Untuk indikator yang makin tinggi "
                        "makin baik (cakupan bansos), dipakai *1 − xᵢ*. Skor nagari adalah rata-rata berbobot:\n\n"
                        "**skor = Σ wᵢ · xᵢ ÷ Σ wᵢ × 100** (0–100)\n\n"
                        "Sumbangan indikator *i* pada skor adalah *wᵢ · xᵢ ÷ Σ wᵢ × 100*; jumlah sumbangan sama dengan skor. "
                        "Indikator jumlah (KK, jiwa) mengutamakan kantong yang besar; indikator persentase mengutamakan "
                        "kantong yang parah. Nagari tanpa KK desil 1 tidak diberi skor dan tidak dapat dipilih. "
                        f"Indikator yang dapat diberi bobot: {criteria}."
                    ),
                    html.H3("Preset bobot", className="h6"),
                    dbc.Table(
                        [html.Thead(html.Tr([html.Th("Preset"), html.Th("Bobot")])), html.Tbody(presets)], size="sm"
                    ),
                    html.H3("Jenjang prioritas", className="h6"),
                    html.Ul(tiers),
                    html.H2("Aturan pemilihan", className="h5 mt-3"),
                    html.Ul(
                        [
                            html.Li("N teratas di provinsi: N nagari dengan skor tertinggi."),
                            html.Li(
                                "k teratas per kab/kota: k nagari terbaik di setiap kab/kota (asesmen 2023: 1 per kab/kota); "
                                "kab/kota dengan nagari layak kurang dari k menyumbang semua nagari layaknya."
                            ),
                            html.Li(
                                f"Berdasarkan anggaran: jumlah nagari = anggaran ÷ (biaya per KK × KK per nagari), "
                                f"{priority.FAMILIES_PER_NAGARI} KK per nagari sebagai bawaan; nagari dipilih menurut skor."
                            ),
                            html.Li(
                                "Skor sama: nagari dengan KK desil 1 lebih banyak didahulukan, lalu menurut kode wilayah."
                            ),
                            html.Li(
                                "Cakupan: KK desil 1 yang dinilai (paling banyak KK per nagari) dan KK desil 1 di nagari "
                                "terpilih, dibandingkan dengan seluruh KK desil 1 provinsi."
                            ),
                        ]
                    ),
                    html.H2("Target bawaan", className="h5 mt-3"),
                    html.Ul(
                        [
                            html.Li("Diusulkan ke DTKS: semua KK desil 1 yang belum masuk DTKS (exclusion error)."),
                            html.Li(
                                "Menerima bansos: semua KK desil 1 yang terdaftar di DTKS (yang sudah menerima ditambah yang belum)."
                            ),
                            html.Li(
                                "Graduasi: sepersepuluh KK desil 1, dibulatkan ke atas. Semua target dapat disunting."
                            ),
                        ]
                    ),
                    html.H2("Persentase dari angka kecil", className="h5 mt-3"),
                    html.P(
                        f"Persentase sebuah nagari yang hanya memiliki satu atau dua KK desil 1 bernilai 0% atau 100% karena "
                        f"kebetulan, sehingga memenuhi kelas tertinggi dan terendah peta serta puncak peringkat. Karena itu, "
                        f"persentase yang penyebutnya kurang dari {fmt.angka(config.MIN_PENYEBUT)} KK (atau jiwa) ditandai "
                        f"\u201cterlalu sedikit\u201d: diberi warna sendiri di peta dengan baris legenda dan jumlahnya, tidak "
                        f"ikut klasifikasi, peringkat, maupun skor prioritas, sedangkan jumlah KK-nya tetap tampil di profil "
                        f"dan tabel. Batas ini dapat diubah oleh pengelola (pengaturan KANTONG_MIN_PENYEBUT)."
                    ),
                    html.H2("Definisi indikator", className="h5 mt-3"),
                    dbc.Table(
                        [
                            html.Thead(
                                html.Tr(
                                    [html.Th("Kolom"), html.Th("Indikator"), html.Th("Satuan"), html.Th("Definisi")]
                                )
                            ),
                            html.Tbody(catalogue),
                        ],
                        size="sm",
                        responsive=True,
                        className="small",
                    ),
                    html.H2("Sumber data", className="h5 mt-3"),
                    html.P(
                        f"P3KE (Kemenko PMK) dan DTKS (Kemensos), tanggal referensi {fmt.tanggal(snapshot.tanggal_referensi)}; "
                        f"snapshot {snapshot.path.name} dibuat {fmt.tanggal(snapshot.dibuat_pada)}. Batas wilayah: "
                        f"{snapshot.summary['sumber']['batas_wilayah']['desa']['sumber']}."
                    ),
                ]
            ),
            className="shadow-sm",
        ),
        fluid="lg",
    )
