"""Action plans (rencana aksi) in an embedded SQLite database.

Every save appends a revision; nothing is ever updated in place. So when two people save
the same plan at once, both revisions are kept: the later one becomes current and says
which revision it did not build on, and the other stays in the plan's history.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS rencana (
    id INTEGER PRIMARY KEY,
    nama TEXT NOT NULL,
    dibuat_oleh TEXT NOT NULL,
    dibuat_pada TEXT NOT NULL,
    dihapus_pada TEXT
);
CREATE TABLE IF NOT EXISTS revisi (
    id INTEGER PRIMARY KEY,
    rencana_id INTEGER NOT NULL REFERENCES rencana(id),
    nomor INTEGER NOT NULL,
    dasar INTEGER,               -- the revision number this one was edited from
    penulis TEXT NOT NULL,
    disimpan_pada TEXT NOT NULL,
    snapshot_id TEXT NOT NULL,
    snapshot_nama TEXT NOT NULL,
    bobot TEXT NOT NULL,         -- JSON: criterion -> weight
    aturan TEXT NOT NULL,        -- JSON: the selection rule used
    nagari TEXT NOT NULL,        -- JSON: list of {kode, nama, ..., targets}
    UNIQUE (rencana_id, nomor)
);
"""


@dataclass
class Plan:
    id: int | None
    nama: str
    penulis: str
    snapshot_id: str
    snapshot_nama: str
    bobot: dict
    aturan: dict
    nagari: list[dict] = field(default_factory=list)
    revisi: int | None = None  # the revision this plan object was loaded from
    disimpan_pada: str | None = None
    dibuat_oleh: str | None = None
    catatan_konflik: str | None = None
    wilayah: str | None = None  # the kab/kota an operator's plan belongs to; None: the province

    def copy(self, nama: str, penulis: str) -> Plan:
        """A new plan (not yet saved) with this one's content, region and snapshot."""
        return Plan(
            None,
            nama,
            penulis,
            self.snapshot_id,
            self.snapshot_nama,
            self.bobot,
            self.aturan,
            self.nagari,
            wilayah=self.wilayah,
        )


class PlanStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con:
            con.executescript(SCHEMA)
            columns = {r["name"] for r in con.execute("PRAGMA table_info(rencana)")}
            if "wilayah" not in columns:  # stores made before plans carried their region
                con.execute("ALTER TABLE rencana ADD COLUMN wilayah TEXT")

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # explicit transactions
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA busy_timeout=30000")
        con.row_factory = sqlite3.Row
        return con

    def save(self, plan: Plan, now: dt.datetime | None = None) -> Plan:
        """Append a revision (creating the plan when new). Returns the saved plan."""
        stamp = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")  # one writer at a time; others wait, none is lost
            try:
                if plan.id is None:
                    cur = con.execute(
                        "INSERT INTO rencana (nama, dibuat_oleh, dibuat_pada, wilayah) VALUES (?, ?, ?, ?)",
                        (plan.nama, plan.penulis, stamp, plan.wilayah),
                    )
                    plan_id, latest = cur.lastrowid, 0
                else:
                    plan_id = plan.id
                    latest = con.execute(
                        "SELECT coalesce(max(nomor), 0) FROM revisi WHERE rencana_id = ?", (plan_id,)
                    ).fetchone()[0]
                    con.execute("UPDATE rencana SET nama = ? WHERE id = ?", (plan.nama, plan_id))
                nomor = latest + 1
                con.execute(
                    """INSERT INTO revisi (rencana_id, nomor, dasar, penulis, disimpan_pada, snapshot_id, snapshot_nama,
                                           bobot, aturan, nagari) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        plan_id,
                        nomor,
                        plan.revisi,
                        plan.penulis,
                        stamp,
                        plan.snapshot_id,
                        plan.snapshot_nama,
                        json.dumps(plan.bobot),
                        json.dumps(plan.aturan),
                        json.dumps(plan.nagari),
                    ),
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return self.open(plan_id)

    def open(self, plan_id: int, revisi: int | None = None) -> Plan:
        with closing(self._connect()) as con:
            head = con.execute("SELECT * FROM rencana WHERE id = ? AND dihapus_pada IS NULL", (plan_id,)).fetchone()
            if head is None:
                raise KeyError(plan_id)
            query = "SELECT * FROM revisi WHERE rencana_id = ? " + (
                "AND nomor = ?" if revisi else "ORDER BY nomor DESC LIMIT 1"
            )
            row = con.execute(query, (plan_id, revisi) if revisi else (plan_id,)).fetchone()
        conflict = None
        if row["dasar"] is not None and row["dasar"] != row["nomor"] - 1:
            conflict = (
                f"Revisi {row['nomor']} disimpan dari revisi {row['dasar']}; revisi di antaranya "
                "tetap tersimpan di riwayat rencana ini."
            )
        return Plan(
            id=plan_id,
            nama=head["nama"],
            penulis=row["penulis"],
            snapshot_id=row["snapshot_id"],
            snapshot_nama=row["snapshot_nama"],
            bobot=json.loads(row["bobot"]),
            aturan=json.loads(row["aturan"]),
            nagari=json.loads(row["nagari"]),
            revisi=row["nomor"],
            disimpan_pada=row["disimpan_pada"],
            dibuat_oleh=head["dibuat_oleh"],
            catatan_konflik=conflict,
            wilayah=head["wilayah"],
        )

    def history(self, plan_id: int) -> list[dict]:
        with closing(self._connect()) as con:
            rows = con.execute(
                "SELECT nomor, dasar, penulis, disimpan_pada FROM revisi WHERE rencana_id = ? ORDER BY nomor",
                (plan_id,),
            ).fetchall()
        return [dict(r) for r in rows]

    def list(self) -> list[dict]:
        with closing(self._connect()) as con:
            rows = con.execute(
                """SELECT r.id, r.nama, r.wilayah, r.dibuat_oleh, v.penulis, v.disimpan_pada, v.nomor AS revisi, v.snapshot_nama,
                          json_array_length(v.nagari) AS jumlah_nagari
                   FROM rencana r JOIN revisi v ON v.rencana_id = r.id
                   WHERE r.dihapus_pada IS NULL
                     AND v.nomor = (SELECT max(nomor) FROM revisi WHERE rencana_id = r.id)
                   ORDER BY v.disimpan_pada DESC, r.id DESC"""
            ).fetchall()
        return [dict(r) for r in rows]

    def duplicate(self, plan_id: int, nama: str, penulis: str) -> Plan:
        return self.save(self.open(plan_id).copy(nama, penulis))

    def delete(self, plan_id: int) -> None:
        """Hidden from lists; the revisions stay for the record."""
        with closing(self._connect()) as con:
            con.execute(
                "UPDATE rencana SET dihapus_pada = ? WHERE id = ?",
                (dt.datetime.now().astimezone().isoformat(timespec="seconds"), plan_id),
            )


class ScopedPlans:
    """The plan store as the person asking may use it: an operator sees, opens and saves
    only the plans of their kab/kota (a plan they save belongs to it, and may hold only its
    nagari); a role without plans ("rencana") sees none; the others see every plan."""

    def __init__(self, store: PlanStore, principal=None):
        self.store = store
        self._principal = principal

    def principal(self):
        from kantong.data import current_principal

        return self._principal if self._principal is not None else current_principal()

    def _visible(self, wilayah: str | None) -> bool:
        who = self.principal()
        if who is None:
            return True  # outside a request: the command line, tests of the store
        if not who.may("rencana"):
            return False
        return who.sees_all or wilayah == who.wilayah

    def list(self) -> list[dict]:
        return [p for p in self.store.list() if self._visible(p.get("wilayah"))]

    def open(self, plan_id: int, revisi: int | None = None) -> Plan:
        plan = self.store.open(plan_id, revisi)
        if not self._visible(plan.wilayah):
            raise KeyError(plan_id)  # as if it did not exist
        return plan

    def history(self, plan_id: int) -> list[dict]:
        self.open(plan_id)
        return self.store.history(plan_id)

    def save(self, plan: Plan, now: dt.datetime | None = None) -> Plan:
        who = self.principal()
        if who is not None:
            who.require("rencana")
            if not who.sees_all:
                outside = [r.get("kode") for r in plan.nagari if not who.in_full(str(r.get("kode", "")))]
                if outside:
                    raise PermissionError(f"nagari di luar {who.wilayah}: {', '.join(map(str, outside[:3]))}")
                plan.wilayah = who.wilayah
        if plan.id is not None:
            self.open(plan.id)  # an existing plan must be one this person may change
        return self.store.save(plan, now)

    def duplicate(self, plan_id: int, nama: str, penulis: str) -> Plan:
        return self.save(self.open(plan_id).copy(nama, penulis))

    def delete(self, plan_id: int) -> None:
        self.open(plan_id)
        self.store.delete(plan_id)


# --- drafts: the plan being worked on, kept in the browser until saved or discarded ----------

DRAFT_VERSION = 1
# Nobody logs in yet, so a draft belongs to the browser it was made in. The stored data is
# keyed by owner, so that with login (issue 12) each user's draft is kept apart by giving
# draft_owner() the user's id.
BROWSER = "peramban"


def draft_owner(user_id: str | None = None) -> str:
    """Whose draft the page reads and writes: the logged-in user, or (for now) the browser."""
    return f"pengguna:{user_id}" if user_id else BROWSER


def _plain(value):
    """A value as compared between two drafts: numbers as numbers (99 == 99.0 == "99"),
    text trimmed, empty as None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else float(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return _plain(float(text.replace(",", ".")))
    except ValueError:
        return text


@dataclass(frozen=True)
class Draft:
    """What a person works on in the Prioritas page: weights, the selection rule, the chosen
    nagari with their targets, the name and author, and the saved plan it started from."""

    bobot: dict = field(default_factory=dict)
    aturan: dict = field(default_factory=dict)
    pilihan: list = field(default_factory=list)
    target: list = field(default_factory=list)  # per chosen nagari: kode and its target fields
    nama: str = ""
    penulis: str = ""
    rencana_id: int | None = None
    revisi: int | None = None

    @classmethod
    def from_rows(cls, rows: list[dict] | None, fields: tuple[str, ...], **values) -> Draft:
        """From the plan table's rows: only the code and the target fields are kept (the other
        columns come from the snapshot)."""
        target = [{"kode": r["kode"], **{f: r.get(f) for f in fields}} for r in rows or [] if r.get("kode")]
        return cls(target=target, **values)

    @classmethod
    def from_json(cls, data) -> Draft | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                bobot=dict(data.get("bobot") or {}),
                aturan=dict(data.get("aturan") or {}),
                pilihan=[str(k) for k in data.get("pilihan") or []],
                target=[dict(t) for t in data.get("target") or [] if isinstance(t, dict) and t.get("kode")],
                nama=str(data.get("nama") or ""),
                penulis=str(data.get("penulis") or ""),
                rencana_id=int(data["rencana_id"]) if data.get("rencana_id") is not None else None,
                revisi=int(data["revisi"]) if data.get("revisi") is not None else None,
            )
        except (TypeError, ValueError):
            return None  # written by another version: ignored rather than breaking the page

    def to_json(self) -> dict:
        return {
            "bobot": self.bobot,
            "aturan": self.aturan,
            "pilihan": list(self.pilihan),
            "target": list(self.target),
            "nama": self.nama,
            "penulis": self.penulis,
            "rencana_id": self.rencana_id,
            "revisi": self.revisi,
        }

    def content(self) -> tuple:
        """What a person changes, comparable: equal when nothing a save would store differs.
        Weights of 0 and absent weights are the same; the order of the choice does not count;
        targets only of the chosen nagari."""
        chosen = set(self.pilihan)
        return (
            tuple(sorted((k, _plain(v)) for k, v in self.bobot.items() if _plain(v))),
            tuple(sorted((k, _plain(v)) for k, v in self.aturan.items())),
            tuple(sorted(chosen)),
            tuple(
                sorted(
                    (t["kode"], tuple(sorted((k, _plain(v)) for k, v in t.items() if k != "kode")))
                    for t in self.target
                    if t["kode"] in chosen
                )
            ),
            self.nama.strip(),
            self.penulis.strip(),
        )


@dataclass(frozen=True)
class DraftEntry:
    """One owner's draft: the state it started from (`dasar`: the page's default, an opened
    or a saved plan) and the state now (`kini`)."""

    dasar: Draft
    kini: Draft
    diubah_pada: str | None = None

    @property
    def berubah(self) -> bool:
        """Whether there is anything unsaved."""
        return self.kini.content() != self.dasar.content()


def read_draft(data, owner: str) -> DraftEntry | None:
    """The owner's draft in the browser's stored data, or None (none, or unreadable)."""
    if not isinstance(data, dict) or data.get("versi") != DRAFT_VERSION:
        return None
    entry = (data.get("draf") or {}).get(owner)
    if not isinstance(entry, dict):
        return None
    dasar, kini = Draft.from_json(entry.get("dasar")), Draft.from_json(entry.get("kini"))
    if dasar is None or kini is None:
        return None
    return DraftEntry(dasar, kini, entry.get("diubah_pada"))


def write_draft(data, owner: str, entry: DraftEntry | None) -> dict:
    """The browser's stored data with the owner's draft replaced (None: removed); other
    owners' drafts are kept."""
    drafts = dict(data.get("draf") or {}) if isinstance(data, dict) and data.get("versi") == DRAFT_VERSION else {}
    if entry is None:
        drafts.pop(owner, None)
    else:
        drafts[owner] = {"dasar": entry.dasar.to_json(), "kini": entry.kini.to_json(), "diubah_pada": entry.diubah_pada}
    return {"versi": DRAFT_VERSION, "draf": drafts}
