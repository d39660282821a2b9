"""The process's Prometheus metrics: what they are, and the one function each place calls.

Owns :data:`REGISTRY` and every metric in it. One bot runs per process, so the metrics are
module-level objects in a registry of this module (not prometheus-client's global one, so
nothing else in the process adds to what ``/metrics`` shows); a test that builds several bots in
one process reads differences, never absolute values. Labels stay few: a handler's name, an
error's class, a reminder's outcome.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)

# A `_created` timestamp beside every counter only doubles what is scraped.
disable_created_metrics()  # type: ignore[no-untyped-call]  # unannotated upstream

REGISTRY: Final = CollectorRegistry()
"""What ``/metrics`` serves."""
ProcessCollector(registry=REGISTRY)

UPDATES_HANDLED: Final = Counter(
    "numbfeet_updates_handled",
    "Updates handled, by the handler that took them.",
    ["handler"],
    registry=REGISTRY,
)
UPDATE_SECONDS: Final = Histogram(
    "numbfeet_update_seconds",
    "Time a handler took for one update, replies included.",
    ["handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
REPLIES_FAILED: Final = Counter(
    "numbfeet_replies_failed",
    "Updates whose handling ended in an error, by the error's class.",
    ["error"],
    registry=REGISTRY,
)
FLOOD_CONTROL: Final = Counter(
    "numbfeet_flood_control",
    "Bot API answers with HTTP 429 (flood control), replies and reminders alike.",
    registry=REGISTRY,
)
REMINDERS: Final = Counter(
    "numbfeet_reminders",
    "Reminders the dispatcher handled, by outcome (sent, failed, skipped late...).",
    ["outcome"],
    registry=REGISTRY,
)
DISPATCH_LAST_TICK: Final = Gauge(
    "numbfeet_dispatcher_last_tick_timestamp_seconds",
    "When this process's reminder dispatcher last finished a batch (Unix time).",
    registry=REGISTRY,
)
DUE_BACKLOG: Final = Gauge(
    "numbfeet_reminders_due",
    "Reminders due now and not yet sent, counted in the database when scraped.",
    registry=REGISTRY,
)
RETENTION_DELETED: Final = Counter(
    "numbfeet_retention_deleted",
    "Rows deleted for being older than RETENTION_DAYS, by table.",
    ["table"],
    registry=REGISTRY,
)
CONTENT_TYPE: Final = CONTENT_TYPE_LATEST
"""The ``Content-Type`` of :func:`exposition`."""


def update_handled(handler: str, seconds: float) -> None:
    """Count one update a handler took, and how long it took."""
    UPDATES_HANDLED.labels(handler).inc()
    UPDATE_SECONDS.labels(handler).observe(seconds)


def reply_failed(error: object) -> None:
    """Count an update whose handling raised `error`."""
    REPLIES_FAILED.labels(type(error).__name__).inc()


def flood_control_hit() -> None:
    """Count one 429 answer from the Bot API."""
    FLOOD_CONTROL.inc()


def reminders_settled(outcomes: Iterable[str], skipped_late: int = 0) -> None:
    """Count a settled batch's outcomes (`Delivery` values) and note the dispatcher's tick."""
    for outcome in outcomes:
        REMINDERS.labels(str(outcome)).inc()
    if skipped_late:
        REMINDERS.labels("skipped_late").inc(skipped_late)
    DISPATCH_LAST_TICK.set(time.time())


def retention_deleted(counts: Mapping[str, int]) -> None:
    """Count rows deleted for their age, by table."""
    for table, count in counts.items():
        if count:
            RETENTION_DELETED.labels(table).inc(count)


def last_tick() -> float | None:
    """Return when the dispatcher last finished a batch (Unix time), None if it never did."""
    value = REGISTRY.get_sample_value("numbfeet_dispatcher_last_tick_timestamp_seconds")
    return value or None


def exposition(due_backlog: int | None) -> bytes:
    """Return every metric in Prometheus' text format; `due_backlog` None leaves it unchanged."""
    if due_backlog is not None:
        DUE_BACKLOG.set(due_backlog)
    return generate_latest(REGISTRY)
