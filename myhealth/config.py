"""Settings from MYHEALTH_* environment variables, with safe defaults.

Production fails closed: a missing or default secret key, debug mode, or SQLite without an
explicit allowance stop the app from starting.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("MYHEALTH_INSTANCE_DIR", PROJECT_ROOT / "instance"))

KNOWN_BAD_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development"}


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key(instance_dir: Path, name: str = "secret_key") -> str:
    """A secret generated once into instance/ for local use; never used in production."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


# When a self-assessment goes to a clinician, and how soon it should be worked, by urgency.
# The due hours are a local service level agreed with the practice's clinical safety officer,
# not a clinical threshold.
REVIEW_DEFAULTS = {
    "REVIEW_URGENCY_LEVEL": 3,
    "REVIEW_DUE_HOURS": {5: 1, 4: 1, 3: 4, 2: 24, 1: 72, 0: 72},
}


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment and explicit overrides."""
    overrides = dict(overrides or {})
    env = os.environ
    environment = overrides.pop("ENVIRONMENT", env.get("MYHEALTH_ENV", "development"))
    instance_dir = Path(overrides.pop("INSTANCE_DIR", INSTANCE_DIR))
    default_db = f"sqlite:///{instance_dir / 'myhealth.db'}"

    config: dict = {
        "ENVIRONMENT": environment,
        "INSTANCE_DIR": str(instance_dir),
        "DEBUG": _bool(env.get("MYHEALTH_DEBUG"), False),
        "TESTING": environment == "test",
        "SECRET_KEY": env.get("MYHEALTH_SECRET_KEY"),
        # The audit trail's chain is keyed (HMAC) with a key held outside the database, and
        # its checkpoints are written to a file the database cannot rewrite.
        "AUDIT_KEY": env.get("MYHEALTH_AUDIT_KEY"),
        "AUDIT_CHECKPOINTS": env.get(
            "MYHEALTH_AUDIT_CHECKPOINTS", str(instance_dir / "audit-checkpoints.jsonl")
        ),
        "SQLALCHEMY_DATABASE_URI": env.get("MYHEALTH_DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "ALLOW_SQLITE_IN_PRODUCTION": _bool(env.get("MYHEALTH_ALLOW_SQLITE"), False),
        "SMTP_URL": env.get("MYHEALTH_SMTP_URL", "smtp://127.0.0.1:8025"),
        "MAIL_FROM": env.get("MYHEALTH_MAIL_FROM", "myhealth <no-reply@myhealth.nhs.invalid>"),
        # GOV.UK Notify sends email and SMS instead of SMTP when an API key is set. Its
        # templates are generic: ((subject)) and ((body)) for email, ((body)) for SMS.
        "NOTIFY_API_KEY": env.get("MYHEALTH_NOTIFY_API_KEY") or None,
        "NOTIFY_BASE_URL": env.get(
            "MYHEALTH_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
        ),
        "NOTIFY_EMAIL_TEMPLATE": env.get("MYHEALTH_NOTIFY_EMAIL_TEMPLATE") or None,
        "NOTIFY_SMS_TEMPLATE": env.get("MYHEALTH_NOTIFY_SMS_TEMPLATE") or None,
        # The outbox: attempts before a message is dead (shown to administrators), the wait
        # after the first failure (doubling each time, up to the maximum), and how long a
        # sender holds a message it claimed before another may try it.
        "OUTBOX_MAX_ATTEMPTS": int(env.get("MYHEALTH_OUTBOX_MAX_ATTEMPTS", "8")),
        "OUTBOX_BACKOFF_SECONDS": int(env.get("MYHEALTH_OUTBOX_BACKOFF_SECONDS", "60")),
        "OUTBOX_BACKOFF_MAX": 6 * 3600,
        "OUTBOX_CLAIM_SECONDS": 300,
        "SERVICE_NAME": "myhealth",
        "RATELIMIT_STORAGE_URI": env.get("MYHEALTH_RATELIMIT_STORAGE", "memory://"),
        "RATELIMIT_ENABLED": _bool(env.get("MYHEALTH_RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SIGNIN_LIMIT_PER_IP": env.get("MYHEALTH_SIGNIN_LIMIT_PER_IP", "20 per minute"),
        "SIGNIN_LIMIT_PER_ACCOUNT": env.get("MYHEALTH_SIGNIN_LIMIT_PER_ACCOUNT", "10 per minute"),
        "LOCKOUT_THRESHOLD": int(env.get("MYHEALTH_LOCKOUT_THRESHOLD", "5")),
        "LOCKOUT_MINUTES": int(env.get("MYHEALTH_LOCKOUT_MINUTES", "15")),
        "IDLE_TIMEOUT_PATIENT_MINUTES": 30,
        "IDLE_TIMEOUT_STAFF_MINUTES": 15,
        # However busy, a signed-in session ends after this long and asks to sign in again.
        "SESSION_LIFETIME_PATIENT_HOURS": int(
            env.get("MYHEALTH_SESSION_LIFETIME_PATIENT_HOURS", "12")
        ),
        "SESSION_LIFETIME_STAFF_HOURS": int(env.get("MYHEALTH_SESSION_LIFETIME_STAFF_HOURS", "8")),
        # Sign-ups and new confirmation links that send an email: per client address, and per
        # email address and per NHS number, so nobody's inbox can be flooded.
        "SIGNUP_LIMIT_PER_IP": env.get("MYHEALTH_SIGNUP_LIMIT_PER_IP", "10 per hour"),
        "SIGNUP_LIMIT_PER_PERSON": env.get("MYHEALTH_SIGNUP_LIMIT_PER_PERSON", "3 per hour"),
        "EMAIL_TOKEN_MAX_AGE_SECONDS": 24 * 3600,
        "SESSION_COOKIE_NAME": "myhealth_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("MYHEALTH_COOKIE_SECURE"), True),
        "PREFERRED_URL_SCHEME": env.get("MYHEALTH_URL_SCHEME", "https"),
        "SERVER_NAME": env.get("MYHEALTH_SERVER_NAME") or None,
        # Other names the site answers to (comma-separated), besides SERVER_NAME.
        "EXTRA_HOSTS": [
            h.strip() for h in env.get("MYHEALTH_EXTRA_HOSTS", "").split(",") if h.strip()
        ],
        "WTF_CSRF_TIME_LIMIT": 3600,
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ("en", "cy"),
        "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
        "IMPORT_MAX_BYTES": int(env.get("MYHEALTH_IMPORT_MAX_BYTES", str(50 * 1000 * 1000))),
        # Entries in one imported file (upload or CLI): bounds the time and memory of one import.
        "IMPORT_MAX_ENTRIES": int(env.get("MYHEALTH_IMPORT_MAX_ENTRIES", "25000")),
        "TRUSTED_PROXIES": int(env.get("MYHEALTH_TRUSTED_PROXIES", "0")),
        # Self-assessments at or above this urgency (0 self-care ... 5 call 999) go to a
        # clinician for review, as do red flags and scores over their published thresholds.
        "REVIEW_URGENCY_LEVEL": int(
            env.get("MYHEALTH_REVIEW_URGENCY_LEVEL", str(REVIEW_DEFAULTS["REVIEW_URGENCY_LEVEL"]))
        ),
        "REVIEW_DUE_HOURS": dict(REVIEW_DEFAULTS["REVIEW_DUE_HOURS"]),
        # Sign-in through an OpenID Connect provider in the style of NHS login; off unless the
        # issuer is set. The client authenticates with private_key_jwt: the key stays in a file.
        "OIDC_ISSUER": env.get("MYHEALTH_OIDC_ISSUER", ""),
        "OIDC_CLIENT_ID": env.get("MYHEALTH_OIDC_CLIENT_ID", ""),
        "OIDC_PRIVATE_KEY_FILE": env.get("MYHEALTH_OIDC_PRIVATE_KEY_FILE", ""),
        "OIDC_KEY_ID": env.get("MYHEALTH_OIDC_KEY_ID", ""),
        # The vector of trust required (RFC 8485, as NHS login uses it): P9 is identity
        # proved to the high level, Cp a password, Cd a registered device (the second factor).
        "OIDC_VECTOR_OF_TRUST": env.get("MYHEALTH_OIDC_VECTOR_OF_TRUST", "P9.Cp.Cd"),
        "OIDC_PROVIDER_NAME": env.get("MYHEALTH_OIDC_PROVIDER_NAME", "NHS login"),
    }
    if environment in {"development", "test"}:
        # Plain local http: cookies cannot be Secure or the browser drops them.
        config["SESSION_COOKIE_SECURE"] = _bool(env.get("MYHEALTH_COOKIE_SECURE"), False)
        config["PREFERRED_URL_SCHEME"] = env.get("MYHEALTH_URL_SCHEME", "http")
        if not config["SECRET_KEY"]:
            config["SECRET_KEY"] = _local_secret_key(instance_dir)
        if not config["AUDIT_KEY"]:
            config["AUDIT_KEY"] = _local_secret_key(instance_dir, "audit_key")
    config.update(overrides)
    if config.get("SERVER_NAME") and config.get("TRUSTED_HOSTS") is None:
        # A request for any other host is refused (400), so no page or email is ever built
        # on a Host header an attacker chose.
        config["TRUSTED_HOSTS"] = [config["SERVER_NAME"], *config.get("EXTRA_HOSTS", [])]
    check_config(config)
    return config


def check_config(config: dict) -> None:
    """Refuse to run production with unsafe settings."""
    level = config.get("REVIEW_URGENCY_LEVEL")
    if not isinstance(level, int) or not 0 <= level <= 5:
        raise ConfigError("MYHEALTH_REVIEW_URGENCY_LEVEL must be a whole number from 0 to 5.")
    entries = config.get("IMPORT_MAX_ENTRIES")
    if not isinstance(entries, int) or entries < 1:
        raise ConfigError("MYHEALTH_IMPORT_MAX_ENTRIES must be a whole number of 1 or more.")
    _check_oidc(config)
    if config["ENVIRONMENT"] != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret.strip().lower() in KNOWN_BAD_SECRETS or len(secret) < 32:
        raise ConfigError("MYHEALTH_SECRET_KEY must be set to a random value of 32+ characters.")
    audit_key = config.get("AUDIT_KEY") or ""
    if audit_key.strip().lower() in KNOWN_BAD_SECRETS or len(audit_key) < 32:
        raise ConfigError("MYHEALTH_AUDIT_KEY must be set to a random value of 32+ characters.")
    if audit_key == secret:
        raise ConfigError("MYHEALTH_AUDIT_KEY must differ from MYHEALTH_SECRET_KEY.")
    if config.get("DEBUG"):
        raise ConfigError("Debug mode must be off in production (unset MYHEALTH_DEBUG).")
    uri = config.get("SQLALCHEMY_DATABASE_URI", "")
    if uri.startswith("sqlite") and not config.get("ALLOW_SQLITE_IN_PRODUCTION"):
        raise ConfigError(
            "Production needs PostgreSQL (MYHEALTH_DATABASE_URL); "
            "set MYHEALTH_ALLOW_SQLITE=1 to run a single practice on SQLite on purpose."
        )
    if not config.get("SERVER_NAME"):
        raise ConfigError(
            "Production needs MYHEALTH_SERVER_NAME (e.g. myhealth.example.nhs.uk): links in "
            "emails are built from it, and requests for any other host are refused."
        )


def _check_oidc(config: dict) -> None:
    """A configured identity provider must be complete; production talks to it over https."""
    issuer = config.get("OIDC_ISSUER")
    if not issuer:
        return
    if not config.get("OIDC_CLIENT_ID"):
        raise ConfigError("MYHEALTH_OIDC_ISSUER is set: set MYHEALTH_OIDC_CLIENT_ID too.")
    key_file = config.get("OIDC_PRIVATE_KEY_FILE")
    if not key_file or not Path(key_file).is_file():
        raise ConfigError(
            "MYHEALTH_OIDC_ISSUER is set: MYHEALTH_OIDC_PRIVATE_KEY_FILE must name the PEM file "
            "of the client's private key (private_key_jwt)."
        )
    from myhealth.accounts.oidc import Vector

    try:
        Vector.parse(config.get("OIDC_VECTOR_OF_TRUST", ""))
    except ValueError as exc:
        raise ConfigError(
            "MYHEALTH_OIDC_VECTOR_OF_TRUST must be a vector of trust such as P9.Cp.Cd."
        ) from exc
    if config["ENVIRONMENT"] == "production" and not issuer.startswith("https://"):
        raise ConfigError("MYHEALTH_OIDC_ISSUER must be an https:// URL in production.")
