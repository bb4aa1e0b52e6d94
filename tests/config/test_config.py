"""Configuration fails closed in production."""

import pytest

from myhealth import create_app
from myhealth.config import ConfigError, load_config

STRONG = "x" * 40


def production(monkeypatch, **env):
    env.setdefault("MYHEALTH_AUDIT_KEY", "a" * 40)
    for key in (
        "MYHEALTH_SECRET_KEY",
        "MYHEALTH_AUDIT_KEY",
        "MYHEALTH_DEBUG",
        "MYHEALTH_DATABASE_URL",
        "MYHEALTH_ALLOW_SQLITE",
        "MYHEALTH_SERVER_NAME",
        "MYHEALTH_EXTRA_HOSTS",
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
    monkeypatch.setenv("MYHEALTH_SERVER_NAME", "myhealth.example.nhs.uk")
    config = load_config({"INSTANCE_DIR": tmp_path})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()  # production never generates a secret
    assert not (tmp_path / "audit_key").exists()


@pytest.mark.parametrize("audit_key", ["", "changeme", "short-key", STRONG])
def test_production_refuses_a_missing_weak_or_reused_audit_key(monkeypatch, tmp_path, audit_key):
    # The audit chain's key must be the operator's own: a key anyone knows (or the session
    # secret, which more code reads) would let a database writer forge the chain.
    production(
        monkeypatch,
        MYHEALTH_SECRET_KEY=STRONG,
        MYHEALTH_AUDIT_KEY=audit_key,
        MYHEALTH_DATABASE_URL="postgresql+psycopg://db/myhealth",
        MYHEALTH_SERVER_NAME="myhealth.example.nhs.uk",
    )
    with pytest.raises(ConfigError, match="MYHEALTH_AUDIT_KEY"):
        load_config({"INSTANCE_DIR": tmp_path})


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


def test_production_refuses_to_start_without_its_server_name(monkeypatch, tmp_path):
    production(
        monkeypatch,
        MYHEALTH_SECRET_KEY=STRONG,
        MYHEALTH_DATABASE_URL="postgresql+psycopg://db/myhealth",
    )
    with pytest.raises(ConfigError, match="MYHEALTH_SERVER_NAME"):
        load_config({"INSTANCE_DIR": tmp_path})
    monkeypatch.setenv("MYHEALTH_SERVER_NAME", "myhealth.example.nhs.uk")
    monkeypatch.setenv("MYHEALTH_EXTRA_HOSTS", "www.myhealth.example.nhs.uk")
    config = load_config({"INSTANCE_DIR": tmp_path})
    assert config["TRUSTED_HOSTS"] == ["myhealth.example.nhs.uk", "www.myhealth.example.nhs.uk"]


def test_a_request_for_another_host_is_refused_and_sends_no_email(client, db, mailbox):
    """A sign-up sent with "Host: evil.example" once emailed a working link to evil.example."""
    from tests.accounts.helpers import csrf_token

    token = csrf_token(client, "/sign-up")
    response = client.post(
        "/sign-up",
        data={"csrf_token": token, "email": "victim@example.com"},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 400
    assert mailbox.messages == []
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200


def test_links_in_emails_use_the_configured_server_name(app):
    from myhealth.urls import external_url

    with app.test_request_context("/", headers={"Host": "localhost"}):
        assert external_url("accounts.sign_in") == "http://localhost/sign-in"
