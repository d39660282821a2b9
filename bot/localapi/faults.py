"""Failure injection: make the next calls of a method fail, answer late, or go astray.

Owns the queued faults tests ask for (``fail_next``, ``delay_next``, ``hold_next``,
``lose_answer_next``, ``refuse_connection_next``) and hands them out one call at a time, so a
test can script "the next two sendMessage calls get 429, then it works". Two standing
conditions last until changed: ``set_latency`` (every call of a method answers late, a slow
Bot API) and ``limit_rate`` (a strict flood limit: calls past N in any second get 429).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import TypeVar

from .errors import ApiError, default_description
from .spec import find_method

_T = TypeVar("_T")


class FaultPlan:
    """Queued failures and delays, per Bot API method."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[tuple[ApiError, int]]] = {}
        self._delays: dict[str, deque[tuple[float, int]]] = {}
        self._holds: dict[str, deque[tuple[asyncio.Event, int]]] = {}
        self._lost: dict[str, deque[tuple[bool, int]]] = {}
        self._refused: dict[str, deque[tuple[bool, int]]] = {}
        self._latency: dict[str, float] = {}
        self._rate_limits: dict[str, tuple[int, int]] = {}
        self._recent: dict[str, deque[float]] = {}

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` answer with this error."""
        if status == 429 and retry_after is None:
            retry_after = 1
        error = ApiError(
            status,
            description or default_description(status, retry_after),
            retry_after=retry_after,
        )
        self._failures.setdefault(_canonical(method), deque()).append((error, times))

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` answer ``seconds`` late."""
        self._delays.setdefault(_canonical(method), deque()).append((seconds, times))

    def set_latency(self, method: str, seconds: float) -> None:
        """Make every call of ``method`` answer ``seconds`` late from now on (0 to stop).

        The call takes effect at once (a message is delivered); only its answer is late.
        """
        if seconds > 0:
            self._latency[_canonical(method)] = seconds
        else:
            self._latency.pop(_canonical(method), None)

    def limit_rate(self, method: str, per_second: int | None, *, retry_after: int = 1) -> None:
        """Answer 429 to calls of ``method`` past ``per_second`` in any one second (None: stop).

        Like Telegram's flood control at its strictest: calls that get 429 do not count.
        """
        name = _canonical(method)
        if per_second is None:
            self._rate_limits.pop(name, None)
            self._recent.pop(name, None)
        else:
            self._rate_limits[name] = (per_second, retry_after)
            self._recent[name] = deque()

    def hold_next(self, method: str) -> asyncio.Event:
        """Make the next call of ``method`` wait, done, until the returned event is set."""
        release = asyncio.Event()
        self._holds.setdefault(_canonical(method), deque()).append((release, 1))
        return release

    def lose_answer_next(self, method: str, *, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` take effect, but lose their answers."""
        self._lost.setdefault(_canonical(method), deque()).append((True, times))

    def refuse_connection_next(self, method: str, *, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` fail to connect: nothing arrives."""
        self._refused.setdefault(_canonical(method), deque()).append((True, times))

    def take_hold(self, method: str) -> asyncio.Event | None:
        """Return the event this call of ``method`` must wait for, if any."""
        return _take(self._holds, method) if self._holds else None

    def take_lost_answer(self, method: str) -> bool:
        """Return True when this call of ``method`` loses its answer."""
        lost: bool | None = _take(self._lost, method) if self._lost else None
        return lost is not None

    def take_refusal(self, method: str) -> bool:
        """Return True when this call of ``method`` fails to connect."""
        refused: bool | None = _take(self._refused, method) if self._refused else None
        return refused is not None

    def take_failure(self, method: str) -> ApiError | None:
        """Return the failure due for this call of ``method``, if any."""
        queued = _take(self._failures, method) if self._failures else None
        if queued is not None or method not in self._rate_limits:
            return queued
        per_second, retry_after = self._rate_limits[method]
        recent, now = self._recent[method], time.monotonic()
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= per_second:
            return ApiError(429, default_description(429, retry_after), retry_after=retry_after)
        recent.append(now)
        return None

    def take_delay(self, method: str) -> float:
        """Return the delay due for this call of ``method`` (0 for none), latency included."""
        queued = (_take(self._delays, method) or 0.0) if self._delays else 0.0
        return queued + self._latency.get(method, 0.0)


def _canonical(method: str) -> str:
    spec = find_method(method)
    if spec is None:
        raise ValueError(f"unknown Bot API method {method!r}")
    return spec.name


def _take(plans: dict[str, deque[tuple[_T, int]]], method: str) -> _T | None:
    queue = plans.get(method)
    if not queue:
        return None
    value, times = queue[0]
    if times > 1:
        queue[0] = (value, times - 1)
    else:
        queue.popleft()
        if not queue:
            del plans[method]
    return value
