"""A real OpenID Connect provider for the tests: panva's oidc-provider (npm), run with node.

`OidcProvider.start(redirect_uris, tmp)` writes the provider's settings (the test client with
its public key for private_key_jwt, and the people below with NHS-login-style claims), starts
tests/accounts/oidc_provider.mjs on a free port and waits until it listens. `app_settings()`
gives the app's OIDC configuration for it. `sign_in_at_provider` plays the person's part on
the provider's own login page, as a browser would, and returns the URL it sends them back to.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from myhealth.demo_people import test_range_nhs_numbers

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "myhealth-test-client"
KEY_ID = "myhealth-test-key"

# NHS numbers of the test range past those the demo and the factories use (the first 5000).
_NUMBERS = test_range_nhs_numbers(5010)[5000:]


@dataclass(frozen=True)
class Person:
    subject: str
    nhs_number: str
    birth_date: date
    family_name: str
    given_name: str
    email: str
    vot: str = "P9.Cp.Cd"

    @property
    def claims(self) -> dict:
        return {
            "nhs_number": self.nhs_number,
            "birthdate": self.birth_date.isoformat(),
            "family_name": self.family_name,
            "given_name": self.given_name,
            "email": self.email,
            "email_verified": True,
            "identity_proofing_level": self.vot.split(".")[0],
            "vot": self.vot,
            "vtm": "https://auth.login.nhs.uk/trustmark/login.nhs.uk",
        }


# Everyone the provider knows. Tests make the records they need with these details.
NIA = Person("nia-p9", _NUMBERS[0], date(1984, 2, 29), "Okafor", "Nia", "nia@example.org")
RHYS = Person("rhys-p9", _NUMBERS[1], date(1972, 11, 3), "Llewellyn", "Rhys", "rhys@example.org")
LOW = Person(
    "cai-p5", _NUMBERS[2], date(1990, 6, 1), "Morgan", "Cai", "cai@example.org", vot="P5.Cp.Cd"
)
NOBODY = Person("ola-p9", _NUMBERS[3], date(1999, 1, 9), "Adeyemi", "Ola", "ola@example.org")
# The same NHS number and family name as Nia, but another date of birth.
IMPOSTOR = Person(
    "imp-p9", NIA.nhs_number, date(1985, 2, 28), "Okafor", "Nia", "someone@example.org"
)
BROWSER = Person("eve-p9", _NUMBERS[4], date(1966, 8, 12), "Price", "Eve", "eve@example.org")
# Identity proved to P9, signed in with a password alone (no registered device).
PASSWORD_ONLY = Person(
    "bea-p9", _NUMBERS[5], date(1958, 3, 21), "Hughes", "Bea", "bea@example.org", vot="P9.Cp"
)
PEOPLE = (NIA, RHYS, LOW, NOBODY, IMPOSTOR, BROWSER, PASSWORD_ONLY)


def record_for(session, person: Person, org=None, **values):
    """The practice's record of this person (their details as the provider has them)."""
    from tests import factories

    return factories.patient(
        session,
        org,
        nhs_number=person.nhs_number,
        birth_date=values.pop("birth_date", person.birth_date),
        family_name=values.pop("family_name", person.family_name),
        given_name=person.given_name,
        **values,
    )


class OidcProvider:
    def __init__(self, issuer: str, process: subprocess.Popen, key_file: Path):
        self.issuer = issuer
        self.process = process
        self.key_file = key_file

    @classmethod
    def start(cls, redirect_uris: list[str], tmp: Path) -> OidcProvider:
        from tests.conftest import free_port

        node = shutil.which("node")
        if node is None or not (SCRIPT.parents[2] / "node_modules" / "oidc-provider").exists():
            pytest.skip("the OIDC tests need node and `npm ci` (oidc-provider)")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key_file = tmp / "client-key.pem"
        key_file.write_bytes(pem)
        public = RSAKey.import_key(pem).as_dict(private=False)
        public.update({"kid": KEY_ID, "alg": "RS256", "use": "sig"})
        port = free_port()
        settings = tmp / "provider.json"
        settings.write_text(
            json.dumps(
                {
                    "port": port,
                    "client_id": CLIENT_ID,
                    "redirect_uris": redirect_uris,
                    "client_jwk": public,
                    "users": {p.subject: p.claims for p in PEOPLE},
                }
            )
        )
        process = subprocess.Popen(
            [node, str(SCRIPT), str(settings)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=SCRIPT.parents[2],
        )
        line = process.stdout.readline()
        if not line.startswith("listening "):
            process.kill()
            process.wait()
            process.stdout.close()
            raise RuntimeError(f"the OIDC provider did not start: {line!r}")
        return cls(line.split()[1], process, key_file)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()

    def app_settings(self, **overrides) -> dict:
        settings = {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_PRIVATE_KEY_FILE": str(self.key_file),
            "OIDC_KEY_ID": KEY_ID,
        }
        settings.update(overrides)
        return settings


_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def sign_in_at_provider(authorisation_url: str, person: Person, back_to: str) -> str:
    """Sign in on the provider's login page as this person; the URL it sends them back to."""
    with requests.Session() as browser:
        page = browser.get(authorisation_url, timeout=10)
        assert page.status_code == 200, page.text
        action = _FORM_ACTION.search(page.text)
        assert action, f"no login form at the provider: {page.text[:500]}"
        url = urljoin(page.url, action.group(1))
        response = browser.post(
            url,
            data={"prompt": "login", "login": person.subject, "password": "any"},
            allow_redirects=False,
            timeout=10,
        )
        for _ in range(10):
            location = urljoin(url, response.headers.get("Location", ""))
            assert response.status_code in (302, 303), response.text[:500]
            if location.startswith(back_to):
                return location
            url = location
            response = browser.get(url, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the person back")
