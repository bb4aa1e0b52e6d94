"""Configuration fails closed in production."""

import pytest

from myhealth import create_app
from myhealth.config import ConfigError, load_config

STRONG = "x" * 40


def production(monkeypatch, **env):
    for key in (
        "MYHEALTH_SECRET_KEY",
        "MYHEALTH_DEBUG",
        "MYHEALTH_DATABASE_URL",
        "MYHEALTH_ALLOW_SQLITE",
    ):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MYHEALTH_ENV", "production")


def test_production_refuses_a_missing_secret(monkeypatch, tmp_path):
    production(monkeypatch, MYHEALTH_DATABASE_URL="postgresql+psycopg://db/myhealth")
    with pytest.raises(ConfigError, match="MYHEALTH_SECRET_KEY"):
        load_config({"INSTANCE_DIR": tmp_path})


@pytest.mark.parametrize("secret", ["changeme", "dev", "short-secret"])
def test_production_refuses_a_default_or_short_secret(monkeypatch, tmp_path, secret):
    production(
        monkeypatch,
        MYHEALTH_SECRET_KEY=secret,
        MYHEALTH_DATABASE_URL="postgresql+psycopg://db/myhealth",
    )
    with pytest.raises(ConfigError):
        load_config({"INSTANCE_DIR": tmp_path})


def test_production_refuses_debug(monkeypatch, tmp_path):
    production(
        monkeypatch,
        MYHEALTH_SECRET_KEY=STRONG,
        MYHEALTH_DEBUG="1",
        MYHEALTH_DATABASE_URL="postgresql+psycopg://db/myhealth",
    )
    with pytest.raises(ConfigError, match="Debug"):
        create_app({"INSTANCE_DIR": tmp_path})


def test_production_refuses_sqlite_unless_allowed(monkeypatch, tmp_path):
    production(monkeypatch, MYHEALTH_SECRET_KEY=STRONG)
    with pytest.raises(ConfigError, match="PostgreSQL"):
        load_config({"INSTANCE_DIR": tmp_path})
    monkeypatch.setenv("MYHEALTH_ALLOW_SQLITE", "1")
    config = load_config({"INSTANCE_DIR": tmp_path})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()  # production never generates a secret


def test_development_generates_a_local_secret_once(monkeypatch, tmp_path):
    monkeypatch.delenv("MYHEALTH_SECRET_KEY", raising=False)
    monkeypatch.setenv("MYHEALTH_ENV", "development")
    first = load_config({"INSTANCE_DIR": tmp_path})["SECRET_KEY"]
    second = load_config({"INSTANCE_DIR": tmp_path})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_config({"INSTANCE_DIR": tmp_path})["SESSION_COOKIE_SECURE"] is False


def test_behind_a_trusted_proxy_https_is_recognised_for_hsts(extra_app):
    proxied = extra_app(TRUSTED_PROXIES=1)
    response = proxied.test_client().get(
        "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    )
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    direct = extra_app().test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in direct.headers  # untrusted header ignored
