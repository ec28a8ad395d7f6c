"""Liveness of the gateway's dependencies."""
from concurrent.futures import ThreadPoolExecutor

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from simpul_common.nameko_ext.storage import connect

from ..deps import AppSettings, Rpc
from ...broker import broker_reachable
from ...schemas import Health

router = APIRouter(tags=["health"])
SERVICES = ("registry", "intake", "routing", "notification", "reporting")


def _storage_ok(uri: str) -> bool:
    try:
        client = connect(uri, serverSelectionTimeoutMS=2_000)
        try:
            client.admin.command("ping")
            return True
        finally:
            client.close()
    except Exception:
        return False


def _service_ok(rpc, name: str) -> bool:
    try:
        return bool(rpc.call(name, "health")["storage"])
    except Exception:
        return False


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}},
            summary="Whether broker, storage and services answer")
def healthz(settings: AppSettings, rpc: Rpc):
    with ThreadPoolExecutor(max_workers=len(SERVICES) + 2) as pool:
        broker = pool.submit(broker_reachable, settings.AMQP_URI)
        storage = pool.submit(_storage_ok, settings.MONGO_URI)
        services = {name: pool.submit(_service_ok, rpc, name) for name in SERVICES}
        body = {"broker": broker.result(), "storage": storage.result(),
                "services": {name: f.result() for name, f in services.items()}}
    healthy = body["broker"] and body["storage"] and all(body["services"].values())
    body["status"] = "ok" if healthy else "degraded"
    return JSONResponse(body, status_code=200 if body["broker"] and body["storage"] else 503)
