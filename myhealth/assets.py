"""The built static files: named through the build's manifest, served by whitenoise.

`tools/build_assets.py` (run by `make install`) gives every file of NHS.UK frontend and of
static/ a content-hashed name and writes gzip and brotli copies beside it. Templates name a
file by its logical name, `asset_url("nhsuk-frontend.min.css")`, and get its hashed URL under
/assets/. Whitenoise answers those URLs before Flask sees them, with the copy the browser's
Accept-Encoding asks for, and lets browsers keep them for a year: a changed file gets a new
name. The manifest is read once, at start-up; without a build the app does not start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

from myhealth.config import PROJECT_ROOT
from myhealth.security import ASSET_HEADERS

URL_PREFIX = "/assets/"
DEFAULT_BUILD_DIR = PROJECT_ROOT / "build" / "assets"
# Every built file is named by its content, so it never changes under its URL.
CACHE_FOREVER = "public, max-age=31536000, immutable"


class AssetsNotBuilt(RuntimeError):
    """The static files have not been built; the app cannot serve a styled page."""


@dataclass(frozen=True)
class Manifest:
    files: dict[str, str]  # logical name -> hashed name
    fonts: tuple[str, ...]  # the NHS.UK fonts' woff2 URLs, to preload

    def url(self, name: str) -> str:
        try:
            return URL_PREFIX + self.files[name]
        except KeyError:
            raise LookupError(f"no built asset is called {name!r}") from None


def load_manifest(build_dir: Path) -> Manifest:
    path = build_dir / "manifest.json"
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise AssetsNotBuilt(
            f"The static assets are not built (no {path}). Run `make install`, or "
            "`python tools/build_assets.py` after `npm ci`."
        ) from None
    return Manifest(files=dict(data["files"]), fonts=tuple(data["fonts"]))


def _asset_headers(headers, path: str, url: str) -> None:
    headers["Cache-Control"] = CACHE_FOREVER
    for name, value in ASSET_HEADERS.items():
        headers[name] = value


def init_app(app: Flask) -> None:
    build_dir = Path(app.config.get("ASSETS_BUILD_DIR") or DEFAULT_BUILD_DIR)
    manifest = load_manifest(build_dir)
    app.extensions["myhealth_assets"] = manifest
    app.jinja_env.globals["asset_url"] = manifest.url
    app.jinja_env.globals["preload_fonts"] = manifest.fonts
    # Paths under /assets/ that are not built files fall through to Flask: a 404 page.
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=build_dir / "files",
        prefix=URL_PREFIX,
        max_age=None,
        allow_all_origins=False,
        add_headers_function=_asset_headers,
    )
