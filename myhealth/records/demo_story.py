"""What happens to a demo patient over the years of their record: long-term conditions and
their medicines, allergies, reviews with their results, check-ups and screening, short
illnesses, vaccines and care plans, drawn at random from a seed that is their NHS number.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from myhealth.records.demo_resources import DemoRecord
from myhealth.records.demo_terms import (
    ACUTE,
    ALLERGIES,
    LONG_TERM,
    MIN_ONSET_AGE,
    PENICILLINS,
    hl7,
    sct,
)


class Story:
    """What happened to this patient: problems, medicines, reviews, results, vaccines."""

    def __init__(self, record: DemoRecord, rich: bool):
        self.r, self.rich = record, rich
        self.rng = record.rng
        self.last = record.today - timedelta(days=1)
        self.age = record.age(record.today)
        self.female = str(record.patient.gender) == "female"
        self.window = record.today - timedelta(days=365 * (5 if rich else self.rng.randint(3, 5)))
        self.conditions: dict[str, str] = {}
        self.onsets: dict[str, date] = {}
        self.resolved: dict[str, date] = {}
        self.penicillin_allergy = False

    def tell(self) -> None:
        self.long_term_conditions()
        self.allergies()
        self.medicines()
        if self.onsets:
            self.reviews()
        else:
            self.check_up()
        self.screening()
        self.acute_episodes()
        self.immunisations()
        self.care_plans()

    def _onset(self, key: str) -> date:
        earliest = max(
            self.r.patient.birth_date + timedelta(days=365 * MIN_ONSET_AGE[key]),
            self.r.today - timedelta(days=365 * 20),
        )
        return self.r.between(
            min(earliest, self.last - timedelta(days=200)), self.last - timedelta(days=200)
        )

    def long_term_conditions(self) -> None:
        band = 0 if self.age < 40 else 1 if self.age < 65 else 2
        chosen = [k for k, spec in LONG_TERM.items() if self.rng.random() < spec[3][band]]
        onsets = {k: self._onset(k) for k in LONG_TERM}
        if self.rich:
            chosen = [
                k
                for k in LONG_TERM
                if k in {"hypertension", "diabetes", "hypothyroidism"} or k in chosen
            ]
        if "asthma" in chosen and "copd" in chosen:  # one airways diagnosis keeps it readable
            chosen.remove("copd")
            # Diagnosed early in the window, so the results show the first year's progress.
            onsets["diabetes"] = self.window + timedelta(days=75)
        for key in chosen:
            code, term, text, _, _ = LONG_TERM[key]
            onset = onsets[key]
            resolved = None
            if key == "depression" and self.rng.random() < 0.4:
                candidate = onset + timedelta(days=self.rng.randint(270, 540))
                resolved = candidate if candidate < self.last else None
            self.conditions[key] = self.r.condition(code, term, text, onset, resolved)
            self.onsets[key] = onset
            if resolved:
                self.resolved[key] = resolved

    def allergies(self) -> None:
        chances = (0.1, 0.03, 0.02, 0.05)
        for spec, chance in zip(ALLERGIES, chances, strict=True):
            if not (self.rng.random() < chance or (self.rich and spec[3] == "Penicillin")):
                continue
            code, term, s_code, s_term, m_code, m_term, category, criticality = spec
            onset = self.r.between(
                self.r.patient.birth_date + timedelta(days=365 * 3), self.last - timedelta(days=365)
            )
            self.penicillin_allergy |= s_term == "Penicillin"
            self.r.add(
                {
                    "resourceType": "AllergyIntolerance",
                    "clinicalStatus": hl7("allergyintolerance-clinical", "active"),
                    "verificationStatus": hl7("allergyintolerance-verification", "confirmed"),
                    "type": "allergy",
                    "category": [category],
                    "criticality": criticality,
                    "code": sct(code, term),
                    "patient": self.r.subject,
                    "onsetDateTime": onset.isoformat(),
                    "recordedDate": onset.isoformat(),
                    "reaction": [
                        {
                            "substance": sct(s_code, s_term),
                            "manifestation": [sct(m_code, m_term)],
                            "severity": "severe" if criticality == "high" else "mild",
                        }
                    ],
                }
            )

    def medicines(self) -> None:
        prescribed: set[str] = set()
        for key, onset in self.onsets.items():
            reason = self.conditions[key]
            start = onset + timedelta(days=self.rng.randint(0, 21))
            if key == "hypertension" and (self.rich or self.rng.random() < 0.35):
                self.r.medicine(
                    "ramipril", start, status="stopped", reason=reason, stopped_because="Dry cough"
                )
                self.r.medicine("losartan", start + timedelta(days=42), reason=reason)
            for medicine in LONG_TERM[key][4]:
                if medicine in prescribed:  # one salbutamol inhaler for asthma and COPD
                    continue
                prescribed.add(medicine)
                if key in self.resolved:
                    self.r.medicine(medicine, start, status="completed", reason=reason)
                else:
                    self.r.medicine(medicine, start, reason=reason)

    # --- reviews and results ---------------------------------------------------------------

    def _active(self, day: date) -> list[str]:
        return [
            k
            for k, onset in self.onsets.items()
            if onset <= day and not (k in self.resolved and self.resolved[k] < day)
        ]

    def _months(self, key: str, day: date) -> float:
        return (day - self.onsets[key]).days / 30.4

    def _body(self) -> tuple[float, float]:
        height = self.rng.gauss(1.63 if self.female else 1.77, 0.06)
        weight = self.rng.gauss(74 if self.female else 87, 10) + (
            8 if "diabetes" in self.onsets else 0
        )
        return height, weight

    def reviews(self) -> None:
        rng, r = self.rng, self.r
        height, weight = self._body()
        smoker = self._smoking()
        cholesterol = rng.uniform(4.8, 6.8)
        egfr = 112 - self.age * 0.75 + rng.gauss(0, 8) - 6 * ("diabetes" in self.onsets)
        hba1c_start, hba1c_target = rng.uniform(62, 80), rng.uniform(47, 55)
        bp_start = rng.uniform(150, 168)
        predicted_flow = (440 if self.female else 600) - max(0, self.age - 30) * 3
        phq_start = rng.randint(15, 21)
        day = max(self.window, min(self.onsets.values())) + timedelta(days=rng.randint(14, 60))
        last_annual: date | None = None
        first = True
        while day < self.last:
            active = self._active(day)
            if not active:  # only a problem that has resolved: no more reviews for it
                day += timedelta(days=rng.randint(90, 180))
                continue
            reason = LONG_TERM[active[0]]
            enc, when = r.encounter(
                day,
                "185389009",
                "Follow-up visit",
                sct(reason[0], reason[1], reason[2]),
                nurse=not first and rng.random() < 0.6,
            )
            if "hypertension" in active:
                systolic = 131 + (bp_start - 131) * 0.82 ** self._months("hypertension", day)
            else:
                systolic = 118 + max(0, self.age - 40) * 0.35
            systolic = round(systolic + rng.gauss(0, 6))
            r.observation(
                "bp",
                when,
                enc,
                components={
                    "systolic": systolic,
                    "diastolic": round(systolic * 0.58 + rng.gauss(0, 4)),
                },
            )
            weight += rng.gauss(-0.3 if "diabetes" in active else 0, 1.2)
            annual = last_annual is None or (day - last_annual).days >= 300
            if "diabetes" in active or annual:
                r.observation("weight", when, enc, round(weight, 1))
                r.observation("bmi", when, enc, round(weight / height**2, 1))
            if "diabetes" in active:
                settling = 0.85 ** self._months("diabetes", day)  # treatment takes effect
                value = hba1c_target + (hba1c_start - hba1c_target) * settling
                r.observation("hba1c", when, enc, round(value + rng.gauss(0, 2.5)))
            if {"asthma", "copd"} & set(active):
                share = rng.uniform(0.55, 0.7) if "copd" in active else rng.uniform(0.78, 0.97)
                r.observation("peak_flow", when, enc, round(predicted_flow * share / 10) * 10)
            if "depression" in active and self._months("depression", day) < 14:
                score = phq_start - self._months("depression", day) * 1.2 + rng.gauss(0, 1.5)
                r.observation("phq9", when, enc, max(1, round(score)))
            if first:
                r.observation("smoking", when, enc, coded=smoker)
                self._first_review_procedures(active, when, enc)
            if annual:
                self._annual(active, when, enc, cholesterol, egfr)
                cholesterol += rng.gauss(-0.25 if "diabetes" in active else 0, 0.3)
                egfr -= rng.uniform(0, 2.5)
                last_annual = day
            first = False
            day += timedelta(days=rng.randint(90, 180))

    def _annual(
        self, active: list[str], when: datetime, enc: str, cholesterol: float, egfr: float
    ) -> None:
        r = self.r
        if {"hypertension", "diabetes"} & set(active) or self.age >= 40:
            r.observation("cholesterol", when, enc, round(max(2.8, cholesterol), 1))
        if {"hypertension", "diabetes"} & set(active):
            value = max(20, round(egfr))
            r.observation("egfr", when, enc, min(value, 90), comparator=">" if value > 90 else "")
        if "hypothyroidism" in active:
            tsh = (
                self.rng.uniform(0.6, 4.0)
                if self.rng.random() < 0.85
                else self.rng.uniform(4.5, 7.5)
            )
            r.observation("tsh", when, enc, round(tsh, 2))
        if "diabetes" in active:
            r.procedure("401191002", "Diabetic foot examination", when, enc)
        if self.rich or self.rng.random() < 0.5:
            r.procedure("182836005", "Review of medication", when, enc)

    def _first_review_procedures(self, active: list[str], when: datetime, enc: str) -> None:
        if "hypertension" in active and (self.rich or self.rng.random() < 0.5):
            self.r.procedure("29303009", "Electrocardiographic procedure", when, enc)
        if "copd" in active:
            self.r.procedure("127783003", "Spirometry", when, enc)

    def _smoking(self) -> dict:
        roll = self.rng.random()
        if "copd" in self.onsets:
            roll = 0.3 + roll * 0.7
        if roll < 0.55:
            return sct("266919005", "Never smoked tobacco")
        if roll < 0.85:
            return sct("8517006", "Ex-smoker")
        return sct("77176002", "Smoker")

    def check_up(self) -> None:
        """No long-term condition: a health check (or new-patient check) and nothing more."""
        r, rng = self.r, self.rng
        height, weight = self._body()
        day = r.between(self.window, self.last - timedelta(days=30))
        enc, when = r.encounter(day, "185349003", "Encounter for check up", None, nurse=True)
        systolic = round(116 + max(0, self.age - 40) * 0.35 + rng.gauss(0, 8))
        r.observation(
            "bp",
            when,
            enc,
            components={"systolic": systolic, "diastolic": round(systolic * 0.6 + rng.gauss(0, 4))},
        )
        r.observation("weight", when, enc, round(weight, 1))
        r.observation("bmi", when, enc, round(weight / height**2, 1))
        r.observation("smoking", when, enc, coded=self._smoking())
        if 40 <= self.age < 75:
            r.observation("cholesterol", when, enc, round(rng.uniform(3.8, 6.9), 1))

    def screening(self) -> None:
        if self.female and 25 <= self.age < 65:
            day = self.r.between(self.window, self.last - timedelta(days=30))
            enc, when = self.r.encounter(
                day, "185349003", "Encounter for check up", None, nurse=True
            )
            self.r.procedure("171149006", "Screening for malignant neoplasm of cervix", when, enc)

    # --- episodes, vaccines, plans ---------------------------------------------------------

    def acute_episodes(self) -> None:
        r, rng = self.r, self.rng
        count = 2 if self.rich else rng.randint(1, 3)
        for code, term, medicine in rng.sample(ACUTE, count):
            day = r.between(self.window, self.last - timedelta(days=40))
            phone = rng.random() < 0.4
            concept = sct(code, term)
            r.encounter(
                day,
                *(("185317003", "Telephone encounter") if phone else ("11429006", "Consultation")),
                concept,
            )
            ref = r.condition(code, term, term, day, day + timedelta(days=rng.randint(7, 21)))
            if medicine:
                if self.penicillin_allergy:
                    medicine = PENICILLINS.get(medicine, medicine)
                r.medicine(medicine, day, status="completed", repeat=False, reason=ref)

    def immunisations(self) -> None:
        r, rng = self.r, self.rng
        born = r.patient.birth_date
        at_risk = bool({"diabetes", "asthma", "copd"} & set(self.onsets))

        for year in range(self.window.year, r.today.year + 1):
            day = date(year, 9, 25) + timedelta(days=rng.randint(0, 60))
            if (
                self.window <= day < self.last
                and (r.age(day) >= 65 or at_risk)
                and rng.random() < 0.85
            ):
                r.immunisation("flu", day)
        if r.age(date(2021, 6, 1)) >= 16:
            first = date(2021, 1, 8) + timedelta(
                days=min(150, max(0, 90 - r.age(date(2021, 1, 1))) * 3) + rng.randint(0, 14)
            )
            doses = [
                first,
                first + timedelta(days=rng.randint(56, 84)),
                date(2021, 12, 1) + timedelta(days=rng.randint(0, 40)),
            ]
            for year in (2023, 2024, 2025):
                eligible = r.age(date(year, 9, 1)) >= (75 if year == 2025 else 65) or (
                    at_risk and year < 2025
                )
                if eligible and rng.random() < 0.85:
                    doses.append(date(year, 9, 20) + timedelta(days=rng.randint(0, 50)))
            for number, day in enumerate(doses, start=1):
                if born < day < self.last:
                    r.immunisation("covid", day, dose=number)
        if self.age >= 65:
            day = born + timedelta(days=365 * 65 + rng.randint(30, 400))
            if day < self.last:
                r.immunisation("pneumo", day, dose=1)

    def care_plans(self) -> None:
        plans = {
            "diabetes": (
                "735985000",
                "Diabetes self management plan",
                "Type 2 diabetes care plan",
                "HbA1c, blood pressure, kidney function and foot checks at each "
                "review; structured education; eye screening every year.",
            ),
            "asthma": (
                "734163000",
                "Care plan",
                "Asthma action plan",
                "Preventer inhaler twice a day; reliever when needed; seek help "
                "the same day if the reliever is needed more than three times a "
                "week.",
            ),
        }
        for key, (code, term, title, detail) in plans.items():
            if key not in self.onsets or key in self.resolved:
                continue
            start = max(self.onsets[key], self.window).isoformat()
            self.r.add(
                {
                    "resourceType": "CarePlan",
                    "status": "active",
                    "intent": "plan",
                    "title": title,
                    "category": [sct(code, term, title)],
                    "subject": self.r.subject,
                    "period": {"start": start},
                    "created": start,
                    "addresses": [{"reference": self.conditions[key]}],
                    "activity": [{"detail": {"status": "in-progress", "description": detail}}],
                }
            )
