"""The gateway's rate limits (docs/security.md, "Hostile input"): per client (the signed-in
person or API key, counted once per request by `security.authenticated`), per IP address on
signing in (`login_attempt`), and per Posyandu on filing (a report counts one, a visit one per
need). Each is a set of token buckets in this process, so every gateway replica counts on its
own; 0 a minute turns a limit off. A refused request answers 429 with `Retry-After` before
anything is sent to a service, and is counted in `simpul_gateway_rate_limited_total`."""
import time
from typing import Callable

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

from simpul_common import metrics

from ..settings import Settings
from .buckets import TokenBuckets, retry_after

WHOSE = {"client": "dari akun atau kunci API ini", "login": "masuk dari alamat IP ini",
         "posyandu": "laporan untuk Posyandu ini"}


class RateLimited(HTTPException):
    def __init__(self, limit: str, seconds: int):
        self.limit, self.retry_after = limit, seconds
        super().__init__(429, headers={"Retry-After": str(seconds)},
                         detail=f"terlalu banyak permintaan {WHOSE[limit]}; "
                                f"coba lagi dalam {seconds} detik")

    def answer(self) -> JSONResponse:
        body = {"detail": self.detail, "limit": self.limit, "retry_after": self.retry_after}
        return JSONResponse(body, status_code=429, headers=self.headers)


def configured(settings: Settings) -> dict[str, tuple[int, int]]:
    """Each limit's (per minute, burst), as the settings give them."""
    return {"client": (settings.RATE_LIMIT_CLIENT_PER_MINUTE, settings.RATE_LIMIT_CLIENT_BURST),
            "login": (settings.RATE_LIMIT_LOGIN_PER_MINUTE, settings.RATE_LIMIT_LOGIN_BURST),
            "posyandu": (settings.RATE_LIMIT_POSYANDU_PER_MINUTE,
                         settings.RATE_LIMIT_POSYANDU_BURST)}


class RateLimits:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic):
        most = settings.RATE_LIMIT_MAX_BUCKETS
        self.buckets = {limit: TokenBuckets(per_minute, burst, most, clock)
                        for limit, (per_minute, burst) in configured(settings).items()
                        if per_minute}

    def check(self, limit: str, key: str, cost: int = 1) -> None:
        """Counts `cost` against `key` under `limit`; RateLimited if that is too much now."""
        buckets = self.buckets.get(limit)
        wait = buckets.take(key, cost) if buckets is not None else 0.0
        if wait:
            metrics.rate_limited(limit)
            raise RateLimited(limit, retry_after(wait))

    def filing(self, posyandu_id: str, reports: int = 1) -> None:
        self.check("posyandu", posyandu_id, reports)


def login_attempt(request: Request) -> None:
    """A dependency counting a sign-in attempt against the caller's IP address, before its
    form is read. Behind a proxy, run uvicorn with `--proxy-headers` and
    `--forwarded-allow-ips` so that this is the client's address, not the proxy's."""
    request.app.state.rate_limits.check("login", request.client.host if request.client else "-")
