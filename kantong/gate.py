"""The one gate in front of every request: login, session, CSRF, security headers.

Everything but the login page and static files needs a session: a page without one is sent
to the login page (and back afterwards), anything else (Dash callbacks and layout, boundary
files, downloads) answers 401. The person behind a session is `flask.g.principal`; the data
layer limits what they see (kantong.data.ScopedStore), so no callback can forget to.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure behind HTTPS) with an
idle timeout and an absolute lifetime; every state-changing request carries the session's
CSRF token (Dash's renderer sends the `_csrf_token` cookie back as `X-CSRFToken`; the login
form has it in a hidden field).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Response, abort, g, redirect, request, session

from etl import config
from kantong import policy
from kantong.access import Principal
from kantong.accounts import AccountStore
from kantong.audit import AuditLog

LOGIN_PATH = "/masuk"
LOGOUT_PATH = "/keluar"
CSRF_COOKIE = "_csrf_token"
CSRF_HEADER = "X-CSRFToken"
# Paths anyone may fetch: the login page, and the static files every page (the login page
# included) is built from. They hold no data.
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
PUBLIC_PATHS = (LOGIN_PATH,)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# An inline script (no src; JSON data blocks do not run and need no hash).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S)
ACCOUNT_RECHECK_S = 30  # how long a worker trusts its last look at an account (disabled, role)
SLOW_AFTER = 5  # failed logins from one address in SLOW_WINDOW_S before answers slow down
SLOW_WINDOW_S = 300


def secret_key(path: Path | None = None) -> bytes:
    """The key that signs session cookies: KANTONG_SECRET_KEY, or a random one kept in
    data/kunci_sesi (made on first start, readable by the owner only), shared by workers."""
    import os

    if os.environ.get("KANTONG_SECRET_KEY"):
        return os.environ["KANTONG_SECRET_KEY"].encode()
    path = path or config.DATA_DIR / "kunci_sesi"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_bytes(secrets.token_bytes(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # first worker wins; the others read its key
        except FileExistsError:
            pass
        tmp.unlink()
    return path.read_bytes()


MAX_REQUEST_BYTES = 32 * 2**20
MAX_UPLOAD_BYTES = 20 * 2**20  # one upload on the page (dcc.Upload max_size), before base64

# Dash's page routes (the index and every other path): what a person opens in the browser.
PAGE_ENDPOINTS = ("/", "/<path:path>")


@dataclass
class Gate:
    accounts: AccountStore
    audit: AuditLog
    prefix: str = "/"
    _seen: dict = field(default_factory=dict)  # account name -> (checked at, Account)
    _failures: dict = field(default_factory=lambda: defaultdict(deque))  # address -> failure times

    # --- who is asking ----------------------------------------------------------------

    def _account(self, nama: str):
        now = time.monotonic()
        hit = self._seen.get(nama)
        if hit is None or now - hit[0] > ACCOUNT_RECHECK_S:
            hit = (now, self.accounts.get(nama))
            self._seen[nama] = hit
        return hit[1]

    def current(self) -> Principal | None:
        """The principal of a valid session, or None (and the session is cleared)."""
        nama = session.get("akun")
        if not nama:
            return None
        now = time.time()
        idle = now - float(session.get("terakhir", 0)) > config.SESSION_IDLE_HOURS * 3600
        old = now - float(session.get("masuk", 0)) > config.SESSION_MAX_HOURS * 3600
        account = self._account(nama)
        if idle or old or account is None or not account.aktif:
            session.clear()
            return None
        if now - float(session.get("terakhir", 0)) > 60:  # refresh the idle clock once a minute
            session["terakhir"] = now
        return account.principal()

    # --- the gate -------------------------------------------------------------------------

    def _path(self) -> str:
        return "/" + request.path[len(self.prefix) :] if request.path.startswith(self.prefix) else request.path

    def is_public(self, path: str) -> bool:
        return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)

    def permission(self) -> str | None:
        """What this request needs (kantong.policy): a route's entry, and for a callback
        the callback's own; None when nobody may make it (not in the policy)."""
        needed = policy.ROUTES.get(request.endpoint or "")
        if needed is None or request.endpoint != "/_dash-update-component":
            return needed
        return policy.callback_permission(request.get_json(silent=True) or {})

    def refuse(self, principal: Principal, needed: str | None, path: str) -> Response:
        self.audit.record(
            "ditolak",
            principal.nama,
            principal.peran,
            _address(),
            principal.wilayah,
            alasan=needed or "tak terdaftar",
            jalur=path,
        )
        return Response("Akun ini tidak berwenang untuk permintaan ini.", 403, mimetype="text/plain")

    def before(self):
        path = self._path()
        g.principal = None
        g.public = self.is_public(path) or policy.ROUTES.get(request.endpoint or "") == policy.PUBLIC
        if g.public:
            return None
        principal = self.current()
        if principal is None:
            # A page sends the person to the login page; anything else a page asks for (a
            # callback, boundaries, a picture, a download) is refused outright.
            if request.method in SAFE_METHODS and request.endpoint in PAGE_ENDPOINTS:
                target = request.full_path.rstrip("?")
                return redirect(self.url(LOGIN_PATH) + "?" + urlencode({"next": target}))
            return Response("Sesi tidak ada atau berakhir: silakan masuk kembali.", 401, mimetype="text/plain")
        token = request.headers.get(CSRF_HEADER) or (request.form.get("csrf") if request.form else None)
        if request.method not in SAFE_METHODS and not self._csrf_ok(token):
            self.audit.record("ditolak", principal.nama, principal.peran, _address(), alasan="token CSRF", jalur=path)
            return Response("Token CSRF tidak ada atau tidak cocok.", 403, mimetype="text/plain")
        needed = self.permission()
        if needed is None or (needed != policy.VIEW and not principal.may(needed)):
            return self.refuse(principal, needed, path)
        g.principal = principal
        if request.method == "GET" and request.endpoint in PAGE_ENDPOINTS:
            self.audit.record("halaman", principal.nama, principal.peran, _address(), principal.wilayah, jalur=path)
        return None

    def _csrf_ok(self, token: str | None) -> bool:
        expected = session.get("csrf")
        return bool(token and expected and hmac.compare_digest(token, expected))

    def after(self, response: Response) -> Response:
        if session.get("csrf") and request.cookies.get(CSRF_COOKIE) != session["csrf"]:
            response.set_cookie(
                CSRF_COOKIE,
                session["csrf"],
                samesite="Lax",
                secure=config.SECURE_COOKIES,
                httponly=False,
                path=self.prefix,
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", self._csp_for(response))
        if (
            self._path().startswith(("/_dash-update", "/_dash-layout", "/unduh/", "/rilis/"))
            or self._path() == LOGIN_PATH
        ):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    csp = (
        "default-src 'self'; script-src 'self' {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "child-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    def _csp_for(self, response: Response) -> str:
        """The policy, allowing exactly the inline scripts this page carries (by hash): Dash's
        renderer start and the app's own small ones; nothing else inline runs."""
        hashes = ""
        if response.mimetype == "text/html" and not response.direct_passthrough:
            page = response.get_data(as_text=True)
            found = {
                "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
                for body in INLINE_SCRIPT.findall(page)
                if body.strip()
            }
            hashes = " ".join(sorted(found))
        return self.csp.format(scripts=hashes)

    def url(self, path: str) -> str:
        return self.prefix.rstrip("/") + path

    # --- login and logout -----------------------------------------------------------------

    def _slow_down(self, address: str) -> None:
        """A source address with many recent failures waits before each answer."""
        recent = self._failures[address]
        cutoff = time.monotonic() - SLOW_WINDOW_S
        while recent and recent[0] < cutoff:
            recent.popleft()
        if len(recent) >= SLOW_AFTER:
            time.sleep(min(5.0, 0.25 * (len(recent) - SLOW_AFTER + 1)))

    def login_page(self):
        error = ""
        next_url = _safe_next(request.values.get("next"), self.prefix)
        if request.method == "POST":
            if not self._csrf_ok(request.form.get("csrf")):
                error = "Formulir kedaluwarsa. Silakan coba lagi."
            else:
                address = _address()
                self._slow_down(address)
                nama = (request.form.get("username") or "").strip().lower()
                result = self.accounts.login(nama, request.form.get("password") or "")
                if result.ok:
                    account = result.account
                    session.clear()
                    session.permanent = True
                    now = time.time()
                    session.update(akun=account.nama, masuk=now, terakhir=now, csrf=secrets.token_urlsafe(32))
                    self._seen.pop(account.nama, None)
                    self.audit.record("login", account.nama, account.peran, address, account.wilayah)
                    return redirect(next_url)
                self._failures[address].append(time.monotonic())
                known = result.account
                self.audit.record(
                    "login_gagal",
                    known.nama if known else None,
                    known.peran if known else None,
                    address,
                    alasan=result.reason,
                )
                if result.locked_now:
                    self.audit.record("terkunci", known.nama, known.peran, address)
                error = {
                    "salah": "Nama akun atau kata sandi salah.",
                    "terkunci": "Akun terkunci sementara karena terlalu banyak percobaan gagal. "
                    "Coba lagi 15 menit lagi atau hubungi admin.",
                    "nonaktif": "Akun ini dinonaktifkan. Hubungi admin.",
                }[result.reason]
        if not session.get("csrf"):
            session["csrf"] = secrets.token_urlsafe(32)
        status = 401 if error else 200
        return Response(self._login_html(error, next_url), status, mimetype="text/html")

    def logout(self):
        principal = self.current()
        if request.method == "POST":
            if not self._csrf_ok(request.form.get("csrf") or request.headers.get(CSRF_HEADER)):
                abort(403)
            if principal is not None:
                self.audit.record("logout", principal.nama, principal.peran, _address(), principal.wilayah)
            session.clear()
            return redirect(self.url(LOGIN_PATH) + "?keluar=1")
        return redirect(self.url("/"))

    def _login_html(self, error: str, next_url: str) -> str:
        notice = ""
        if error:
            notice = f'<div class="alert alert-danger" role="alert">{html.escape(error)}</div>'
        elif request.args.get("keluar"):
            notice = '<div class="alert alert-success" role="status">Anda telah keluar.</div>'
        css = self.url("/assets/bootstrap/bootstrap.min.css")
        own = self.url("/assets/kantong/kantong.css")
        return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><title>Masuk · Kantong</title>
<link rel="stylesheet" href="{css}"><link rel="stylesheet" href="{own}"></head>
<body class="halaman-masuk"><main class="container" style="max-width: 26rem; margin-top: 12vh">
<h1 class="h3 mb-1">Kantong</h1><p class="text-muted mb-4">Peta kantong kemiskinan · Dinas Sosial</p>
{notice}
<form method="post" action="{self.url(LOGIN_PATH)}">
<input type="hidden" name="csrf" value="{html.escape(session.get("csrf", ""))}">
<input type="hidden" name="next" value="{html.escape(next_url)}">
<div class="mb-3"><label class="form-label" for="username">Nama akun</label>
<input class="form-control" id="username" name="username" autocomplete="username" required autofocus></div>
<div class="mb-3"><label class="form-label" for="password">Kata sandi</label>
<input class="form-control" id="password" name="password" type="password" autocomplete="current-password" required></div>
<button class="btn btn-primary w-100" type="submit">Masuk</button>
</form>
<p class="small text-muted mt-4">Data keluarga bersifat pribadi (UU 27/2022 tentang Pelindungan Data Pribadi).
Setiap akses dicatat.</p></main></body></html>"""


def _address() -> str:
    return request.remote_addr or "-"


def _safe_next(target: str | None, prefix: str) -> str:
    """Only a path on this site (no scheme, no host) may be where a login leads."""
    if not target:
        return prefix
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return prefix
    return target


def install(app, accounts: AccountStore, audit: AuditLog) -> Gate:
    """Put the gate in front of a Dash app's Flask server."""
    server = app.server
    prefix = app.config.requests_pathname_prefix or "/"
    gate = Gate(accounts, audit, prefix)
    server.secret_key = secret_key()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.SECURE_COOKIES,
        SESSION_COOKIE_NAME="kantong_sesi",
        PERMANENT_SESSION_LIFETIME=int(config.SESSION_MAX_HOURS * 3600),
        # No request body beyond this is read (Flask answers 413): the largest is an upload
        # of field results, a few MB for a kab/kota; base64 in JSON adds a third.
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    _share_principal_with_jobs()
    server.before_request(gate.before)
    server.after_request(gate.after)
    server.extensions["kantong_gate"] = gate
    server.add_url_rule(LOGIN_PATH, "masuk", gate.login_page, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "keluar", gate.logout, methods=["GET", "POST"])
    return gate


_hooked = False


def _share_principal_with_jobs() -> None:
    """Background callbacks (the deck) run in another process, without Flask's `g`: Dash
    copies the callback context's custom data to them, so the principal goes there."""
    global _hooked
    if _hooked:
        return
    from dataclasses import asdict

    from dash import hooks

    @hooks.custom_data("kantong_principal")
    def _principal(_context):
        principal = g.get("principal")
        return asdict(principal) if principal is not None else None

    @hooks.custom_data("kantong_alamat")
    def _job_address(_context):
        return _address()

    _hooked = True


def record_job(audit: AuditLog | None, aksi: str, wilayah: str | None = None, **rincian) -> None:
    """Append an audit row for the person who started the running background job (the
    deck), from what the gate gave the job (its callback context's custom data)."""
    from dash import ctx

    from kantong.data import current_principal

    principal = current_principal()
    if audit is None or principal is None:
        return
    alamat = (ctx.custom_data or {}).get("kantong_alamat")
    audit.record(aksi, principal.nama, principal.peran, alamat, wilayah or principal.wilayah, **rincian)


def record(aksi: str, wilayah: str | None = None, **rincian) -> None:
    """Append an audit row for the person behind the current request (a download, a plan
    saved); nothing outside a request or without the gate (command line, unit tests)."""
    from flask import current_app, has_request_context

    if not has_request_context():
        return
    gate = current_app.extensions.get("kantong_gate")
    principal = g.get("principal")
    if gate is None or principal is None:
        return
    gate.audit.record(aksi, principal.nama, principal.peran, _address(), wilayah or principal.wilayah, **rincian)
