"""Field verification as the command line and the app do it: make lists for chosen nagari
and import results, each within the person's scope, recorded in the results store and in
the audit log.

Everything here reads families through kantong.families (limited to the snapshot's scope)
and nagari through the scoped snapshot: a nagari outside the person's kab/kota is refused
by name, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kantong import families as family_store
from kantong import fmt
from kantong.access import Principal
from kantong.verval import lists, selection
from kantong.verval.importer import ImportResult, Source
from kantong.verval.results import ImportOutcome, ResultStore, import_files


class VervalError(ValueError):
    """A request that cannot be carried out, said in Indonesian for the person asking."""


@dataclass(frozen=True)
class Context:
    snapshot: Any  # kantong.data.Snapshot, already scoped to the person
    results: ResultStore
    principal: Principal | None  # None: the command line (the data officer)
    audit: Any = None  # kantong.audit.AuditLog
    alamat: str | None = None  # where the request came from, for the audit log

    @property
    def akun(self) -> str:
        return self.principal.nama if self.principal else "baris perintah"

    def may(self, permission: str) -> bool:
        return self.principal is None or self.principal.may(permission)

    def record(self, aksi: str, wilayah: str | None, **rincian) -> None:
        if self.audit is None:
            return
        p = self.principal
        self.audit.record(
            aksi,
            p.nama if p else self.akun,
            p.peran if p else None,
            self.alamat or ("baris perintah" if p is None else None),
            wilayah,
            **rincian,
        )

    def families(self) -> family_store.Families:
        found = family_store.families_for(self.snapshot)
        if found is None:
            raise VervalError(
                "Data keluarga (BNBA) untuk snapshot ini tidak ada. Bangun ulang snapshot dengan "
                "`python -m etl build` atau `python -m etl demo`."
            )
        return found


def nagari_rows(snapshot, codes: list[str]) -> list[dict]:
    """The chosen nagari with their names, in the order given; a code that is not a nagari
    of this (scoped) snapshot is refused with its code."""
    rows, wrong = [], []
    for kode in dict.fromkeys(codes):
        if len(kode) != 13 or not snapshot.has(kode):
            wrong.append(kode)
            continue
        region = snapshot.region(kode)
        rows.append(
            {
                "kode": kode,
                "nama": str(region["nama"]),
                "nama_kecamatan": str(region.get("nama_kecamatan") or ""),
                "nama_kabkota": str(region.get("nama_kabkota") or ""),
            }
        )
    if wrong:
        raise VervalError(
            "Nagari/desa tidak dikenal atau di luar wilayah akun ini: "
            + ", ".join(wrong[:10])
            + (f" (dan {len(wrong) - 10} lainnya)" if len(wrong) > 10 else "")
        )
    if not rows:
        raise VervalError("Pilih minimal satu nagari/desa.")
    return rows


@dataclass(frozen=True)
class MadeList:
    daftar: selection.VervalList
    files: dict[str, bytes]  # file name -> content
    daftar_id: int


def make_list(
    ctx: Context,
    codes: list[str],
    per_desa: int | None = selection.DEFAULT_PER_DESA,
    seed: int = 2023,
    show_nik: bool = False,
    alasan: str = "",
    today: dt.date | None = None,
) -> MadeList:
    """The lists of the chosen nagari in every format, kept in the results store (so their
    results can be checked against them) and written to the audit log. A full NIK needs
    the permission and a reason."""
    if not ctx.may("bnba"):
        raise VervalError("Akun ini tidak berwenang membuat daftar keluarga.")
    if show_nik and not ctx.may("bnba_nik"):
        raise VervalError("Akun ini tidak berwenang mengunduh NIK lengkap.")
    if show_nik and len(alasan.strip()) < 10:
        raise VervalError("NIK lengkap hanya dengan alasan tertulis (minimal 10 karakter).")
    nagari = nagari_rows(ctx.snapshot, codes)
    store = ctx.families()
    keluarga = store.keluarga([n["kode"] for n in nagari])
    anggota = store.anggota(keluarga.loc[keluarga["desil"] == 1, "id_keluarga"].tolist())
    daftar = selection.select(
        keluarga,
        nagari,
        per_desa=per_desa,
        seed=seed,
        anggota=anggota,
        dibuat=today or dt.date.today(),
        dibuat_oleh=ctx.akun,
    )
    files = lists.files(daftar, show_nik=show_nik)
    rows = [
        r
        for n in daftar.nagari
        for r in n.keluarga[["kode_desa", "id_keluarga", "alasan", "peringkat"]].to_dict("records")
    ]
    daftar_id = ctx.results.record_list(ctx.akun, daftar.aturan, rows, benih=seed, per_desa=per_desa)
    detail = {"daftar": daftar_id, "berkas": sorted(files), "baris": daftar.jumlah_terpilih, "nagari": len(nagari)}
    if show_nik:
        ctx.record("ekspor_nik", daftar.wilayah, alasan=alasan.strip(), **detail)
    else:
        ctx.record("daftar_verval", daftar.wilayah, **detail)
    return MadeList(daftar, files, daftar_id)


def known_families(ctx: Context) -> dict[str, str]:
    """id_keluarga -> kode_desa of every family the person may see."""
    store = ctx.families()
    frame = store.codes()
    return dict(zip(frame["id_keluarga"], frame["kode_desa"]))


def scope_codes(snapshot) -> list[str]:
    """Every nagari code of the (scoped) snapshot."""
    return list(snapshot.table("desa").index)


def import_results(
    ctx: Context, files: list[Source], now: dt.datetime | None = None, reread: bool = False
) -> tuple[ImportResult | None, ImportOutcome]:
    """Read result files and keep their answers: only for families the person may see (the
    others are "unknown family"), checked against the lists made for their nagari."""
    if not ctx.may("verval"):
        raise VervalError("Akun ini tidak berwenang mengimpor hasil verifikasi.")
    known = known_families(ctx)
    listed = ctx.results.listed_pairs(scope_codes(ctx.snapshot))
    result, outcome = import_files(ctx.results, files, known, listed or None, ctx.akun, now, reread)
    if result is not None:
        ctx.record(
            "impor_verval",
            ctx.snapshot.scope,
            impor=outcome.impor_id,
            berkas=[f.nama for f in result.files],
            dibaca=result.rows_read,
            diterima=outcome.diterima,
            ditolak=len(result.rejected),
        )
    return result, outcome


def tallies(ctx: Context) -> pd.DataFrame:
    """Per nagari of the scope with a list or a result: the verification counts."""
    return pd.DataFrame(ctx.results.tallies(scope_codes(ctx.snapshot)))


def action_list(
    ctx: Context, kind: str, show_nik: bool = False, alasan: str = "", today: dt.date | None = None
) -> tuple[str, bytes, int]:
    """A list to act on (kantong.verval.actions) for the person's whole scope: its file
    name, content and number of families. Logged like a verification list."""
    from kantong.verval import actions

    if kind not in actions.KINDS:
        raise VervalError(f"Jenis daftar tidak dikenal: {kind}")
    if not ctx.may("bnba"):
        raise VervalError("Akun ini tidak berwenang mengunduh daftar keluarga.")
    if show_nik and not ctx.may("bnba_nik"):
        raise VervalError("Akun ini tidak berwenang mengunduh NIK lengkap.")
    if show_nik and len(alasan.strip()) < 10:
        raise VervalError("NIK lengkap hanya dengan alasan tertulis (minimal 10 karakter).")
    results = ctx.results.results_frame(scope_codes(ctx.snapshot))
    store = ctx.families()
    keluarga = store.keluarga(sorted(set(results["kode_desa"])))
    today = today or dt.date.today()
    made = f"dibuat {fmt.tanggal(today)} oleh {ctx.akun}"
    wilayah = ctx.snapshot.scope or str(ctx.snapshot.akar["kode"])
    if kind == actions.USULAN:
        chosen = actions.proposed(results)
        anggota = store.anggota(chosen["id_keluarga"].tolist())
        data = actions.usulan_xlsx(ctx.snapshot, results, keluarga, anggota, show_nik, made)
        n = len(chosen)
    else:
        data = actions.needs_xlsx(ctx.snapshot, results, keluarga, show_nik, made)
        n = len(actions.eligible(results))
    name = actions.file_name(kind, wilayah, today)
    detail = {"berkas": name, "baris": n}
    if show_nik:
        ctx.record("ekspor_nik", wilayah, alasan=alasan.strip(), **detail)
    else:
        ctx.record("daftar_verval", wilayah, **detail)
    return name, data, n
