"""Signing in (docs/security.md): the OAuth2 password flow answers a bearer token that lives
SIMPUL_TOKEN_MINUTES; `me` says who a token or API key is."""
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from ..deps import AppSettings, Caller, Rpc
from ..forms import FORM_TYPE, PASSWORD_FORM_SCHEMA, password_form
from ..ratelimit import login_attempt
from ..security import sign_in, unauthorized
from ...schemas.auth import PrincipalOut, TokenOut

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
WRONG = "nama pengguna atau kata sandi salah"   # the same for either, so neither can be probed
FORM = {"requestBody": {"required": True, "content": {FORM_TYPE: {"schema": PASSWORD_FORM_SCHEMA}}}}


@router.post("/token", response_model=TokenOut, openapi_extra=FORM,
             summary="Sign in with a username and password (OAuth2 password flow)",
             responses={401: {"description": WRONG}, 415: {"description": f"Not {FORM_TYPE}"}},
             dependencies=[Depends(login_attempt)])   # counted before the form is read
def token(rpc: Rpc, settings: AppSettings, response: Response,
          form: Annotated[dict, Depends(password_form)]):
    answer = sign_in(rpc, settings, form["username"], form["password"])
    if answer is None:
        raise unauthorized(WRONG)
    response.headers["Cache-Control"] = "no-store"
    return answer


@router.get("/me", response_model=PrincipalOut, responses={401: {"description": "Not signed in"}},
            summary="Who the token or API key of this request is")
def me(who: Caller):
    return who.public()
