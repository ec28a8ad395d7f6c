"""Liveness of the gateway's dependencies."""
from concurrent.futures import ThreadPoolExecutor

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import AppSettings, Rpc, Storage
from ...broker import broker_reachable
from ...schemas import Health

router = APIRouter(tags=["health"])
SERVICES = ("registry", "intake", "routing", "notification", "reporting")


def _storage_ok(client) -> bool:
    try:
        client.admin.command("ping")
        return True
    except Exception:
        return False


def _service_ok(rpc, name: str) -> bool:
    try:
        return bool(rpc.call(name, "health")["storage"])
    except Exception:
        return False


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}},
            summary="Whether broker, storage and services answer")
def healthz(settings: AppSettings, rpc: Rpc, storage: Storage):
    with ThreadPoolExecutor(max_workers=len(SERVICES) + 2) as pool:
        broker = pool.submit(broker_reachable, settings.AMQP_URI)
        storage = pool.submit(_storage_ok, storage)
        services = {name: pool.submit(_service_ok, rpc, name) for name in SERVICES}
        body = {"broker": broker.result(), "storage": storage.result(),
                "services": {name: f.result() for name, f in services.items()}}
    healthy = body["broker"] and body["storage"] and all(body["services"].values())
    body["status"] = "ok" if healthy else "degraded"
    return JSONResponse(body, status_code=200 if body["broker"] and body["storage"] else 503)
