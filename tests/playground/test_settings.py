"""The playground's settings: loopback host, port range, its own database URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_defaults() -> None:
    settings = make()
    assert (settings.playground_host, settings.playground_port) == ("127.0.0.1", 8080)
    assert settings.playground_database_url == "sqlite:///data/playground.db"
    assert settings.database_url == "sqlite:///data/numbfeet.db"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.5", "::1", "localhost"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    assert make(playground_host=host).playground_host == host


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PLAYGROUND_HOST", "0.0.0.0"),
        ("PLAYGROUND_HOST", "192.168.1.2"),
        ("PLAYGROUND_HOST", "example.org"),
        ("PLAYGROUND_PORT", "0"),
        ("PLAYGROUND_PORT", "65536"),
        ("PLAYGROUND_PORT", "web"),
        ("PLAYGROUND_DATABASE_URL", "mysql://x/y"),
    ],
)
def test_bad_values_are_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"Invalid setting {name}")


def test_the_database_error_names_the_right_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", "bot.db")
    with pytest.raises(SettingsError, match="PLAYGROUND_DATABASE_URL is not a database URL"):
        load_settings()
    monkeypatch.delenv("PLAYGROUND_DATABASE_URL")
    monkeypatch.setenv("DATABASE_URL", "bot.db")
    with pytest.raises(SettingsError, match=r"DATABASE_URL is not a database URL"):
        load_settings()
