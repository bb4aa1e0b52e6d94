"""A real server for load tests and benchmarks: the demo database on SQLite or PostgreSQL,
served by gunicorn with production settings, and users signed in over HTTP.

Used by tests/security/test_concurrency.py and bench/load.py.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pyotp

from tests.pgserver import _free_port

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# The audit trail's key: the seeding app and the live server append to the same chains, and
# the tests verify them with it.
AUDIT_KEY = secrets.token_urlsafe(40)


def seed_demo(database_url: str, instance_dir: Path) -> None:
    """Build the schema with the migrations and seed the demo, as `myhealth demo` does."""
    from flask_migrate import upgrade

    from myhealth import create_app, demo
    from myhealth.extensions import db

    app = create_app(
        {
            "ENVIRONMENT": "test",
            "INSTANCE_DIR": str(instance_dir),
            "SECRET_KEY": secrets.token_urlsafe(40),
            "AUDIT_KEY": AUDIT_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )
    with app.app_context():
        upgrade()
        demo.seed(db.session)
        db.session.commit()
        db.engine.dispose()


class Gunicorn:
    """gunicorn serving wsgi:app with production settings (2 sync workers by default)."""

    def __init__(self, database_url: str, *, workers: int = 2, smtp_url: str = "") -> None:
        self.database_url = database_url
        self.workers = workers
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.instance = Path(tempfile.mkdtemp(prefix="myhealth-live-"))
        self.smtp_url = smtp_url or f"smtp://127.0.0.1:{_free_port()}"
        self.process: subprocess.Popen | None = None
        self.log = self.instance / "gunicorn.log"
        self.audit_key = AUDIT_KEY

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "MYHEALTH_ENV": "production",
                "MYHEALTH_SECRET_KEY": secrets.token_urlsafe(40),
                "MYHEALTH_AUDIT_KEY": self.audit_key,
                "MYHEALTH_DATABASE_URL": self.database_url,
                "MYHEALTH_ALLOW_SQLITE": "1",
                "MYHEALTH_INSTANCE_DIR": str(self.instance),
                "MYHEALTH_SERVER_NAME": f"127.0.0.1:{self.port}",
                "MYHEALTH_URL_SCHEME": "http",
                "MYHEALTH_COOKIE_SECURE": "0",  # plain HTTP on loopback
                "MYHEALTH_RATELIMIT_ENABLED": "0",  # many sign-ins from one address
                "MYHEALTH_SMTP_URL": self.smtp_url,
            }
        )
        return env

    def start(self) -> str:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(gunicorn),
                    "--workers",
                    str(self.workers),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--backlog",
                    "256",
                    "wsgi:app",
                ],
                cwd=PROJECT_ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self.base
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def errors_logged(self) -> list[str]:
        """Tracebacks and errors the server wrote to its log."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if "Traceback" in line or "[ERROR]" in line]


class Browser:
    """One person's HTTP client with its own cookies (urllib, no JavaScript)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.url = ""  # where the last request ended, after redirects

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, method="POST"))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                self.url = response.geturl()
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read().decode(errors="replace")

    def csrf(self, path: str) -> str:
        status, body = self.get(path)
        found = CSRF.search(body)
        if status != 200 or not found:
            raise RuntimeError(f"no form at {path} ({status})")
        return found.group(1)

    def sign_in(self, email: str, password: str, totp_secret: str = "") -> None:
        token = self.csrf("/sign-in")
        status, body = self.post(
            "/sign-in", {"csrf_token": token, "email": email, "password": password}
        )
        if totp_secret and "security-code" not in body and "Security code" not in body:
            status, body = self.get("/sign-in/security-code")
        if totp_secret:
            token = self.csrf("/sign-in/security-code")
            status, body = self.post(
                "/sign-in/security-code",
                {"csrf_token": token, "code": pyotp.TOTP(totp_secret).now()},
            )
        if status != 200 or "Sign out" not in body:
            raise RuntimeError(f"could not sign in {email} ({status})")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)
