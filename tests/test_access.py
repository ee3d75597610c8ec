"""Access control over plain HTTP, as someone with curl would try it: the gate, the policy
covering every callback and route, scope against forged bodies, roles, CSRF, lockout and
the audit log (tests/fixtures.py: Kab. Contoh 13.01 with Alpha, Beta, Gamma, Epsilon;
Kota Contoh 13.71 with Delta)."""

from __future__ import annotations

import json
import re

import pytest

import ids
from kantong import policy
from kantong.data import SnapshotStore
from tests import fixtures
from tests.auth import PASSWORD, callback_body, ensure_account, login, post

KAB = ("13.01", "13.01.01", "13.01.02", "13.01.01.2001", "13.01.01.2002", "13.01.02.2001", "13.01.02.2002")
KAB_NAMES = ("Alpha", "Beta", "Gamma", "Epsilon")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return fixtures.built_root(tmp_path_factory.mktemp("access"))


@pytest.fixture(scope="module")
def app(root):
    return fixtures.fixture_app(root)


@pytest.fixture
def anonymous(app):
    return app.server.test_client()


@pytest.fixture
def operator_kota(app):
    client = app.server.test_client()
    login(client, app, "op.kota", "operator", "13.71")
    return client


def test_without_a_session_every_page_redirects_and_everything_else_answers_401(app, anonymous, root):
    snapshot = SnapshotStore(root / "snapshots").latest()
    for page in ("/", "/prioritas", "/rakor", "/metodologi", "/presentasi", "/admin", "/apa-saja"):
        answer = anonymous.get(page)
        assert answer.status_code == 302 and "/masuk?next=" in answer.headers["Location"], page
    for path in (
        "/_dash-layout",
        "/_dash-dependencies",
        f"/geo/{snapshot.id}/desa.geojson",
        f"/peta-awal/{snapshot.id}.svg",
        "/unduh/paket/x/y.pptx",
        "/_reload-hash",
    ):
        assert anonymous.get(path).status_code == 401, path
    for output in app.callback_map:
        body = {"output": output, "outputs": [], "inputs": [], "changedPropIds": [], "state": []}
        assert anonymous.post("/_dash-update-component", json=body).status_code == 401, output
    login_page = anonymous.get("/masuk")
    assert login_page.status_code == 200
    text = login_page.get_data(as_text=True)
    assert 'name="username"' in text and 'name="password"' in text and "Masuk" in text
    assert anonymous.get("/assets/kantong/kantong.css").status_code == 200  # static files stay public


def test_every_callback_and_route_is_in_the_policy(app):
    missing = [k for k in app.callback_map if policy.callback_permission({"output": k}) is None]
    assert not missing, f"callbacks without a policy entry: {missing}"
    endpoints = {rule.endpoint for rule in app.server.url_map.iter_rules()}
    assert not endpoints - set(policy.ROUTES), f"routes without a policy entry: {endpoints - set(policy.ROUTES)}"
    public = {e for e, p in policy.ROUTES.items() if p == policy.PUBLIC}
    assert public == {
        "static",
        "_dash_assets.static",
        "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
        "/_favicon.ico",
        "masuk",
    }


def test_a_kota_operator_forging_requests_for_the_kabupaten_gets_none_of_its_nagari(app, operator_kota, root):
    snapshot = SnapshotStore(root / "snapshots").latest()
    for search in (
        "?tingkat=desa&wilayah=13.01",
        "?tingkat=kecamatan&wilayah=13.01&profil=13.01.02.2001",
        "?tingkat=desa&wilayah=13&profil=13.01.01.2001",
    ):
        answer = post(operator_kota, app, f"{ids.PETA}.figure", {f"{ids.URL_PETA}.search": search})
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        assert not any(f'"{k}"' in text for k in KAB[1:]) and not any(n in text for n in KAB_NAMES), search
        profile = post(operator_kota, app, f"{ids.PROFIL}.children", {f"{ids.URL_PETA}.search": search})
        assert not any(n in profile.get_data(as_text=True) for n in KAB_NAMES), search
    found = post(operator_kota, app, f"{ids.CARI}.options", {f"{ids.CARI}.search_value": "Gamma"})
    assert "Gamma" not in found.get_data(as_text=True)
    geo = json.loads(operator_kota.get(f"/geo/{snapshot.id}/desa.geojson", headers={"Accept-Encoding": ""}).data)
    assert [f["properties"]["kode"] for f in geo["features"]] == ["13.71.01.1001"]
    assert operator_kota.get(f"/geo/{snapshot.id}@13.01/desa.geojson").status_code == 404
    # The map's first frame (a picture) is of their kota's nagari only: the kabupaten's
    # nagari are not there to draw, and the province's nagari are theirs alone.
    assert operator_kota.get(f"/peta-awal/{snapshot.id}.svg?tingkat=desa&wilayah=13.01").status_code == 404
    kota = snapshot.region("13.71.01.1001")
    picture = operator_kota.get(
        f"/peta-awal/{snapshot.id}.svg?tingkat=desa&wilayah=13", headers={"Accept-Encoding": ""}
    )
    assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"
    x, y, w, h = map(float, re.search(r'viewBox="([^"]+)"', picture.get_data(as_text=True)).group(1).split())
    assert (round(x, 5), round(x + w, 5)) == (round(kota["bbox_barat"], 5), round(kota["bbox_timur"], 5))
    assert operator_kota.get(f"/peta-awal/{snapshot.id}@13.01.svg").status_code == 404
    # Kab/kota totals stay visible for orientation.
    totals = post(operator_kota, app, f"{ids.PETA}.figure", {f"{ids.URL_PETA}.search": "?tingkat=kabkota"})
    assert sorted(json.loads(totals.data)["response"][ids.PETA]["figure"]["data"][0]["locations"]) == ["13.01", "13.71"]


def test_a_guest_gets_no_table_download_and_no_plans(app):
    guest = app.server.test_client()
    login(guest, app, "tamu.uji")
    table = {"format": "xlsx", "objek": "tabel", "type": ids.UNDUH_PETA}
    body = callback_body(app, f"{ids.UNDUH_PETA_BERKAS}.data", {})
    body["changedPropIds"] = [json.dumps(table, separators=(",", ":")) + ".n_clicks"]
    assert guest.post("/_dash-update-component", json=body).status_code == 403
    plan = callback_body(app, f"{ids.RENCANA_PESAN}.children", {})
    assert guest.post("/_dash-update-component", json=plan).status_code == 403
    image = dict(table, objek="peta", format="png")
    body["changedPropIds"] = [json.dumps(image, separators=(",", ":")) + ".n_clicks"]
    assert policy.callback_permission(body) == "unduh_gambar"


def test_a_request_without_the_csrf_token_is_refused(app):
    client = app.server.test_client()
    token = login(client, app, "kadis.uji")
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    body = callback_body(app, f"{ids.PETA}.figure", {f"{ids.URL_PETA}.search": "?tingkat=kabkota"})
    assert client.post("/_dash-update-component", json=body).status_code == 403
    forged = client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": "x" + token[1:]})
    assert forged.status_code == 403
    assert client.post("/_dash-update-component", json=body, headers={"X-CSRFToken": token}).status_code == 200


def test_ten_wrong_passwords_lock_the_account_and_everything_is_logged(app):
    ensure_account(app, "op.kunci", "operator", "13.01")
    client = app.server.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    answers = [
        client.post("/masuk", data={"username": "op.kunci", "password": "salah-salah-salah", "csrf": token})
        for _ in range(10)
    ]
    assert all(a.status_code == 401 for a in answers)
    assert "terkunci" in answers[-1].get_data(as_text=True)
    right = client.post("/masuk", data={"username": "op.kunci", "password": PASSWORD, "csrf": token})
    assert right.status_code == 401 and "terkunci" in right.get_data(as_text=True)
    audit = app.kantong_audit
    actions = [e.aksi for e in audit.entries(akun="op.kunci")]
    assert actions.count("login_gagal") == 11 and actions.count("terkunci") == 1
    assert audit.verify()[1] is None
    app.kantong_accounts.unlock("op.kunci")
    assert client.post("/masuk", data={"username": "op.kunci", "password": PASSWORD, "csrf": token}).status_code == 302


def test_an_operator_ranks_only_their_nagari_and_is_told_so(app, operator_kota):
    layout = operator_kota.get("/_dash-layout", headers={"Referer": "http://kantong.example/prioritas"})
    text = layout.get_data(as_text=True)
    assert "Skor prioritas dihitung di antara nagari Kota Contoh saja" in text
    assert not any(n in text for n in KAB_NAMES)
    # The scores are computed on the server from the scoped snapshot: no Kab. Contoh nagari.
    from kantong import priority
    from kantong.access import Principal
    from kantong.data import ScopedStore

    snapshot = ScopedStore(SnapshotStore(app.kantong_root), Principal("op.kota", "operator", "13.71")).latest()
    scored = priority.scored_for(snapshot, priority.weights_for(priority.DEFAULT_PRESET))
    assert list(scored.table.index) == ["13.71.01.1001"]


def test_plans_carry_their_region(tmp_path):
    from kantong.access import Principal
    from kantong.plans import Plan, PlanStore, ScopedPlans

    store = PlanStore(tmp_path / "rencana.sqlite")
    kota, kab = Principal("op.kota", "operator", "13.71"), Principal("op.kab", "operator", "13.01")
    row = {"kode": "13.71.01.1001", "nama": "Delta", "kk_desil_1": 1}
    mine = ScopedPlans(store, kota).save(Plan(None, "Rencana Kota", "op.kota", "s", "s", {}, {}, [row]))
    province = ScopedPlans(store, Principal("kadis", "pimpinan")).save(
        Plan(None, "Provinsi", "kadis", "s", "s", {}, {}, [row])
    )
    assert mine.wilayah == "13.71" and province.wilayah is None
    assert [p["nama"] for p in ScopedPlans(store, kota).list()] == ["Rencana Kota"]
    assert ScopedPlans(store, kab).list() == [] and ScopedPlans(store, Principal("t", "tamu")).list() == []
    with pytest.raises(KeyError):
        ScopedPlans(store, kab).open(mine.id)  # another kab/kota's plan does not exist for them
    with pytest.raises(PermissionError, match="di luar 13.01"):
        ScopedPlans(store, kab).save(Plan(None, "Curang", "op.kab", "s", "s", {}, {}, [row]))
    assert {p["nama"] for p in ScopedPlans(store, Principal("kadis", "pimpinan")).list()} == {
        "Rencana Kota",
        "Provinsi",
    }


def test_downloads_are_audited_with_their_file_and_rows(app):
    client = app.server.test_client()
    login(client, app, "kadis.uji")
    item = {"format": "csv", "objek": "tabel", "type": ids.UNDUH_PETA}
    output = next(k for k in app.callback_map if k.startswith(ids.UNDUH_PETA_BERKAS))
    body = {
        "output": output,
        "outputs": {"id": ids.UNDUH_PETA_BERKAS, "property": "data"},
        "inputs": [[{"id": item, "property": "n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(item, separators=(",", ":")) + ".n_clicks"],
        "state": [{"id": ids.URL_PETA, "property": "search", "value": "?tingkat=desa&wilayah=13.01"}],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    name = json.loads(answer.data)["response"][ids.UNDUH_PETA_BERKAS]["data"]["filename"]
    rows = app.kantong_audit.entries(akun="kadis.uji", aksi="ekspor")
    assert rows and rows[-1].rincian == {"berkas": name, "baris": 4} and rows[-1].wilayah == "13.01"


def test_a_request_body_beyond_the_limit_is_refused_unread(app):
    from kantong.gate import MAX_REQUEST_BYTES

    client = app.server.test_client()
    login(client, app)
    big = b"x" * (MAX_REQUEST_BYTES + 1)
    answer = client.post("/_dash-update-component", data=big, content_type="application/json")
    assert answer.status_code == 413


def test_a_callback_error_logs_which_inputs_but_never_their_values():
    from callbacks.errors import _described

    upload = "data:text/csv;base64," + "V2FyZ2EgU2VtYmlsYW4sMTM3MTAxMDEwMTUwMDAwOA=="  # a name and a NIK
    inputs = [
        {"id": "verval-unggah", "property": "contents", "value": [upload]},
        [{"id": "x", "property": "value", "value": "Warga Sembilan"}],
        {"id": "y", "property": "n_clicks", "value": None},
    ]
    described = _described(inputs)
    assert described == [
        {"id": "verval-unggah", "property": "contents", "ukuran": 1},
        [{"id": "x", "property": "value", "ukuran": 14}],
        {"id": "y", "property": "n_clicks", "ukuran": 0},
    ]
    assert "Warga" not in str(described) and "V2Fy" not in str(described)
