"""'Who has viewed your record' in plain words: why someone looked, and a visit that read the
record several times shown once with the number of times (the trail keeps every entry)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from myhealth.access.models import AuditEvent
from myhealth.selfcare import services as selfcare_services
from tests import factories


def rows(client) -> list[list[str]]:
    html = client.get("/your-record/who-has-viewed").get_data(as_text=True)
    table = BeautifulSoup(html, "html.parser").select("tbody tr")
    return [[" ".join(cell.stripped_strings) for cell in row.select("td")] for row in table]


def test_reasons_are_in_plain_words_not_codes(db, world, signed_in):
    patient = signed_in(world.patient_user)
    assert patient.get(f"/record/{world.patient.id}/download").status_code == 200
    assert patient.get(f"/record/{world.patient.id}/print").status_code == 200
    patient.get("/home")
    token_page = patient.get("/self-assessment/rash")
    assert token_page.status_code == 200
    selfcare_services.prefill(db, world.patient_user, selfcare_services.algorithm_or_404("rash"))
    db.commit()
    whys = {row[-1] for row in rows(patient)}
    assert "Showing your homepage" in whys
    assert "Downloading your health record" in whys
    assert "Printing your health record" in whys
    assert "A symptom check or health score you filled in" in whys
    for code in ("download", "self-assessment", "homepage", "direct care", "record"):
        assert code not in whys


def test_one_review_that_read_the_record_five_times_is_one_row(db, world, signed_in):
    item = factories.assessment(db, world.patient_user).review_item
    clinician = signed_in(world.clinician)
    for _ in range(5):
        assert clinician.get(f"/clinician/reviews/{item.id}").status_code == 200
    reads = db.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.patient_id == world.patient.id,
            AuditEvent.actor_user_id == world.clinician.id,
        )
    )
    assert reads == 5, "the audit trail keeps every read"
    mine = [
        row for row in rows(signed_in(world.patient_user)) if world.clinician.display_name in row
    ]
    assert len(mine) == 1
    assert "5 times" in mine[0][0]
    assert mine[0][-1] == "Reviewing a symptom check or health score you filled in"
