"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

No engine runs where the tests run, so this reads both files as Compose and Docker would and
checks what can go wrong between them and the code: the services and their order, every
environment name against the settings, every command against the image's entry point and the
files it copies, and finally each service started here with the environment Compose would give
it (the database and the Bot API swapped for the test ones), as `tests/e2e/test_modes.py`
starts the bot.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest
import yaml

from bot.config import PROJECT_ROOT, Settings
from bot.localapi import LocalBotApi
from tests.conftest import TEST_TOKEN, require_postgres
from tests.e2e.test_modes import HARNESS_SECONDS, bot_env, run_cli
from tests.playground.test_run import free_port

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text()
BOT_SERVICES = ("migrate", "bot", "dispatcher")
"""The services that run the bot's image."""
SETTING_NAMES = frozenset(name.upper() for name in Settings.model_fields)

_INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::(?P<op>[?-])(?P<arg>[^}]*))?\}")


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Substitute `${NAME}`, `${NAME:-default}` and `${NAME:?error}` as Compose does."""

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if variables.get(name):
            return variables[name]
        if op == "-":
            return arg
        raise KeyError(f"{name} is required: {arg}")

    return _INTERPOLATION.sub(substitute, value)


def service_environment(service: str, variables: dict[str, str]) -> dict[str, str]:
    """The environment Compose gives `service`, `.env` being `variables`."""
    environment = COMPOSE["services"][service].get("environment", {})
    return {name: interpolate(str(value), variables) for name, value in environment.items()}


def image_entrypoint() -> list[str]:
    """The Dockerfile's last ENTRYPOINT (exec form)."""
    entrypoints = re.findall(r"^ENTRYPOINT\s+(\[.*\])\s*$", DOCKERFILE, re.MULTILINE)
    return list(json.loads(entrypoints[-1]))


def test_the_compose_file_has_every_service_in_order() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "migrate", "bot", "dispatcher", "proxy"}
    postgres = services["postgres"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("bot", "dispatcher"):
        service = services[name]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["restart"] == "on-failure"
        assert "ports" not in service, "no fixed host port, so `--scale` works"
    assert services["bot"]["environment"]["BOT_MODE"] == "webhook"
    assert services["dispatcher"]["environment"]["BOT_MODE"] == "dispatcher"
    assert services["proxy"]["profiles"] == ["proxy"]


@pytest.mark.parametrize("service", BOT_SERVICES)
def test_every_environment_name_is_a_setting(service: str) -> None:
    names = set(COMPOSE["services"][service]["environment"])
    assert names - SETTING_NAMES == set()


def test_every_service_runs_the_images_entry_point_on_files_the_image_has() -> None:
    assert image_entrypoint() == ["python", "-m", "bot"]
    assert (PROJECT_ROOT / "bot" / "__main__.py").is_file()
    for service in ("bot", "dispatcher"):
        assert "entrypoint" not in COMPOSE["services"][service]
        assert "command" not in COMPOSE["services"][service], "the mode is BOT_MODE"
    assert COMPOSE["services"]["migrate"]["entrypoint"] == ["alembic", "upgrade", "head"]
    copied = re.findall(r"^COPY\s+(?!--from)(\S+)\s+\S+\s*$", DOCKERFILE, re.MULTILINE)
    assert {"alembic.ini", "alembic", "knowledge", "bot"} <= set(copied)
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    for source in copied:
        assert (PROJECT_ROOT / source).exists(), source
        assert source not in ignored, f"{source} is copied but .dockerignore leaves it out"
    assert re.search(r"^USER\s+(?!root)\w+", DOCKERFILE, re.MULTILINE), "runs as non-root"


def test_the_compose_environment_refuses_to_start_without_its_secrets() -> None:
    with pytest.raises(KeyError, match="TELEGRAM_BOT_TOKEN"):
        service_environment("bot", {})


@pytest.fixture
async def compose_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database, as the compose `postgres` service starts; dropped after."""
    await require_postgres()
    name = f"compose_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def machine_environment(
    service: str, tmp_path: Path, database_url: str, base_url: str, **local: str
) -> dict[str, str]:
    """Compose's environment for `service`, with what must differ on this one machine.

    The database and the Bot API are the test ones, and the listening addresses loopback
    ports of their own; every other value is the one Compose would pass.
    """
    variables = {
        "TELEGRAM_BOT_TOKEN": TEST_TOKEN,
        "POSTGRES_PASSWORD": "unused-here",
        "PUBLIC_HOSTNAME": "bot.example.org",
        "WEBHOOK_SECRET_TOKEN": "compose-secret",
    }
    environment = service_environment(service, variables)
    environment.update(DATABASE_URL=database_url, TELEGRAM_API_BASE_URL=base_url, **local)
    return bot_env(tmp_path) | environment


@pytest.mark.postgres
async def test_the_services_start_as_compose_starts_them(
    tmp_path: Path, compose_database: str, served_api: tuple[LocalBotApi, str, str]
) -> None:
    api, base_url, _ = served_api
    migrate = COMPOSE["services"]["migrate"]["entrypoint"]
    migrate_env = machine_environment("migrate", tmp_path, compose_database, base_url)
    migration = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *migrate,
        cwd=PROJECT_ROOT,
        env=migrate_env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(migration.communicate(), HARNESS_SECONDS)
    assert migration.returncode == 0, f"{shlex.join(migrate)}: {stderr.decode()}"

    webhook_port, metrics_port = free_port(), free_port()
    bot = await run_cli(
        tmp_path,
        machine_environment(
            "bot",
            tmp_path,
            compose_database,
            base_url,
            WEBHOOK_URL=f"http://127.0.0.1:{webhook_port}/telegram",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(webhook_port),
        ),
    )
    dispatcher = await run_cli(
        tmp_path,
        machine_environment(
            "dispatcher",
            tmp_path,
            compose_database,
            base_url,
            METRICS_LISTEN="127.0.0.1",
            METRICS_PORT=str(metrics_port),
        ),
    )
    outputs: dict[asyncio.subprocess.Process, str] = {}
    results: dict[str, str] = {}
    try:
        async with asyncio.timeout(HARNESS_SECONDS):
            await api.wait_until(lambda: api.calls_to("setWebhook"))
            api.user(42)
            api.send_text(42, "/start")
            await api.wait_until(lambda: api.bot_messages(42))
            for process in (bot, dispatcher):
                outputs[process] = await _read_until(process, "running in")
            async with aiohttp.ClientSession() as session:
                for port in (webhook_port, metrics_port):
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as health:
                        assert health.status == 200, await health.text()
    finally:
        for name, process in (("bot", bot), ("dispatcher", dispatcher)):
            process.send_signal(signal.SIGTERM)
            _, rest = await asyncio.wait_for(process.communicate(), HARNESS_SECONDS)
            results[name] = outputs.get(process, "") + rest.decode()
    for name, process in (("bot", bot), ("dispatcher", dispatcher)):
        assert process.returncode == 0, f"{name}: {results[name]}"
        assert "Traceback" not in results[name]
        assert all(json.loads(line) for line in results[name].splitlines()), "LOG_FORMAT=json"
    [webhook] = api.calls_to("setWebhook")
    assert webhook.params["secret_token"] == "compose-secret"
    assert api.problems() == []


async def _read_until(process: asyncio.subprocess.Process, wanted: str) -> str:
    """Read the process's log up to the first line containing `wanted`; return what was read."""
    assert process.stderr is not None
    read = []
    while not read or wanted not in read[-1]:
        line = (await process.stderr.readline()).decode()
        if not line:
            raise AssertionError(f"the process ended before logging {wanted!r}: {''.join(read)}")
        read.append(line)
    return "".join(read)
