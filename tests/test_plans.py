"""Plans in SQLite: save, reopen, duplicate, delete; concurrent saves lose nothing."""

import threading

from kantong.plans import Plan, PlanStore


def _plan(nama="Rencana Aksi 2024", penulis="Kabid Penanganan Fakir Miskin"):
    return Plan(
        None,
        nama,
        penulis,
        "demo-1",
        "demo",
        {"kk_desil_1": 3},
        {"aturan": "per_kabkota", "k": 1},
        [{"kode": "13.06.01.2001", "nama": "Nagari A", "target_usul_dtks": 5}],
    )


def test_save_reopen_list_duplicate_delete(tmp_path):
    store = PlanStore(tmp_path / "rencana.sqlite")
    saved = store.save(_plan())
    assert saved.id and saved.revisi == 1 and saved.snapshot_id == "demo-1"
    reopened = PlanStore(tmp_path / "rencana.sqlite").open(saved.id)  # a new process sees it
    assert reopened.nagari[0]["target_usul_dtks"] == 5 and reopened.bobot == {"kk_desil_1": 3}
    copy = store.duplicate(saved.id, "Rencana Aksi 2024 (salinan)", "Staf")
    assert [p["nama"] for p in store.list()] == ["Rencana Aksi 2024 (salinan)", "Rencana Aksi 2024"]  # newest first
    store.delete(copy.id)
    assert [p["id"] for p in store.list()] == [saved.id]


def test_two_people_saving_at_once_keep_both_changes(tmp_path):
    store = PlanStore(tmp_path / "rencana.sqlite")
    base = store.save(_plan())
    results = []
    both_opened = threading.Barrier(2)

    def edit(penulis, target):
        plan = store.open(base.id)
        both_opened.wait(timeout=10)  # both have revision 1 open before either saves
        plan.penulis = penulis
        plan.nagari = [dict(plan.nagari[0], target_usul_dtks=target)]
        results.append(store.save(plan))

    threads = [threading.Thread(target=edit, args=(f"Staf {i}", 10 + i)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    history = store.history(base.id)
    assert [h["nomor"] for h in history] == [1, 2, 3]
    assert {h["penulis"] for h in history[1:]} == {"Staf 0", "Staf 1"}
    assert all(h["dasar"] == 1 for h in history[1:])  # both edited revision 1
    latest = store.open(base.id)
    assert latest.revisi == 3 and latest.catatan_konflik  # the later save is told
    other = store.open(base.id, revisi=2)
    assert {other.nagari[0]["target_usul_dtks"], latest.nagari[0]["target_usul_dtks"]} == {10, 11}


def _draft(**changes):
    from kantong.plans import Draft

    values = {
        "bobot": {"kk_desil_1": 3.0, "kk_d1_non_dtks": 0},
        "aturan": {"aturan": "per_kabkota", "k": 1, "anggaran": 570000000.0},
        "pilihan": ["13.01.01.2001", "13.71.01.1001"],
        "target": [
            {"kode": "13.01.01.2001", "tahun": 2026, "target_usul_dtks": 5},
            {"kode": "13.71.01.1001", "tahun": 2026, "target_usul_dtks": 1},
        ],
        "nama": "Rencana Aksi 2026",
        "penulis": "",
    }
    return Draft(**(values | changes))


def test_a_draft_changes_only_with_what_a_save_would_store():
    base = _draft()
    # As the browser sends it back: numbers as JSON gives them, a zero weight left out, the
    # choice in another order, a target typed as text.
    same = _draft(
        bobot={"kk_desil_1": 3},
        aturan={"aturan": "per_kabkota", "k": 1.0, "anggaran": 570000000},
        pilihan=["13.71.01.1001", "13.01.01.2001"],
        target=[
            {"kode": "13.71.01.1001", "tahun": 2026.0, "target_usul_dtks": "1"},
            {"kode": "13.01.01.2001", "tahun": 2026, "target_usul_dtks": 5},
            {"kode": "13.06.01.2001", "tahun": 2026, "target_usul_dtks": 9},  # not chosen: no matter
        ],
        nama=" Rencana Aksi 2026 ",
        rencana_id=4,
        revisi=2,
    )
    assert same.content() == base.content()
    assert _draft(target=[{"kode": "13.01.01.2001", "tahun": 2026, "target_usul_dtks": 7}]).content() != base.content()
    assert _draft(pilihan=["13.01.01.2001"]).content() != base.content()
    assert _draft(bobot={"kk_desil_1": 2}).content() != base.content()
    assert _draft(penulis="Kabid PFM").content() != base.content()


def test_drafts_are_kept_per_owner_and_survive_a_round_trip_through_json():
    import json

    from kantong.plans import BROWSER, DraftEntry, draft_owner, read_draft, write_draft

    assert draft_owner() == BROWSER and draft_owner("17") == "pengguna:17"  # a later login scopes drafts by user
    edited = _draft(penulis="Kabid PFM")
    stored = write_draft(None, draft_owner(), DraftEntry(_draft(), edited, "2025-05-20T10:15:00+07:00"))
    stored = write_draft(stored, draft_owner("17"), DraftEntry(_draft(), _draft(), None))
    stored = json.loads(json.dumps(stored))  # what localStorage gives back
    mine = read_draft(stored, draft_owner())
    assert mine.kini == edited and mine.berubah and mine.diubah_pada == "2025-05-20T10:15:00+07:00"
    assert not read_draft(stored, draft_owner("17")).berubah
    removed = write_draft(stored, draft_owner(), None)
    assert read_draft(removed, draft_owner()) is None and read_draft(removed, draft_owner("17")) is not None
    # Anything else in the browser's storage (an older format, junk) is no draft.
    assert read_draft({"versi": 0, "draf": {BROWSER: {}}}, BROWSER) is None
    assert read_draft({"versi": 1, "draf": {BROWSER: {"dasar": [], "kini": "x"}}}, BROWSER) is None
    assert read_draft("rusak", BROWSER) is None
