"""Settings: database URL forms, async drivers, and one-line errors."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings, SettingsError, load_settings


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("url", "async_url", "sqlite_path"),
    [
        ("sqlite:///data/bot.db", "sqlite+aiosqlite:///data/bot.db", Path("data/bot.db")),
        (
            "sqlite:////var/lib/bot.db",
            "sqlite+aiosqlite:////var/lib/bot.db",
            Path("/var/lib/bot.db"),
        ),
        ("postgresql://u:p@db:5432/bot", "postgresql+asyncpg://u:p@db:5432/bot", None),
        ("postgres://u@db/bot", "postgresql+asyncpg://u@db/bot", None),
        ("postgresql+asyncpg://u@db/bot", "postgresql+asyncpg://u@db/bot", None),
    ],
)
def test_database_url_forms(url: str, async_url: str, sqlite_path: Path | None) -> None:
    settings = make(database_url=url)
    assert settings.database.url.render_as_string(hide_password=False) == async_url
    assert settings.sqlite_path == sqlite_path


def test_default_database_is_sqlite_under_data() -> None:
    assert make().sqlite_path == Path("data/numbfeet.db")


def test_data_is_kept_two_years_by_default() -> None:
    assert make().retention_days == 730
    assert make(retention_days=30).retention_days == 30, "the escalation rules' month"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://x/y", "must start with sqlite:/// or postgresql://"),
        ("bot.db", "is not a database URL"),
        ("sqlite:/x.db", "is not a database URL"),
        ("not a url at all", "is not a database URL"),
        ("sqlite://", "names no SQLite file"),
        ("sqlite:///", "names no SQLite file"),
        ("sqlite:///bot.db?timeout=5", "takes no query parameters on SQLite"),
        ("postgresql://", "names no database"),
        ("postgresql://u@db", "names no database"),
        ("postgresql://u@db/bot?sslmode=required", "sslmode='required'; use one of disable,"),
        ("postgresql://u@db/bot?sslmode=require&sslmode=disable", "'sslmode' more than once"),
        ("postgresql://u@db/bot?pool=3", "query parameter 'pool', which the bot does not"),
        ("postgresql://u@db/bot?connect_timeout=soon", "connect_timeout='soon'"),
        ("postgresql://u@db/bot?options=--geqo%3Doff", "only '-c name=value' settings"),
        ("postgresql://u@db/bot?sslrootcert=/nonexistent.crt", "certificate files need"),
        (
            "postgresql://u@db/bot?sslmode=verify-ca&sslrootcert=/nonexistent.crt",
            "names a certificate file that cannot be read",
        ),
    ],
)
def test_unusable_database_url_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, url: str, says: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("Invalid setting DATABASE_URL")
    assert says in message


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require", "verify-ca"])
def test_sslmode_becomes_asyncpg_ssl_argument(mode: str) -> None:
    database = make(database_url=f"postgres://u:p@db.example.com/bot?sslmode={mode}").database
    assert database.connect_args == {"ssl": mode}
    assert not database.url.query


def test_libpq_parameters_become_connect_arguments() -> None:
    url = (
        "postgresql://u@db/bot?connect_timeout=7&application_name=numbfeet"
        "&options=-c%20search_path%3Dbot%20-cstatement_timeout%3D5000"
    )
    assert make(database_url=url).database.connect_args == {
        "timeout": 7.0,
        "server_settings": {
            "application_name": "numbfeet",
            "search_path": "bot",
            "statement_timeout": "5000",
        },
    }


def test_certificate_files_become_an_ssl_context(tmp_path: Path) -> None:
    root = system_root_certificate(tmp_path)
    for mode, checks_host in (("verify-full", True), ("verify-ca", False), ("require", False)):
        url = f"postgresql://u@db/bot?sslmode={mode}&sslrootcert={root}"
        context = make(database_url=url).database.connect_args["ssl"]
        assert isinstance(context, ssl.SSLContext)
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname is checks_host


def system_root_certificate(folder: Path) -> Path:
    """Write one of the machine's trusted root certificates to a PEM file, and return it."""
    certificates = ssl.create_default_context().get_ca_certs(binary_form=True)
    if not certificates:
        pytest.skip("this machine's ssl module trusts no root certificate to test with")
    path = folder / "root.crt"
    path.write_text(ssl.DER_cert_to_PEM_cert(certificates[0]))
    return path


def test_a_socket_host_is_left_to_sqlalchemy() -> None:
    database = make(database_url="postgresql://u@/bot?host=/run/postgresql").database
    assert dict(database.url.query) == {"host": "/run/postgresql"}
    assert database.connect_args == {}


def test_special_characters_in_the_password_survive() -> None:
    database = make(database_url="postgresql://u:p%40ss%2Fw@db/bot").database
    assert database.url.password == "p@ss/w"


def test_bad_base_url_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "localhost:8081/bot")
    with pytest.raises(SettingsError, match="TELEGRAM_API_BASE_URL"):
        load_settings()


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    settings = load_settings()
    assert "123:abc" not in repr(settings)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:abc"


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_token_means_no_token(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", blank)
    assert load_settings().telegram_bot_token is None


def test_the_mode_decides_who_dispatches() -> None:
    token = {"telegram_bot_token": "1:a"}
    webhook = {
        **token,
        "bot_mode": "webhook",
        "webhook_url": "https://bot.example.org/tg",
        "webhook_secret_token": "s",
    }
    assert make().playground
    assert not make(**token).playground
    assert (make(**token).mode, make(**token).runs_dispatcher) == ("polling", True)
    assert make(**webhook).runs_dispatcher is False
    assert make(**webhook, dispatch_in_process=True).runs_dispatcher is True
    assert make(**token, bot_mode="dispatcher").runs_dispatcher is True


def test_the_webhook_path_comes_from_the_url_unless_set() -> None:
    webhook = {
        "telegram_bot_token": "1:a",
        "bot_mode": "webhook",
        "webhook_secret_token": "s",
    }
    assert make(**webhook, webhook_url="https://bot.example.org/tg").webhook_route == "/tg"
    assert make(**webhook, webhook_url="https://bot.example.org").webhook_route == "/"
    assert (
        make(**webhook, webhook_url="https://x.org/tg", webhook_path="/in").webhook_route == "/in"
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"BOT_MODE": "webhook"}, "BOT_MODE is webhook, so TELEGRAM_BOT_TOKEN must be set"),
        (
            {"BOT_MODE": "webhook", "TELEGRAM_BOT_TOKEN": "1:a"},
            "BOT_MODE is webhook, so WEBHOOK_URL and WEBHOOK_SECRET_TOKEN must be set",
        ),
        (
            {"BOT_MODE": "dispatcher", "TELEGRAM_BOT_TOKEN": "1:a", "DISPATCH_IN_PROCESS": "no"},
            "BOT_MODE is dispatcher, which only dispatches",
        ),
        (
            {"WEBHOOK_URL": "http://bot.example.org/tg"},
            "WEBHOOK_URL: Value error, must be an https",
        ),
        ({"WEBHOOK_URL": "bot.example.org"}, "WEBHOOK_URL: Value error, must be a URL"),
        ({"WEBHOOK_PATH": "tg"}, "WEBHOOK_PATH: Value error, must start with /"),
        ({"WEBHOOK_SECRET_TOKEN": "has space"}, "WEBHOOK_SECRET_TOKEN: Value error, must be 1 to"),
        ({"WEBHOOK_SECRET_TOKEN": "x" * 257}, "WEBHOOK_SECRET_TOKEN: Value error, must be 1 to"),
        ({"WEBHOOK_MAX_CONNECTIONS": "101"}, "WEBHOOK_MAX_CONNECTIONS"),
        ({"RETENTION_DAYS": "29"}, "RETENTION_DAYS"),
    ],
)
def test_impossible_modes_are_one_line(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "\n" not in str(raised.value)
    assert message in str(raised.value)


def test_a_loopback_webhook_may_be_plain_http() -> None:
    assert make(webhook_url="http://127.0.0.1:8443/tg").webhook_url == "http://127.0.0.1:8443/tg"


def test_every_setting_is_in_the_readme_and_the_example() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    for name in (field.upper() for field in Settings.model_fields):
        assert f"| `{name}` |" in readme, name
        assert f"{name}=" in example, name


def test_a_batch_that_cannot_be_sent_within_its_lease_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 10,000 reminders at 25 a second take 400 s: the lease of 300 s would run out mid-batch.
    monkeypatch.setenv("DISPATCH_BATCH_SIZE", "10000")
    monkeypatch.setenv("DISPATCH_SEND_RATE", "25")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        "Invalid settings: sending DISPATCH_BATCH_SIZE=10000 reminders at "
        "DISPATCH_SEND_RATE=25/s takes 400 s, more than half of DISPATCH_LEASE_SECONDS=300 "
        "(the other half is kept for flood waits and settling); use DISPATCH_BATCH_SIZE <= "
        "3750 or DISPATCH_SEND_RATE >= 66.67 or DISPATCH_LEASE_SECONDS >= 800"
    )
    monkeypatch.setenv("DISPATCH_BATCH_SIZE", "3750")
    assert load_settings().dispatch_batch_size == 3750, "what the line suggests works"


@pytest.mark.parametrize("rate", ["0.5", "0.05"])
def test_a_send_rate_below_one_is_allowed_with_a_batch_that_fits(
    monkeypatch: pytest.MonkeyPatch, rate: str
) -> None:
    monkeypatch.setenv("DISPATCH_SEND_RATE", rate)
    monkeypatch.setenv("DISPATCH_BATCH_SIZE", "5")
    assert load_settings().dispatch_send_rate == float(rate)
    monkeypatch.setenv("DISPATCH_BATCH_SIZE", "100")
    with pytest.raises(SettingsError, match="DISPATCH_BATCH_SIZE <= "):
        load_settings()
