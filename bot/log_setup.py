"""Logging configuration: readable lines, and no token-bearing request URLs at INFO."""

from __future__ import annotations

import logging


def setup_logging(level: str) -> None:
    """Configure the root logger and quieten the chatty libraries."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s", force=True
    )
    # httpx logs every request URL at INFO, and those URLs contain the bot token.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
