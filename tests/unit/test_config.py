"""Settings: database URL forms, async drivers, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings


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
    assert settings.async_database_url == async_url
    assert settings.sqlite_path == sqlite_path


def test_default_database_is_sqlite_under_data() -> None:
    assert make().sqlite_path == Path("data/numbfeet.db")


@pytest.mark.parametrize("url", ["mysql://x/y", "bot.db", "sqlite:/x.db"])
def test_unknown_database_is_one_clear_line(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("Invalid setting DATABASE_URL")


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
