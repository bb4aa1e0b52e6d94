"""Shared pieces of the benchmarks: a demo app on a throwaway SQLite database, signed-in
clients, median timings and the one-JSON-object-per-line output."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path


def emit(metric: str, value: float, unit: str, target: str, ok: bool) -> None:
    print(
        json.dumps(
            {"metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}
        ),
        flush=True,
    )


def demo_app(*, seed: bool = True):
    """A fresh app on a new SQLite file, built by the migrations and (unless seed=False)
    seeded with the demo."""
    from flask_migrate import upgrade

    from myhealth import create_app, demo
    from myhealth.extensions import db

    tmp = Path(tempfile.mkdtemp(prefix="myhealth-bench-"))
    app = create_app(
        {
            "ENVIRONMENT": "test",
            "INSTANCE_DIR": str(tmp),
            "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        if seed:
            demo.seed(db.session)
        db.session.commit()
    return app


def sign_in(app, email: str):
    """A test client holding a real device session for the user with this email."""
    from myhealth.accounts.models import User, UserSession
    from myhealth.extensions import db

    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        device = UserSession(user_id=user.id, client_address="127.0.0.1", user_agent="bench")
        db.session.add(device)
        db.session.commit()
        device_id = str(device.id)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = device_id
    return client


def timed(client, path: str, repeats: int) -> float:
    """Median seconds to GET the path (which must answer 200)."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples)


def median_of(run, repeats: int) -> float:
    """Median seconds of calling run() repeatedly."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
