"""Signing in through an OpenID Connect provider in the style of NHS login: the protocol.

Authorization code flow with PKCE (S256), `state` and `nonce`, the vectors of trust asked for
(`vtr`, a JSON array as NHS login expects it) and the one achieved (`vot`) checked, the client
authenticated at the token endpoint with `private_key_jwt` (authlib), the ID token's signature
checked against the provider's published keys (JWKS) and its claims (issuer, audience, expiry,
nonce), then the person's details read from the userinfo endpoint.

No database and no request here: the views keep the pending sign-in in the session, and
oidc_accounts decides what the verified identity means for accounts.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from myhealth.errors import DomainError

HTTP_TIMEOUT = 10  # seconds, for every call to the provider
METADATA_TTL = 3600  # seconds a provider's discovery document and keys are reused
PENDING_SECONDS = 600  # time to sign in at the provider and come back
SECOND_FACTORS = frozenset({"Cd", "Ck", "Cm"})  # NHS login: device, shared key, asymmetric key
ID_TOKEN_ALGORITHMS = ["RS256", "RS512", "PS256", "PS512", "ES256"]


class SignInRefused(DomainError):
    """The provider's answer cannot be trusted or used. `reason` is for the audit trail only;
    the person sees one page whatever it was."""

    status = 400

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class IdentityLevelTooLow(SignInRefused):
    """The person proved who they are less strongly than this service requires."""

    status = 403


@dataclass(frozen=True)
class Vector:
    """A vector of trust (RFC 8485) as NHS login writes it, e.g. "P9.Cp.Cd": the identity
    proofing level (P0, P5, P9) and the credentials used (Cp password, Cd registered device,
    Ck shared key, Cm asymmetric key)."""

    proofing: int
    credentials: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Vector:
        parts = [p for p in str(text).strip().split(".") if p]
        proofing = [p for p in parts if p.startswith("P")]
        credentials = frozenset(p for p in parts if p.startswith("C"))
        if len(proofing) != 1 or not proofing[0][1:].isdigit() or not credentials:
            raise ValueError(f"not a vector of trust: {text!r}")
        return cls(int(proofing[0][1:]), credentials)

    def satisfies(self, required: Vector) -> bool:
        return self.proofing >= required.proofing and required.credentials <= self.credentials

    def __str__(self) -> str:
        return ".".join([f"P{self.proofing}", *sorted(self.credentials)])

    @property
    def has_second_factor(self) -> bool:
        return bool(self.credentials & SECOND_FACTORS)


@dataclass(frozen=True)
class ProviderSettings:
    issuer: str
    client_id: str
    private_key_pem: str
    key_id: str
    vector: str  # the vector of trust required, e.g. "P9.Cp.Cd"
    scope: str = "openid profile email"
    name: str = "NHS login"

    @classmethod
    def from_config(cls, config) -> ProviderSettings | None:
        """The configured provider, or None when OIDC sign-in is off."""
        if not config.get("OIDC_ISSUER"):
            return None
        return cls(
            issuer=config["OIDC_ISSUER"].rstrip("/"),
            client_id=config["OIDC_CLIENT_ID"],
            private_key_pem=Path(config["OIDC_PRIVATE_KEY_FILE"]).read_text(),
            key_id=config.get("OIDC_KEY_ID") or "",
            vector=config["OIDC_VECTOR_OF_TRUST"],
            name=config.get("OIDC_PROVIDER_NAME") or "NHS login",
        )

    @property
    def required(self) -> Vector:
        return Vector.parse(self.vector)


def provider_name(config) -> str | None:
    """The provider's name for the sign-in and account pages, or None when it is off."""
    if not config.get("OIDC_ISSUER"):
        return None
    return config.get("OIDC_PROVIDER_NAME") or "NHS login"


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, and how strongly, once every check has passed."""

    issuer: str
    subject: str
    vector: Vector
    nhs_number: str | None
    birth_date: date | None
    family_name: str
    given_name: str
    email: str | None
    email_verified: bool


# --- the provider's published metadata and keys ---------------------------------------------

_cache: dict[str, tuple[float, dict]] = {}
_cache_lock = threading.Lock()


def _get_json(url: str, *, fresh: bool = False) -> dict:
    with _cache_lock:
        held = _cache.get(url)
    if held and not fresh and time.monotonic() - held[0] < METADATA_TTL:
        return held[1]
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused(f"could not read {url}: {exc}") from exc
    with _cache_lock:
        _cache[url] = (time.monotonic(), data)
    return data


def metadata(settings: ProviderSettings) -> dict:
    data = _get_json(f"{settings.issuer}/.well-known/openid-configuration")
    if data.get("issuer", "").rstrip("/") != settings.issuer:
        raise SignInRefused("discovery document names another issuer")
    return data


def _key_set(settings: ProviderSettings, *, fresh: bool = False) -> KeySet:
    return KeySet.import_key_set(_get_json(metadata(settings)["jwks_uri"], fresh=fresh))


# --- the flow --------------------------------------------------------------------------------


def _client(settings: ProviderSettings, redirect_uri: str, token_endpoint: str) -> OAuth2Session:
    client = OAuth2Session(
        settings.client_id,
        settings.private_key_pem,
        scope=settings.scope,
        redirect_uri=redirect_uri,
        token_endpoint_auth_method=PrivateKeyJWT.name,
        code_challenge_method="S256",
    )
    headers = {"kid": settings.key_id} if settings.key_id else None
    client.register_client_auth_method(PrivateKeyJWT(token_endpoint, headers=headers))
    return client


def begin(settings: ProviderSettings, redirect_uri: str) -> tuple[str, dict]:
    """The provider's URL to send the browser to, and what to keep until it comes back."""
    meta = metadata(settings)
    pending = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "code_verifier": secrets.token_urlsafe(48),
        "redirect_uri": redirect_uri,
        "started": int(time.time()),
    }
    with _client(settings, redirect_uri, meta["token_endpoint"]) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"],
            state=pending["state"],
            nonce=pending["nonce"],
            code_verifier=pending["code_verifier"],
            vtr=json.dumps([settings.vector]),
        )
    return url, pending


def finish(settings: ProviderSettings, pending: dict | None, args: dict) -> Identity:
    """Check the answer the browser brought back and return who signed in, or raise.

    SignInRefused for anything that does not check out (no pending sign-in, another sign-in's
    state, an error from the provider, a bad token or nonce); IdentityLevelTooLow when the
    vector of trust achieved is weaker than the one required.
    """
    if not pending or not args.get("state"):
        raise SignInRefused("no sign-in was started in this browser")
    if not secrets.compare_digest(str(args["state"]), pending["state"]):
        raise SignInRefused("state does not match this browser's sign-in")
    if time.time() - pending.get("started", 0) > PENDING_SECONDS:
        raise SignInRefused("the sign-in took too long")
    if args.get("error"):
        raise SignInRefused(f"provider answered {args['error']}")
    if not args.get("code"):
        raise SignInRefused("no authorization code")
    meta = metadata(settings)
    with _client(settings, pending["redirect_uri"], meta["token_endpoint"]) as client:
        try:
            token = client.fetch_token(
                meta["token_endpoint"],
                code=args["code"],
                code_verifier=pending["code_verifier"],
                timeout=HTTP_TIMEOUT,
            )
        except Exception as exc:  # authlib's OAuthError, or the network
            raise SignInRefused(f"token request failed: {exc}") from exc
        claims = _id_token_claims(settings, token.get("id_token"), pending["nonce"])
        vector = _achieved_vector(settings, claims.get("vot"))
        try:
            response = client.get(meta["userinfo_endpoint"], timeout=HTTP_TIMEOUT)
            response.raise_for_status()
            userinfo = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SignInRefused(f"userinfo request failed: {exc}") from exc
    if userinfo.get("sub") != claims["sub"]:
        raise SignInRefused("userinfo is about someone else")
    level = userinfo.get("identity_proofing_level")
    if level is not None and _proofing(level) < settings.required.proofing:
        raise IdentityLevelTooLow(f"identity proofing level {level}")
    details = {**claims, **userinfo}
    return Identity(
        issuer=settings.issuer,
        subject=str(claims["sub"]),
        vector=vector,
        nhs_number=details.get("nhs_number"),
        birth_date=_date(details.get("birthdate")),
        family_name=str(details.get("family_name") or ""),
        given_name=str(details.get("given_name") or ""),
        email=details.get("email"),
        email_verified=details.get("email_verified") is True,
    )


def _id_token_claims(settings: ProviderSettings, id_token: str | None, nonce: str) -> dict:
    if not id_token:
        raise SignInRefused("no ID token")
    try:
        try:
            token = jwt.decode(id_token, _key_set(settings), algorithms=ID_TOKEN_ALGORITHMS)
        except JoseError:
            # The provider may have rotated its keys since they were read.
            token = jwt.decode(
                id_token, _key_set(settings, fresh=True), algorithms=ID_TOKEN_ALGORITHMS
            )
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise SignInRefused(f"ID token refused: {exc}") from exc
    audience = token.claims["aud"]
    several = isinstance(audience, list) and len(audience) > 1
    if several and token.claims.get("azp") != settings.client_id:
        raise SignInRefused("ID token issued to another party")
    return token.claims


def _achieved_vector(settings: ProviderSettings, vot) -> Vector:
    try:
        vector = Vector.parse(vot)
    except ValueError as exc:
        raise IdentityLevelTooLow(f"no usable vector of trust ({vot!r})") from exc
    if not vector.satisfies(settings.required):
        raise IdentityLevelTooLow(f"vector of trust {vot} is below {settings.vector}")
    return vector


def _proofing(level) -> int:
    text = str(level).upper().lstrip("P")
    return int(text) if text.isdigit() else -1


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
