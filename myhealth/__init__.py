"""myhealth: a citizen self-service health portal."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from myhealth.config import PROJECT_ROOT, load_config

BLUEPRINTS = (
    "myhealth.home.views:bp",
    "myhealth.accounts.views:bp",
    "myhealth.access.views:bp",
    "myhealth.clinician.views:bp",
    "myhealth.records.views:bp",
    "myhealth.selfcare.views:bp",
    "myhealth.messaging.views:bp",
)

# Each domain registers its own homepage widgets.
WIDGET_MODULES = (
    "myhealth.records.widgets",
    "myhealth.accounts.widgets",
    "myhealth.selfcare.widgets",
)


def create_app(config: dict | None = None) -> Flask:
    """The one app factory: config, extensions, blueprints, error handlers, the access guard."""
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/static",
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(load_config(config))
    app.jinja_options = {
        "undefined": ChainableUndefined,  # nhsuk-frontend-jinja macros rely on it
        "loader": ChoiceLoader(
            [FileSystemLoader(app.template_folder), PackageLoader("nhsuk_frontend_jinja")]
        ),
        "autoescape": True,
        # A block tag's own line leaves no blank line or indentation in the page.
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)

    from myhealth import extensions, i18n, models, security, web
    from myhealth.access import chain as audit_chain
    from myhealth.extensions import babel, csrf, db, limiter, login, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(PROJECT_ROOT / "myhealth" / "translations"),
    )
    limiter.init_app(app)
    login.init_app(app)
    _ = (extensions, models)  # one instance of each extension; every model registered

    import importlib

    for target in BLUEPRINTS:
        module_name, attr = target.split(":")
        app.register_blueprint(getattr(importlib.import_module(module_name), attr))

    for module_name in WIDGET_MODULES:
        importlib.import_module(module_name)

    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies:
        # Behind a load balancer: trust its X-Forwarded-For/-Proto for client address and HTTPS.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    security.init_app(app)
    audit_chain.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    return app
