"""Field verification as the command line and the app do it: make lists for chosen nagari
and import results, each within the person's scope, recorded in the results store and in
the audit log.

Everything here reads families through kantong.families (limited to the snapshot's scope)
and nagari through the scoped snapshot: a nagari outside the person's kab/kota is refused
by name, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PureWindowsPath
from typing import Any

import pandas as pd

from kantong import families as family_store
from kantong import fmt
from kantong.access import Principal, mask_nik
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
    if show_nik:
        alasan = reason_text(alasan)
    nagari = nagari_rows(ctx.snapshot, codes)
    store = ctx.families()
    keluarga = store.keluarga([n["kode"] for n in nagari])
    desil_1 = keluarga[keluarga["desil"] == 1]
    # Members nagari by nagari: family IDs of one nagari lie close together in the store,
    # so each read touches a row group or two instead of the whole province's members.
    anggota = pd.concat(
        [store.anggota(ids) for _, ids in desil_1.groupby("kode_desa")["id_keluarga"]] or [store.anggota([])],
        ignore_index=True,
    )
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
    # Plain lists: iterating Arrow-backed columns element by element is 5× slower.
    return dict(zip(frame["id_keluarga"].tolist(), frame["kode_desa"].tolist()))


def scope_codes(snapshot) -> list[str]:
    """Every nagari code of the (scoped) snapshot."""
    return list(snapshot.table("desa").index)


def clean_file_name(name: str) -> str:
    """A file name as the audit log may hold it: the last part of any path (Windows too),
    no control characters, digit runs that could be a NIK masked, at most 120 characters."""
    base = PureWindowsPath(str(name)).name
    base = "".join(ch for ch in base if ch.isprintable())
    return re.sub(r"\d{10,}", lambda m: mask_nik(m.group()), base)[:120] or "(tanpa nama)"


def reason_text(alasan: str) -> str:
    """A reason for a full NIK as the audit log keeps it: at least 10 characters with words
    in it, at most 300, and no number that could be a NIK."""
    text = " ".join(str(alasan or "").split())
    if len(text) < 10 or len(text.split()) < 2 or len(re.findall(r"[^\W\d_]", text)) < 5:
        raise VervalError("NIK lengkap hanya dengan alasan tertulis (minimal 10 karakter, dengan kata-kata).")
    if re.search(r"\d{10,}", text):
        raise VervalError("Alasan tidak boleh memuat NIK atau nomor panjang lain.")
    return text[:300]


def import_results(
    ctx: Context, files: list[Source], now: dt.datetime | None = None, reread: bool = False
) -> tuple[ImportResult | None, ImportOutcome]:
    """Read result files and keep their answers: only for families the person may see (the
    others are "unknown family"), checked against the lists made for their nagari. Every
    attempt is in the audit log, also one that read nothing new or failed."""
    if not ctx.may("verval"):
        raise VervalError("Akun ini tidak berwenang mengimpor hasil verifikasi.")
    names = [clean_file_name(f[0] if isinstance(f, tuple) else getattr(f, "name", str(f))) for f in files]
    detail: dict = {"berkas": names, "hasil": "gagal"}
    try:
        known = known_families(ctx)
        listed = ctx.results.listed_pairs(scope_codes(ctx.snapshot))
        result, outcome = import_files(
            ctx.results, files, known, listed or None, ctx.akun, now, reread, wilayah=ctx.snapshot.scope
        )
        detail["hasil"] = "sudah pernah diimpor" if result is None else "dibaca"
        if result is not None:
            detail.update(
                impor=outcome.impor_id, dibaca=result.rows_read, diterima=outcome.diterima, ditolak=len(result.rejected)
            )
        return result, outcome
    finally:
        ctx.record("impor_verval", ctx.snapshot.scope or str(ctx.snapshot.akar["kode"]), **detail)


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
    if show_nik:
        alasan = reason_text(alasan)
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


# --- follow-ups (tindak lanjut) --------------------------------------------------------------


def _sentence(err: Exception) -> str:
    """A store's lower-case reason as a sentence for the person asking."""
    text = str(err).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _scope_name(ctx: Context) -> str:
    return ctx.snapshot.scope or str(ctx.snapshot.akar["kode"])


def add_follow_up(ctx: Context, tindak_lanjut, now: dt.datetime | None = None):
    """Record a follow-up (kantong.verval.results.FollowUp) for a nagari of the person's
    scope, or for one of its families. Refused with a VervalError for a nagari outside the
    scope, a family not of that nagari, a field that is not valid, or the same follow-up
    recorded before. Logged with its region and counts, never a name."""
    from kantong.verval import followups, importer
    from kantong.verval.results import _valid_follow_up

    if not ctx.may("verval"):
        raise VervalError("Akun ini tidak berwenang mencatat tindak lanjut.")
    if not (tindak_lanjut.kode_desa or "").strip():
        raise VervalError("Pilih nagari/desa.")
    missing = [
        label
        for value, label in (
            (tindak_lanjut.kebutuhan, "kebutuhan"),
            (tindak_lanjut.program, "program"),
            (tindak_lanjut.jenis_penyedia, "jenis penyedia"),
        )
        if not str(value or "").strip()
    ]
    if missing:
        raise VervalError("Lengkapi dulu: " + ", ".join(missing) + ".")
    kode = importer.kode_desa(tindak_lanjut.kode_desa or "")
    if kode is None or kode not in ctx.snapshot.table("desa").index:
        raise VervalError(
            f"Nagari/desa {tindak_lanjut.kode_desa or '(kosong)'} tidak dikenal atau di luar wilayah akun ini."
        )
    nama = ctx.snapshot.name(kode)
    id_keluarga = (tindak_lanjut.id_keluarga or "").strip()
    if id_keluarga:
        keluarga = ctx.families().keluarga([kode])
        if id_keluarga not in set(keluarga["id_keluarga"]):
            raise VervalError(
                f"Keluarga {id_keluarga} tidak terdaftar di {nama} ({kode}); tindak lanjut tidak disimpan."
            )
    try:
        fu = _valid_follow_up(tindak_lanjut)
    except ValueError as err:
        raise VervalError(_sentence(err)) from err
    key = followups.follow_up_key(fu)
    for old in ctx.results.follow_ups([kode]):
        if followups.follow_up_key(old) == key:
            raise VervalError(
                f"Tindak lanjut yang sama sudah tercatat (#{old.id}, {fmt.tanggal(old.dicatat_pada)}, "
                f"oleh {old.dicatat_oleh}); tidak disimpan lagi."
            )
    try:
        saved = ctx.results.add_follow_up(fu, ctx.akun, now)
    except ValueError as err:
        raise VervalError(_sentence(err)) from err
    ctx.record(
        "tindak_lanjut",
        kode,
        tindak_lanjut=[saved.id],
        jumlah=1,
        per_keluarga=1 if saved.id_keluarga else 0,
        per_nagari=0 if saved.id_keluarga else 1,
        kebutuhan=[saved.kebutuhan],
        status=saved.status,
    )
    return saved


def import_follow_ups(ctx: Context, name: str, data: bytes, now: dt.datetime | None = None):
    """Read a filled follow-up template (kantong.verval.followups) and record its rows that
    are valid and within the person's scope; a FollowUpImport says what was stored and
    which rows were refused and why. etl.errors.InputError when the file is no template."""
    from kantong.verval import followups

    if not ctx.may("verval"):
        raise VervalError("Akun ini tidak berwenang mencatat tindak lanjut.")
    codes = scope_codes(ctx.snapshot)
    accepted, rejected = followups.read_followups(name, data, codes, known_families(ctx), ctx.results.follow_ups(codes))
    outcome = followups.FollowUpImport(name, ditolak=rejected)
    for fu in accepted:
        try:
            outcome.tersimpan.append(ctx.results.add_follow_up(fu, ctx.akun, now))
        except ValueError as err:  # the family's answer places it in another nagari
            column = followups.LABELS["id_keluarga"]
            outcome.ditolak.append(followups.Rejected("keluarga_salah", str(err), name, fu.baris, fu.lembar, column))
    outcome.ditolak.sort(key=lambda r: (r.lembar or "", r.baris))
    stored = outcome.tersimpan
    ctx.record(
        "tindak_lanjut",
        _scope_name(ctx),
        berkas=name,
        dibaca=outcome.dibaca,
        jumlah=len(stored),
        ditolak=len(outcome.ditolak),
        per_keluarga=sum(1 for f in stored if f.id_keluarga),
        per_nagari=sum(1 for f in stored if not f.id_keluarga),
        nagari=len({f.kode_desa for f in stored}),
        kebutuhan=sorted({f.kebutuhan for f in stored}),
    )
    return outcome


def open_needs(ctx: Context) -> list[dict]:
    """Per nagari of the scope and need: eligible families, taken up, not yet (and the
    agency); only rows with something still open (ResultStore.open_needs)."""
    if not ctx.may("bnba"):
        raise VervalError("Akun ini tidak berwenang melihat kebutuhan keluarga.")
    return ctx.results.open_needs(scope_codes(ctx.snapshot))


def follow_ups(ctx: Context) -> list:
    """The follow-ups recorded in the scope, in the order recorded."""
    if not ctx.may("bnba"):
        raise VervalError("Akun ini tidak berwenang melihat tindak lanjut keluarga.")
    return ctx.results.follow_ups(scope_codes(ctx.snapshot))


def follow_up_template(ctx: Context, today: dt.date | None = None) -> tuple[str, bytes, int]:
    """The follow-up template for the person's whole scope, pre-filled with its open needs:
    its file name, content and number of pre-filled rows. Logged as a download."""
    from kantong.verval import followups

    if not ctx.may("verval"):
        raise VervalError("Akun ini tidak berwenang mencatat tindak lanjut.")
    needs = ctx.results.open_needs(scope_codes(ctx.snapshot))
    today = today or dt.date.today()
    data = followups.template_xlsx(ctx.snapshot, needs, f"dibuat {fmt.tanggal(today)} oleh {ctx.akun}")
    wilayah = _scope_name(ctx)
    name = f"templat-tindak-lanjut_{wilayah}_{today.isoformat()}.xlsx"
    ctx.record("ekspor", wilayah, berkas=name, baris=len(needs))
    return name, data, len(needs)


def eligible_families(ctx: Context, kode: str, log: bool = True) -> list[dict]:
    """The families of one nagari of the scope found and judged eligible, for choosing one
    to record a follow-up for: ID, head's name and needs (main first)."""
    from kantong.verval import actions

    if not ctx.may("bnba"):
        raise VervalError("Akun ini tidak berwenang melihat daftar keluarga.")
    if kode not in ctx.snapshot.table("desa").index:
        raise VervalError(f"Nagari/desa {kode} tidak dikenal atau di luar wilayah akun ini.")
    results = ctx.results.results_frame([kode])
    chosen = actions.eligible(results)
    if chosen.empty:
        return []
    names = ctx.families().keluarga([kode]).set_index("id_keluarga")["nama_kepala"]
    if log:
        # Heads' names reach the browser: a BNBA path, so it is in the audit log.
        ctx.record("data_keluarga", kode, baris=len(chosen), tujuan="pilihan keluarga tindak lanjut")
    return [
        {
            "id_keluarga": row["id_keluarga"],
            "nama_kepala": str(names.get(row["id_keluarga"]) or ""),
            "kebutuhan": actions.needs_of(row),
        }
        for row in chosen.to_dict("records")
    ]
