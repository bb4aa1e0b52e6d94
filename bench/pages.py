"""Page times as ratios to /healthz served the same way, measured side by side in one run.

    python -m bench.pages [--quick]

Prints one JSON object per line: {"metric", "value", "unit", "target", "ok"}. Uses a
throwaway SQLite database seeded with the demo, plus extra patients for the clinician list
so its time can be compared at two sizes.
"""

from __future__ import annotations

import argparse
from datetime import date

from bench.common import demo_app, emit, sign_in, timed


def _add_patients(app, count: int) -> None:
    from myhealth.demo_people import test_range_nhs_numbers
    from myhealth.extensions import db
    from myhealth.people.models import Organisation, Patient

    with app.app_context():
        org = db.session.query(Organisation).filter_by(ods_code="Y90001").one()
        for n in test_range_nhs_numbers(count + 200)[200:]:
            db.session.add(
                Patient(
                    nhs_number=n,
                    given_name="Bench",
                    family_name=f"P{n}",
                    birth_date=date(1970, 1, 1),
                    registered_organisation_id=org.id,
                )
            )
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, under a minute")
    args = parser.parse_args()
    repeats = 15 if args.quick else 60
    extra = 2000 if args.quick else 10000

    from myhealth.demo_people import DEMO_CLINICIAN_EMAIL, DEMO_PATIENT_EMAIL

    app = demo_app()
    anonymous = app.test_client()
    patient = sign_in(app, DEMO_PATIENT_EMAIL)
    clinician = sign_in(app, DEMO_CLINICIAN_EMAIL)

    for client, path in ((anonymous, "/healthz"), (patient, "/home"), (clinician, "/clinician/")):
        timed(client, path, 3)  # warm up
    base = timed(anonymous, "/healthz", repeats)
    pages = {
        "landing": (anonymous, "/"),
        "sign_in_page": (anonymous, "/sign-in"),
        "patient_home": (patient, "/home"),
        "clinician_workspace_small": (clinician, "/clinician/"),
    }
    results = {name: timed(c, p, repeats) / base for name, (c, p) in pages.items()}
    for name, ratio in results.items():
        # Budgets: a public page renders templates only; a signed-in page also loads the
        # session and writes an audit entry (a commit) on every request.
        budget = 10 if name in {"landing", "sign_in_page"} else 20
        emit(f"{name}_vs_healthz", ratio, "ratio", f"< {budget}", ratio < budget)

    _add_patients(app, extra)
    large = timed(clinician, "/clinician/", repeats) / base
    emit("clinician_workspace_large_vs_healthz", large, "ratio", "< 20", large < 20)
    growth = large / results["clinician_workspace_small"]
    emit(f"clinician_workspace_{extra}_more_patients_vs_demo", growth, "ratio", "< 2", growth < 2)


if __name__ == "__main__":
    main()
