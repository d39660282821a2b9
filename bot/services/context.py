"""What every use case needs besides the repositories: the knowledge, default zone and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content.loader import Knowledge


@dataclass(frozen=True, slots=True)
class Context:
    """The fixed inputs of one use case call."""

    knowledge: Knowledge
    default_zone: str
    """The IANA zone assumed for a runner who has not chosen one."""
    now: datetime
