"""Every Prometheus metric of Simpul, defined once; what each means and what to alert on is
in docs/metrics.md. Services and the gateway record through the functions below, in the
domain's words, so use cases never touch the client library; each process serves what it
recorded on its own `/metrics` (`nameko_ext.metrics.Metrics`, the gateway's `api/metrics.py`).

Label values are codes from small sets (queue, message type, kabupaten code, channel, route
template), never ids, so the number of series stays bounded."""
import datetime as dt
import time
from dataclasses import dataclass, field

from prometheus_client import Counter, Histogram, disable_created_metrics

disable_created_metrics()   # no `_created` series: rates are all we ask of the counters

INVALID = "invalid"   # the `type` of a message outside the contract (it is dead-lettered)
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
LAG_SECONDS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)

# --- every nameko consumer of contract messages (nameko_ext.consumer, nameko_ext.broadcast) --
EVENTS_HANDLED = Counter(
    "simpul_events_handled_total", "Messages a handler finished with, by what became of them: "
    "ok, retry (to a retry queue, or back to its queue) or dead (dead-lettered, or a failed "
    "broadcast dropped).", ["service", "queue", "type", "outcome"])
HANDLER_SECONDS = Histogram(
    "simpul_handler_seconds", "Time from handing a message to its handler to the outcome.",
    ["service", "queue", "type"], buckets=SECONDS)
EVENT_LAG = Histogram(
    "simpul_event_lag_seconds", "Time from a message's occurred_at to its handling (queueing, "
    "retries and clock skew included).", ["service", "queue", "type"], buckets=LAG_SECONDS)

# --- every nameko RPC entrypoint (nameko_ext.metrics.Metrics) ---------------------------------
RPC_CALLS = Counter("simpul_rpc_calls_total", "RPC calls answered, by outcome: ok or error "
                    "(the method raised).", ["service", "method", "outcome"])
RPC_SECONDS = Histogram("simpul_rpc_seconds", "Time an RPC method took.",
                        ["service", "method"], buckets=SECONDS)

# --- intake, routing, notification ------------------------------------------------------------
REPORTS_RECEIVED = Counter("simpul_reports_received_total",
                           "Reports intake stored (each once, however often it was sent).",
                           ["kabupaten"])
ROUTING_OUTCOMES = Counter("simpul_routing_outcomes_total", "New cases by routing's decision: "
                           "routed, unroutable or linked (to an open case of the household).",
                           ["kabupaten", "outcome"])
CASE_MOVES = Counter("simpul_case_moves_total", "Moves made on cases (people's actions, and "
                     "deem_closed by the clock).", ["action"])
SLA_BREACHES = Counter("simpul_sla_breaches_total", "Escalation rungs climbed because a "
                       "deadline was missed.", ["kabupaten", "deadline", "level"])
NOTIFICATION_ATTEMPTS = Counter(
    "simpul_notification_attempts_total", "Delivery attempts by what became of the delivery: "
    "delivered, retry (another attempt later) or parked (no attempt left).",
    ["channel", "outcome"])
NOTIFICATION_LATENCY = Histogram("simpul_notification_latency_seconds",
                                 "Time one delivery attempt took, failed or not.",
                                 ["channel"], buckets=SECONDS)

# --- the gateway --------------------------------------------------------------------------------
HTTP_REQUESTS = Counter("simpul_http_requests_total", "HTTP requests answered, by route "
                        "template (unmatched: no route).", ["method", "route", "status"])
HTTP_SECONDS = Histogram("simpul_http_request_seconds", "Time to answer an HTTP request.",
                         ["method", "route"])
REPORTS_ACCEPTED = Counter("simpul_reports_accepted_total", "202 answers to filing a report "
                           "or a visit (durably queued for intake).", ["route"])
RATE_LIMITED = Counter("simpul_gateway_rate_limited_total", "Requests a gateway replica refused "
                       "with 429, by the limit: client, login (per IP address) or posyandu.",
                       ["limit"])


@dataclass(frozen=True)
class Handling:
    """One message handed to its handler."""
    service: str
    queue: str
    type: str
    started: float = field(default_factory=time.perf_counter)


def seconds_since(instant: str, now: dt.datetime | None = None) -> float | None:
    """Seconds from an ISO-8601 instant to now (never below 0); None if it is no instant."""
    try:
        moment = dt.datetime.fromisoformat(str(instant).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (now - moment).total_seconds())


def handling(service: str, queue: str, message_type: str, occurred_at: str) -> Handling:
    """A message goes to its handler now: how late it is; time it until `handled`."""
    lag = seconds_since(occurred_at)
    if lag is not None:
        EVENT_LAG.labels(service, queue, message_type).observe(lag)
    return Handling(service, queue, message_type)


def handled(done: Handling, outcome: str) -> None:
    HANDLER_SECONDS.labels(done.service, done.queue, done.type).observe(
        time.perf_counter() - done.started)
    EVENTS_HANDLED.labels(done.service, done.queue, done.type, outcome).inc()


def rejected(service: str, queue: str, outcome: str = "dead") -> None:
    """A message that never reached a handler (outside the contract, or not even JSON)."""
    EVENTS_HANDLED.labels(service, queue, INVALID, outcome).inc()


def rpc_answered(service: str, method: str, ok: bool, seconds: float) -> None:
    RPC_CALLS.labels(service, method, "ok" if ok else "error").inc()
    RPC_SECONDS.labels(service, method).observe(seconds)


def report_received(kabupaten_code: str) -> None:
    REPORTS_RECEIVED.labels(kabupaten_code).inc()


def case_decided(kabupaten_code: str, outcome: str) -> None:
    ROUTING_OUTCOMES.labels(kabupaten_code, outcome).inc()


def case_moved(action: str) -> None:
    CASE_MOVES.labels(action).inc()


def deadline_missed(kabupaten_code: str, deadline: str, level: int) -> None:
    SLA_BREACHES.labels(kabupaten_code, deadline, str(level)).inc()


def notification_attempted(channel: str, outcome: str, latency_ms: float | None) -> None:
    NOTIFICATION_ATTEMPTS.labels(channel, outcome).inc()
    if latency_ms is not None:
        NOTIFICATION_LATENCY.labels(channel).observe(latency_ms / 1000)


def http_answered(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_SECONDS.labels(method, route).observe(seconds)


def reports_accepted(route: str) -> None:
    REPORTS_ACCEPTED.labels(route).inc()


def rate_limited(limit: str) -> None:
    RATE_LIMITED.labels(limit).inc()
