"""`python -m bot` without a token: the playground, as a person starts it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import urllib.request
from pathlib import Path

import pytest

import bot.__main__ as cli
from bot.config import PROJECT_ROOT, Settings
from bot.playground.run import READY_LINE, bot_settings

STARTUP_SECONDS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def playground_env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "PLAYGROUND_"))}
    env.update(
        PLAYGROUND_PORT=str(port),
        PLAYGROUND_DATABASE_URL=f"sqlite:///{tmp_path / 'db' / 'playground.db'}",
        PYTHONPATH=str(PROJECT_ROOT),
        LOG_LEVEL="WARNING",
    )
    return env


async def start_cli(tmp_path: Path, port: int) -> asyncio.subprocess.Process:
    """Start `python -m bot` in an empty folder (so no .env) with no token."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=playground_env(tmp_path, port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_no_token_starts_the_playground_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    process = await start_cli(tmp_path, port)
    assert process.stdout is not None
    assert process.stderr is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), STARTUP_SECONDS)
        url = f"http://127.0.0.1:{port}"
        assert line.decode().rstrip("\n") == READY_LINE.format(url=url)
        page = await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=5).read())
        assert b"Local sandbox" in page
    finally:
        process.send_signal(signal.SIGTERM)
        status = await asyncio.wait_for(process.wait(), STARTUP_SECONDS)
    errors = (await process.stderr.read()).decode()
    assert status == 0, errors
    assert "The playground starts now" in errors
    assert "@BotFather" in errors
    assert (tmp_path / "db" / "playground.db").exists(), "its own database, migrated"


async def test_a_busy_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])
        process = await start_cli(tmp_path, port)
        _, stderr = await asyncio.wait_for(process.communicate(), STARTUP_SECONDS)
    assert process.returncode == 1
    assert f"cannot serve the playground on 127.0.0.1:{port}" in stderr.decode()


def test_main_runs_the_playground_without_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    started: list[Settings] = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", " ")

    def fake_playground(settings: Settings, _: object, loop: asyncio.AbstractEventLoop) -> int:
        loop.close()
        started.append(settings)
        return 0

    monkeypatch.setattr(cli, "run_playground", fake_playground)
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    assert cli.main() == 0
    assert len(started) == 1
    assert "The playground starts now" in capsys.readouterr().err
    if cpus is not None:
        assert os.sched_getaffinity(0) == cpus, "kept on one CPU while running, then freed"


def test_the_bot_runs_on_the_local_api_with_the_playground_database() -> None:
    settings = Settings(
        telegram_bot_token="123:real",
        database_url="postgresql://db/real",
        _env_file=None,  # type: ignore[call-arg]
    )
    local = bot_settings(settings, "http://127.0.0.1:8080/bot", "http://127.0.0.1:8080/file/bot")
    assert local.telegram_bot_token is not None
    assert local.telegram_bot_token.get_secret_value() == "123456:PLAYGROUND"
    assert local.telegram_api_base_url == "http://127.0.0.1:8080/bot"
    assert local.telegram_api_base_file_url == "http://127.0.0.1:8080/file/bot"
    assert local.database_url == "sqlite:///data/playground.db"
    assert local.sqlite_path == Path("data/playground.db")
