"""The playground: the real bot against the project's own local Bot API, with a chat page.

Without ``TELEGRAM_BOT_TOKEN``, ``python -m bot`` runs :func:`run_playground`: the unchanged bot
(``bot.app.build_app``) polls a :class:`~bot.localapi.LocalBotApi` served over loopback HTTP,
and a browser page at the same address lets a person chat with it as several runners, with a
clock they can move forward. Nothing here talks to Telegram.
"""

from .clock import AdjustableClock
from .run import run_playground, running_playground
from .server import create_playground_app

__all__ = ["AdjustableClock", "create_playground_app", "run_playground", "running_playground"]
