"""Logging in for tests: over plain HTTP (Flask's test client) and in the browser."""

from __future__ import annotations

import re

PASSWORD = "sandi-uji-panjang-1"
ACCOUNTS = {
    "admin.uji": ("admin", None),
    "kadis.uji": ("pimpinan", None),
    "tamu.uji": ("tamu", None),
    "op.agam": ("operator", "13.06"),  # Kabupaten Agam, in the demo snapshot of the browser tests
}


def ensure_account(app, nama: str, peran: str, wilayah: str | None = None) -> None:
    accounts = app.kantong_accounts
    if accounts.get(nama) is None:
        accounts.add(nama, peran, PASSWORD, wilayah)


def login(client, app, nama: str = "admin.uji", peran: str | None = None, wilayah: str | None = None) -> str:
    """Log `client` in as `nama` (created if need be) and make it send the session's CSRF
    token with every request, as Dash's renderer does. Returns the token."""
    peran, wilayah = (peran, wilayah) if peran else ACCOUNTS.get(nama, ("admin", None))
    ensure_account(app, nama, peran, wilayah)
    page = client.get("/masuk").get_data(as_text=True)
    form_token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    answer = client.post("/masuk", data={"username": nama, "password": PASSWORD, "csrf": form_token, "next": "/"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    token = client.get_cookie("_csrf_token").value
    client.environ_base["HTTP_X_CSRFTOKEN"] = token
    return token


def browser_login(driver, server: str, nama: str = "admin.uji") -> None:
    """Log a Selenium browser in through the login page, as a person does."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(server + "/masuk")
    driver.find_element(By.NAME, "username").send_keys(nama)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: "/masuk" not in d.current_url)


# --- Dash callbacks over plain HTTP, as the browser's renderer sends them ------------------


def callback_body(app, output_has: str, values: dict) -> dict:
    output = next(k for k in app.callback_map if output_has in k.strip(".").split("..."))
    spec = app.callback_map[output]
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in output.strip(".").split("...")]

    def given(items):
        return [
            {**i, **({"value": values[f"{i['id']}.{i['property']}"]} if f"{i['id']}.{i['property']}" in values else {})}
            for i in items
        ]

    inputs = given(spec["inputs"])
    return {
        "output": output,
        "outputs": outputs if len(outputs) > 1 or output.startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs if "value" in i],
        "state": given(spec.get("state", [])),
    }


def post(client, app, output_has: str, values: dict):
    return client.post("/_dash-update-component", json=callback_body(app, output_has, values))
