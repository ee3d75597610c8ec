"""A filled field verification for the demo: what KoboToolbox would export after operators
visited the families on the demo's verification lists (synthetic answers, generated here).

Like a real export it has a few faults for the importer to catch: two families submitted
twice (the later one counts), one family ID that is on no list, one answer that is not
among the choices and one submission without keberadaan.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd

from kantong.verval import choices

GROUP = "jawaban"  # the XLSForm's group: Kobo exports its fields as jawaban/<field>
PRESENCE = {"ditemukan": 0.86, "tidak_ditemukan": 0.05, "pindah": 0.04, "meninggal": 0.03, "ganda": 0.02}
ELIGIBLE = 0.82  # of the families found
NEEDS = {
    "bibit_ternak": 0.30,
    "pertanian": 0.24,
    "modal_usaha": 0.24,
    "perikanan": 0.07,
    "pendidikan": 0.12,
    "lainnya": 0.03,
}


def kobo_csv(chosen: pd.DataFrame, seed: int = 2023, start: dt.datetime | None = None) -> bytes:
    """A Kobo csv export (";"-separated, group paths with "/", select_multiple both as a
    space-separated column and as 0/1 columns) answering for the families in `chosen`
    (columns id_keluarga, kode_desa, di_dtks)."""
    rng = np.random.default_rng(seed)
    start = start or dt.datetime(2023, 9, 4, 8, 0, tzinfo=dt.timezone.utc)
    rows = []
    for i, family in enumerate(chosen.itertuples(index=False)):
        rows.append(_answer(rng, family.id_keluarga, family.kode_desa, bool(family.di_dtks), start, i))
    if len(rows) >= 6:
        # Faults, as field work brings them: two families sent twice (the later answer counts) ...
        for k in (1, 4):
            again = dict(rows[k])
            again["_submission_time"] = _time(start, len(rows) + k)
            again["_uuid"] = _uuid(rng)
            again[f"{GROUP}/keterangan"] = "Perbaikan setelah kunjungan ulang"
            rows.append(again)
        # ... a family on no list, an answer that is not a choice, and keberadaan left empty.
        stray = dict(rows[0], _uuid=_uuid(rng), _submission_time=_time(start, len(rows) + 7))
        stray[f"{GROUP}/{choices.FORM_FAMILY_FIELD}"] = "P3KE-TIDAK-ADA-0001"
        rows.append(stray)
        rows[2][f"{GROUP}/{choices.KEBUTUHAN_UTAMA.kode}"] = "sapi"
        rows[3][f"{GROUP}/{choices.KEBERADAAN.kode}"] = ""
    for index, row in enumerate(rows, start=1):
        row["_index"] = index
    columns = _columns()
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, delimiter=";", lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _columns() -> list[str]:
    fields = [f"{GROUP}/{choices.FORM_DESA_FIELD}", f"{GROUP}/{choices.FORM_FAMILY_FIELD}"]
    for q in choices.QUESTIONS:
        fields.append(f"{GROUP}/{q.kode}")
        if q.multiple:
            fields += [f"{GROUP}/{q.kode}/{c.kode}" for c in q.choices]
    return ["start", "end", *fields, "_id", "_uuid", "_submission_time", "_index"]


def _answer(rng, id_keluarga: str, kode_desa: str, di_dtks: bool, start: dt.datetime, i: int) -> dict:
    presence = rng.choice(list(PRESENCE), p=list(PRESENCE.values()))
    eligible = presence == "ditemukan" and rng.random() < ELIGIBLE
    main = other = None
    if eligible:
        names = list(NEEDS)
        main = rng.choice(names, p=list(NEEDS.values()))
        extra = int(rng.integers(0, 3))
        other = [n for n in rng.choice(names, size=extra, replace=False, p=list(NEEDS.values())) if n != main]
    row = {
        "start": _time(start, i, -20),
        "end": _time(start, i, -5),
        f"{GROUP}/{choices.FORM_DESA_FIELD}": kode_desa,
        f"{GROUP}/{choices.FORM_FAMILY_FIELD}": id_keluarga,
        f"{GROUP}/{choices.KEBERADAAN.kode}": presence,
        f"{GROUP}/{choices.KELAYAKAN.kode}": ("layak" if eligible else "tidak_layak")
        if presence == "ditemukan"
        else "",
        f"{GROUP}/{choices.USULAN_DTKS.kode}": ("tidak" if di_dtks else "ya") if eligible else "",
        f"{GROUP}/{choices.KEBUTUHAN_UTAMA.kode}": main or "",
        f"{GROUP}/{choices.KEBUTUHAN_LAIN.kode}": " ".join(other or []),
        f"{GROUP}/{choices.KETERANGAN.kode}": "",
        "_id": 100000 + i,
        "_uuid": _uuid(rng),
        "_submission_time": _time(start, i),
    }
    for c in choices.KEBUTUHAN_LAIN.choices:
        row[f"{GROUP}/{choices.KEBUTUHAN_LAIN.kode}/{c.kode}"] = int(c.kode in (other or [])) if eligible else ""
    return row


def _time(start: dt.datetime, i: int, minutes: int = 0) -> str:
    # About 12 visits a day, 09:00 to 15:00, Monday to Saturday.
    day, slot = divmod(i, 12)
    when = start + dt.timedelta(days=day + day // 6, minutes=30 * slot + minutes)
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def _uuid(rng) -> str:
    h = "".join(f"{b:02x}" for b in rng.integers(0, 256, 16))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def run(snapshot, results, audit=None, out_dir=None, seed: int = 2023) -> tuple[object, object]:
    """The demo's field verification, end to end: lists for the 2023 rule's priority nagari
    (the best-scoring nagari of each kab/kota), written to `out_dir` if given, answered in
    a Kobo-style export and imported, so the map shows results at once. Running it again
    imports nothing new (the same export)."""
    from kantong import priority
    from kantong.verval import service

    ctx = service.Context(snapshot, results, None, audit)
    codes = [row["kode"] for row in priority.starting_plan(snapshot, 2024).rows]
    made = service.make_list(ctx, codes, seed=seed, today=dt.date(2023, 9, 1))
    if out_dir is not None:
        from pathlib import Path

        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in made.files.items():
            (folder / name).write_bytes(data)
    chosen = pd.concat([n.keluarga for n in made.daftar.nagari], ignore_index=True)
    export = kobo_csv(chosen[["id_keluarga", "kode_desa", "di_dtks"]], seed=seed)
    outcome = service.import_results(ctx, [("kobo_verval_demo.csv", export)])
    follow_ups(results, codes, seed=seed)
    return made, outcome


# The programme that takes up each need in the demo's follow-ups.
PROGRAMME = {
    "bibit_ternak": "Bantuan bibit ternak",
    "pertanian": "Bantuan saprodi",
    "modal_usaha": "Bantuan modal usaha ekonomi produktif",
    "perikanan": "Bantuan alat tangkap dan benih ikan",
    "pendidikan": "Program Indonesia Pintar (KIP)",
    "lainnya": "Bantuan sosial daerah",
}
DELIVERED_SHARE = 0.6  # of the families a follow-up takes up, those whose support has arrived
TAKEN_UP_SHARE = 0.5  # of the open needs, those the demo's programmes take up


def follow_ups(results, codes: list[str], seed: int = 2023) -> int:
    """Follow-ups for part of the eligible families' needs, some delivered, some planned,
    so support shows in the plan's progress on first run. Nothing is added when the demo's
    nagari have follow-ups already (a second run). Returns how many were recorded."""
    from kantong.verval.results import FollowUp

    if results.follow_ups(codes):
        return 0
    rng = np.random.default_rng(seed + 7)
    added = 0
    for group in results.open_needs(codes):
        families = sorted(group["id_keluarga_belum"])
        taken = rng.permutation(len(families))[: int(len(families) * TAKEN_UP_SHARE)]
        for i in sorted(taken):
            delivered = rng.random() < DELIVERED_SHARE
            results.add_follow_up(
                FollowUp(
                    kode_desa=group["kode_desa"],
                    kebutuhan=group["kebutuhan"],
                    program=PROGRAMME[group["kebutuhan"]],
                    jenis_penyedia="pemerintah",
                    nama_penyedia=choices.AGENCY[group["kebutuhan"]],
                    sumber_dana="APBD",
                    status="disalurkan" if delivered else "direncanakan",
                    id_keluarga=families[i],
                    tanggal=dt.date(2023, 10, 2) + dt.timedelta(days=int(rng.integers(0, 90))),
                ),
                "demo",
            )
            added += 1
    return added
