"""Authentication (docs/security.md): the principal of a request, from its bearer token (a
person) or its `X-API-Key` (an OPD's system). Each is looked up in the registry and kept
briefly (PRINCIPAL_CACHE_SECONDS), so a deactivated person or a revoked key is refused soon
after. No credentials: 401 with `WWW-Authenticate: Bearer`. The dashboard also takes the
token from its cookie, and in demo mode lets an anonymous visitor in as a viewer."""
import hashlib
import time
from typing import Optional
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from ..auth import tokens
from ..auth.principal import DEMO_VIEWER, Principal, of_api_key, of_person
from ..broker import RpcPool
from ..settings import Settings

TOKEN_URL = "/api/v1/auth/token"
COOKIE, COOKIE_PATH = "simpul_token", "/dashboard"   # the dashboard's token, sent nowhere else
LOGIN = "/dashboard/masuk"
MAX_KEY_LENGTH = 200
bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False,
                              description="A person: the token from `POST /api/v1/auth/token`")
api_key = APIKeyHeader(name="X-API-Key", auto_error=False,
                       description="An OPD's system: `sk_<key id>_<secret>` (admin creates it)")


def sign_in(rpc: RpcPool, settings: Settings, username: str, password: str) -> Optional[dict]:
    """The token answer for a username and password the registry accepts; else None."""
    person = rpc.call("registry", "authenticate", username, password)
    if person is None or not person.get("active"):
        return None
    minutes = settings.SIMPUL_TOKEN_MINUTES
    token = tokens.issue(person, settings.SIMPUL_JWT_SECRET, minutes, time.time())
    return {"access_token": token, "token_type": "bearer", "expires_in": minutes * 60,
            "role": person["role"], "person_id": person["id"]}


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def person_of_token(request: Request, token: str) -> Principal:
    state = request.app.state
    try:
        claims = tokens.verify(token, state.settings.SIMPUL_JWT_SECRET, time.time())
    except tokens.InvalidToken:
        raise unauthorized("token tidak sah atau sudah kedaluwarsa; masuk lagi") from None
    person = state.principals.get(("person", claims["sub"]),
                                  lambda: state.rpc.call("registry", "get_person", claims["sub"]),
                                  remember_none=False)
    if person is None or not person.get("active"):
        raise unauthorized("akun ini tidak dikenal atau tidak aktif")
    return of_person(person)


def key_holder(request: Request, key: str) -> Principal:
    state = request.app.state
    found = None
    if len(key) <= MAX_KEY_LENGTH:   # cached by the key's hash: the key itself is kept nowhere
        found = state.principals.get(("api_key", hashlib.sha256(key.encode()).hexdigest()),
                                     lambda: state.rpc.call("registry", "verify_api_key", key),
                                     remember_none=False)
    if found is None:
        raise unauthorized("kunci API tidak sah atau sudah dicabut")
    return of_api_key(found)


def authenticated(request: Request, token: Optional[str] = Depends(bearer),
                  key: Optional[str] = Depends(api_key)) -> Principal:
    """The caller, counted once against their rate limit (FastAPI runs this dependency once
    per request, however many others ask for it)."""
    if token:
        principal = person_of_token(request, token)
    elif key:
        principal = key_holder(request, key)
    else:
        raise unauthorized("perlu masuk: kirim `Authorization: Bearer <token>` (dari "
                           f"{TOKEN_URL}) atau `X-API-Key`")
    request.app.state.rate_limits.check("client", principal.id)
    return principal


def dashboard_visitor(request: Request, token: Optional[str] = Depends(bearer)) -> Principal:
    """Who looks at the dashboard: the token of the header or the cookie; with none, in demo
    mode, an anonymous viewer; else the way to the login page."""
    token = token or request.cookies.get(COOKIE)
    if token:
        try:
            return person_of_token(request, token)
        except HTTPException:
            raise to_login(request, forget=True) from None
    if request.app.state.settings.SIMPUL_DEMO:
        return DEMO_VIEWER
    raise to_login(request)


def to_login(request: Request, forget: bool = False) -> HTTPException:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    headers = {"Location": f"{LOGIN}?next={quote(here, safe='')}"}
    if forget:
        headers["Set-Cookie"] = f"{COOKIE}=; Max-Age=0; Path={COOKIE_PATH}; HttpOnly; SameSite=Lax"
    return HTTPException(303, detail="perlu masuk", headers=headers)
