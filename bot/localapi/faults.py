"""Failure injection: make the next calls of a method fail or answer late.

Owns the queued faults tests ask for (``fail_next``, ``delay_next``) and hands them out one call
at a time, so a test can script "the next two sendMessage calls get 429, then it works".
"""

from __future__ import annotations

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

    def take_failure(self, method: str) -> ApiError | None:
        """Return the failure due for this call of ``method``, if any."""
        return _take(self._failures, method) if self._failures else None

    def take_delay(self, method: str) -> float:
        """Return the delay due for this call of ``method`` (0 for none)."""
        return (_take(self._delays, method) or 0.0) if self._delays else 0.0


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
