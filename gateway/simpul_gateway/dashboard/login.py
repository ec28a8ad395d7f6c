"""Signing in to the dashboard, which a browser opens: a form (`/dashboard/masuk`) that keeps
the access token in an HttpOnly, SameSite=Lax cookie sent only to /dashboard (the API never
reads it), and `/dashboard/keluar`, which drops it. In demo mode (SIMPUL_DEMO=1, as
`make run` and the tests run) the dashboard also opens without signing in, as a viewer."""
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..api.deps import AppSettings, Rpc
from ..api.forms import url_encoded
from ..api.ratelimit import RateLimited, login_attempt
from ..api.security import COOKIE, COOKIE_PATH, LOGIN, sign_in
from .markup import CSS, esc

router = APIRouter(prefix="/dashboard", tags=["dashboard"], include_in_schema=False)
HOME = "/dashboard"


def _target(path: str | None) -> str:
    """Where to go after signing in: a dashboard page, never another site."""
    path = path or HOME
    inside = path == HOME or path.startswith(HOME + "/") or path.startswith(HOME + "?")
    return path if inside and "\\" not in path and not path.startswith(LOGIN) else HOME


def login_page(target: str, message: str = "") -> str:
    refused = f'<p class="note" role="alert">{esc(message)}</p>' if message else ""
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Masuk · Simpul</title><style>{CSS}</style></head>
<body><header><h1>Masuk ke dasbor Simpul</h1></header>
<main><section>{refused}<form method="post" action="{LOGIN}">
<input type="hidden" name="next" value="{esc(target)}">
<p><label>Nama pengguna<br><input name="username" autocomplete="username" required></label></p>
<p><label>Kata sandi<br><input name="password" type="password" autocomplete="current-password"
 required></label></p>
<p><button type="submit">Masuk</button></p></form></section></main></body></html>"""


@router.get("/masuk", response_class=HTMLResponse)
def login_form(target: Annotated[str, Query(alias="next", max_length=2000)] = HOME):
    return HTMLResponse(login_page(_target(target)))


@router.post("/masuk")
def log_in(request: Request, rpc: Rpc, settings: AppSettings,
           form: Annotated[dict, Depends(url_encoded)]):
    target = _target(form.get("next"))
    try:
        login_attempt(request)
    except RateLimited as refused:   # a page for the browser, with the API's status and header
        message = f"{refused.detail[:1].upper()}{refused.detail[1:]}."
        return HTMLResponse(login_page(target, message), status_code=429, headers=refused.headers)
    username, password = form.get("username", ""), form.get("password", "")
    answer = sign_in(rpc, settings, username, password) if username and password else None
    if answer is None:
        return HTMLResponse(login_page(target, "Nama pengguna atau kata sandi salah."), status_code=401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, answer["access_token"], max_age=answer["expires_in"],
                        path=COOKIE_PATH, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")
    return response


@router.get("/keluar")
def log_out():
    response = RedirectResponse(LOGIN, status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax")
    return response
