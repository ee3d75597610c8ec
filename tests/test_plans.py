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
