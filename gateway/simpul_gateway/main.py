"""The FastAPI application: `uvicorn simpul_gateway.main:app`."""
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from simpul_common import logs, sealing
from simpul_common.cache import TtlCache
from simpul_common.deadletters import DeadLetters
from simpul_common.nameko_ext.storage import connect

from .api import limits, metrics, responses
from .api.routes import (api_keys, audit, auth, cases, dead_letters, deliveries, health, inbox,
                         opds, people, posyandu, privacy, regions, reporting, reports,
                         routing_rules, service_types, visits)
from .broker import CommandSender, RpcPool, Unavailable
from .dashboard import login as dashboard_login, routes as dashboard
from .open311 import answers as open311_answers, routes as open311
from .settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    logs.install(settings.LOG_LEVEL)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.data_key = sealing.load_key(settings.SIMPUL_DATA_KEY)
        app.state.rpc = RpcPool(settings.AMQP_URI, settings.RPC_POOL_SIZE, settings.RPC_TIMEOUT_SECONDS)
        app.state.commands = CommandSender(settings.AMQP_URI, settings.PUBLISH_TIMEOUT_SECONDS)
        app.state.dead_letters = DeadLetters(settings.AMQP_URI, settings.RPC_TIMEOUT_SECONDS)
        app.state.registry_cache = TtlCache(settings.REGISTRY_CACHE_SECONDS)
        app.state.principals = TtlCache(settings.PRINCIPAL_CACHE_SECONDS)
        app.state.storage = connect(settings.MONGO_URI, serverSelectionTimeoutMS=2_000)
        yield
        app.state.rpc.close()
        app.state.commands.close()
        app.state.storage.close()

    app = FastAPI(title="Simpul API", version="0.1.0", lifespan=lifespan,
                  description="Posyandu sebagai pintu masuk enam SPM: laporan warga dicatat, "
                              "diteruskan ke OPD, dipantau dan dihitung.\n\n"
                              "Masuk dengan `POST /api/v1/auth/token` (tombol **Authorize**), lalu "
                              "kirim `Authorization: Bearer <token>`; sistem OPD memakai "
                              "`X-API-Key`. Siapa boleh apa: docs/security.md.")
    for module in (auth, reports, visits, cases, inbox, regions, service_types, posyandu, opds,
                   deliveries, dead_letters, routing_rules, people, api_keys, audit, privacy,
                   reporting, health):
        app.include_router(module.router)
    app.include_router(metrics.router)
    app.include_router(dashboard_login.router)
    app.include_router(dashboard.router)
    app.include_router(open311.router)   # GeoReport v2 (docs/open311.md), not in the OpenAPI
    limits.install(app, settings,   # 413, 429: inside the metrics, which count them
                   answers={open311.router.prefix: open311_answers.too_large})
    responses.document(app)   # 400, 404, 409, 503 wherever a route can answer them (after limits)
    app.add_middleware(metrics.RequestMetrics)

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, exc: Unavailable):
        return JSONResponse({"detail": "layanan sementara tidak tersedia, coba lagi"},
                            status_code=503, headers={"Retry-After": "5"})

    return app


def __getattr__(name):  # `uvicorn simpul_gateway.main:app` builds the app on first use
    if name == "app":
        return create_app()
    raise AttributeError(name)
