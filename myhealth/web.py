"""Request plumbing: the access guard, the session user loader, error pages; built assets and
compression (myhealth.assets, myhealth.compression)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from myhealth import (
    assets,
    components,
    compression,
    context,
    database,
    form_components,
    navigation,
)
from myhealth.access import policy
from myhealth.access.services import record_event
from myhealth.errors import DeniedRead, DomainError
from myhealth.extensions import db, login

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Endpoints that are not views of ours but must stay open.
PUBLIC_ENDPOINTS = frozenset({"static"})


def client_address() -> str:
    """The client's address, from the request context (myhealth.context), built once."""
    return context.current().client_address


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after sign-in or a language switch."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def endpoint_access(app: Flask, endpoint: str) -> str | None:
    if endpoint in PUBLIC_ENDPOINTS:
        return "public"
    view = app.view_functions.get(endpoint)
    return policy.declared_access(view) if view else None


@login.user_loader
def _load_user(session_id: str):
    from myhealth.accounts.services import load_session_user

    user, expired = load_session_user(db.session, session_id, current_app.config)
    if expired:
        g.session_expired = True
    return user


ERROR_TEXT = {
    404: lambda: (
        _("Page not found"),
        _(
            "If you typed the web address, check it is correct. "
            "If you pasted the web address, check you copied the entire address."
        ),
    ),
    403: lambda: (
        _("You do not have access to this page"),
        _("If you think you should have access, contact your GP practice or administrator."),
    ),
}


def init_app(app: Flask) -> None:
    # /assets/ is answered by whitenoise before Flask sees the request.
    assets.init_app(app)
    compression.init_app(app)

    def begin_writing():
        # A request that changes things takes SQLite's write lock up front
        # (see database.immediate_begin); GET and HEAD begin deferred.
        if request.method not in SAFE_METHODS:
            g.writing = database.immediate_begin()
            g.writing.__enter__()

    # First of all before-request hooks, so even the session user's loading begins this way.
    app.before_request_funcs.setdefault(None, []).insert(0, begin_writing)

    @app.teardown_request
    def end_writing(exc):
        writing = g.pop("writing", None)
        if writing is not None:
            writing.__exit__(None, None, None)

    @app.before_request
    def access_guard():
        endpoint = request.endpoint
        if endpoint is None:
            return None  # no such route: 404
        access = endpoint_access(app, endpoint)
        if access == "public":
            return None
        if access is None:
            # Deny by default: a view that declares nothing is never served.
            log.error("endpoint %s declares no access rule", endpoint)
            abort(403)
        if not current_user.is_authenticated:
            if g.get("session_expired"):
                flash(_("You were signed out because you were inactive. Sign in again."), "expired")
            return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
        if policy.has_permission(current_user, access):
            return None
        if policy.needs_two_factor_first(current_user, access):
            flash(_("Set up two-factor authentication before you can see patient data."), "info")
            return redirect(url_for("accounts.two_factor_setup"))
        abort(403)

    @app.after_request
    def end_unit_of_work(response):
        # The one commit of a request (myhealth.context): what the view did, last-seen times
        # and expiries the user loader changed, and the audit entries of what it read. The
        # error pages below undid a failed view's work before they were rendered.
        if response.status_code < 500:
            context.commit(db.session)
        else:
            context.discard(db.session)
        return response

    @app.teardown_request
    def rollback_on_error(exc):
        if exc is not None:
            context.discard(db.session)

    def render_page(status: int, heading: str, message: str):
        return render_template(
            "errors/error.html", status=status, heading=heading, message=message
        ), status

    def render_error(status: int, heading: str, message: str):
        # Whatever the request did before it failed is undone; an error page changes nothing.
        context.discard(db.session)
        return render_page(status, heading, message)

    @app.errorhandler(SecurityError)
    def untrusted_host(exc):
        # No page can be built for a host we do not serve (its links would point there).
        return Response("Bad request: unknown host.\n", 400, mimetype="text/plain")

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(
            400,
            _("Your session has expired"),
            _("For your security, forms expire. Go back, reload the page and try again."),
        )

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        context.discard(db.session)
        if isinstance(exc, DeniedRead):
            # A refused look at a patient's data is audited too, in a transaction of its own.
            record_event(
                db.session,
                "patient.read.denied",
                actor=exc.actor,
                patient_id=exc.patient_id,
                purpose=exc.purpose,
                outcome="denied",
                client_address=exc.client_address or client_address(),
            )
            # Committed with the error page, by the unit of work.
            return render_page(exc.status, *ERROR_TEXT[exc.status]())
        if exc.status == 404:
            return page_not_found(exc)
        if exc.status == 403:
            return forbidden(exc)
        return render_error(exc.status, _("Sorry, there is a problem"), str(exc.message))

    @app.errorhandler(404)
    def page_not_found(exc):
        return render_error(404, *ERROR_TEXT[404]())

    @app.errorhandler(403)
    def forbidden(exc):
        return render_error(403, *ERROR_TEXT[403]())

    @app.errorhandler(405)
    def method_not_allowed(exc):
        return render_error(
            405, _("Sorry, there is a problem"), _("That action is not allowed here.")
        )

    @app.errorhandler(413)
    def too_large(exc):
        return render_error(413, _("The file is too large"), _("Choose a smaller file."))

    @app.errorhandler(429)
    def too_many(exc):
        return render_error(
            429,
            _("Too many attempts"),
            _("You have tried too many times. Wait a minute, then try again."),
        )

    @app.errorhandler(500)
    def server_error(exc):
        return render_error(
            500,
            _("Sorry, there is a problem with the service"),
            _(
                "Try again later. If you need medical help urgently, call 111 or, in an "
                "emergency, 999."
            ),
        )

    @app.errorhandler(HTTPException)
    def other_http_error(exc: HTTPException):
        return render_error(exc.code or 500, _("Sorry, there is a problem"), exc.name)

    @app.context_processor
    def template_helpers():
        return {"endpoint_access": lambda ep: endpoint_access(app, ep)}

    app.jinja_env.globals["url_for"] = _remembered_url_for(app)
    app.jinja_env.globals["components"] = components
    app.jinja_env.globals["form_components"] = form_components
    app.jinja_env.globals["header_params"] = navigation.header_params
    app.jinja_env.globals["site_footer"] = navigation.footer
    app.jinja_env.globals["skip_link"] = navigation.skip_link


def _remembered_url_for(app: Flask):
    """url_for for templates, remembering the links that take no values.

    Every page links to the same dozen places (header, navigation, footer), and building a
    link costs tens of microseconds. Such a link depends only on the endpoint and the path
    the app is served under; anything else (values, a blueprint-relative endpoint, no
    request) is built afresh.
    """
    remembered: dict[tuple[str, str], str] = {}

    def url_for_template(endpoint: str, **values) -> str:
        if values or endpoint.startswith(".") or not has_request_context():
            return app.url_for(endpoint, **values)
        key = (endpoint, request.script_root)
        found = remembered.get(key)
        if found is None:
            found = remembered[key] = app.url_for(endpoint)
        return found

    return url_for_template


def sign_out_current_user() -> None:
    logout_user()
