"""Static files and compression (issue 10): built assets under content-hashed names, cached
for a year and sent precompressed; pages, JSON and the record download compressed on the
way out, but never where BREACH could read personal data from the compressed sizes."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from bs4 import BeautifulSoup

from myhealth.assets import AssetsNotBuilt
from myhealth.config import PROJECT_ROOT
from myhealth.security import FONT_CDN

IMMUTABLE = "public, max-age=31536000, immutable"
HASHED = re.compile(r"^/assets/(?:[\w-]+/)*[\w.-]+\.[0-9a-f]{12}\.\w+$")
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    assert encoding is None, encoding
    return data


def head_links(client) -> list[tuple[str, str]]:
    """What the landing page's <head> loads from us: (rel, or "script"; URL)."""
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    found = [
        (" ".join(link["rel"]), link["href"])
        for link in page.head.find_all("link")
        if not link["href"].startswith("https://")
    ]
    return found + [("script", script["src"]) for script in page.head.find_all("script", src=True)]


def logical_name(url: str) -> str:
    return re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", url.removeprefix("/assets/"))


def loaded(client, rel: str, name: str) -> str:
    return next(url for r, url in head_links(client) if r == rel and f"/{name}." in url)


def stylesheet(client) -> str:
    return loaded(client, "stylesheet", "nhsuk-frontend.min")


# --- built assets ----------------------------------------------------------------------------


def test_every_file_the_page_head_loads_is_built_hashed_and_cached_for_a_year(client):
    links = head_links(client)
    # NHS.UK's stylesheet and script (through ours), our stylesheet, favicons, the manifest.
    assert {(rel, logical_name(url)) for rel, url in links} == {
        ("stylesheet", "nhsuk-frontend.min.css"),
        ("stylesheet", "css/myhealth.css"),
        ("script", "js/init.mjs"),
        ("icon", "images/favicon.ico"),
        ("icon", "images/favicon.svg"),
        ("mask-icon", "images/nhsuk-icon-mask.svg"),
        ("apple-touch-icon", "images/nhsuk-icon-180.png"),
        ("manifest", "manifest.json"),
    }
    for _, url in links:
        assert HASHED.match(url), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        response.close()


def test_a_hashed_name_is_the_hash_of_what_is_served_under_it(client):
    url = stylesheet(client)
    with client.get(url) as response:
        body = response.get_data()
    assert hashlib.sha256(body).hexdigest()[:12] == url.rsplit(".", 2)[1]


def test_an_asset_comes_brotli_or_gzip_compressed_as_the_browser_asks(client):
    url = stylesheet(client)
    with client.get(url) as plain:
        original = plain.get_data()
        assert plain.headers.get("Content-Encoding") is None
        assert plain.headers["Vary"] == "Accept-Encoding"
    for asked, expected in (("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br, zstd", "br")):
        with client.get(url, headers={"Accept-Encoding": asked}) as response:
            assert response.headers["Content-Encoding"] == expected, asked
            assert response.headers["Vary"] == "Accept-Encoding"
            assert response.headers["Cache-Control"] == IMMUTABLE
            assert int(response.headers["Content-Length"]) < len(original) / 4
            assert decoded(response) == original


def test_references_between_assets_point_at_hashed_files_that_exist(client):
    with client.get(stylesheet(client)) as response:
        css = response.get_data(as_text=True)
    images = re.findall(r"url\((images/[^)]+)\)", css)
    assert images and not re.search(r"url\(/assets/", css)
    for image in images:
        assert HASHED.match(f"/assets/{image}"), image
        with client.get(f"/assets/{image}") as found:
            assert found.status_code == 200, image

    with client.get(loaded(client, "script", "init")) as response:
        script = response.get_data(as_text=True)
    imported = re.search(r"from '(\.\./nhsuk-frontend\.min\.[0-9a-f]{12}\.js)'", script)
    assert imported, script
    with client.get("/assets/" + imported[1].removeprefix("../")) as found:
        assert found.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/assets/nhsuk-frontend.min.css",  # the logical name is not served
        "/assets/nhsuk-frontend.min.000000000000.css",
        "/assets/../myhealth/config.py",
        "/assets/manifest.json",  # the build's own manifest stays private
    ],
)
def test_a_missing_asset_is_not_found_and_not_stored(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_the_app_refuses_to_start_without_a_build(extra_app, tmp_path):
    with pytest.raises(AssetsNotBuilt, match="make install"):
        extra_app(ASSETS_BUILD_DIR=str(tmp_path / "never-built"))


def test_the_build_is_reproducible(tmp_path):
    for run in ("one", "two"):
        subprocess.run(
            [sys.executable, "tools/build_assets.py", "--out", str(tmp_path / run)],
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )

    def contents(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    one, two = contents(tmp_path / "one"), contents(tmp_path / "two")
    assert one == two
    assert any(name.endswith(".css.br") for name in one)
    assert any(name.endswith(".css.gz") for name in one)


# --- fonts -----------------------------------------------------------------------------------


def test_the_nhs_fonts_the_stylesheet_uses_are_preloaded_from_an_allowed_host(client):
    response = client.get("/")
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    preloads = page.head.find_all("link", rel="preload")
    with client.get(stylesheet(client)) as css_response:
        css = css_response.get_data(as_text=True)
    used = re.findall(r"url\((https://[^)]+\.woff2)\)", css)

    assert used and [link["href"] for link in preloads] == used
    for link in preloads:
        assert link["as"] == "font" and link["type"] == "font/woff2"
        assert link.has_attr("crossorigin")  # fonts are fetched in CORS mode
    font_src = re.search(r"font-src ([^;]+)", response.headers["Content-Security-Policy"])[1]
    assert all(url.startswith(FONT_CDN + "/") for url in used) and FONT_CDN in font_src.split()


# --- compression of what Flask answers ---------------------------------------------------------


def test_the_landing_page_comes_compressed_with_vary(client):
    plain = client.get("/")
    assert plain.headers.get("Content-Encoding") is None
    for asked, expected in (("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br, zstd", "br")):
        response = client.get("/", headers={"Accept-Encoding": asked})
        assert response.headers["Content-Encoding"] == expected
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Cache-Control"] == "no-store"
        html = decoded(response).decode()
        assert "Create an account" in html and len(response.get_data()) < len(html) / 2


def test_a_small_answer_is_sent_as_it_is(client):
    healthz = client.get("/healthz", headers={"Accept-Encoding": "br"})
    assert healthz.headers.get("Content-Encoding") is None  # too small to be worth it
    assert healthz.get_json() == {"status": "ok", "database": "ok"}


def test_a_signed_in_page_is_compressed_when_our_own_pages_ask(world, signed_in):
    client = signed_in(world.patient_user)
    response = client.get("/home", headers={"Accept-Encoding": "br", **SAME_ORIGIN})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "Sam" in decoded(response).decode()


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site", None])
def test_a_signed_in_page_another_site_may_have_asked_for_is_not_compressed(
    world, signed_in, fetch_site
):
    """BREACH: another site's page could have the browser ask, many times, for a page with
    this person's details and text the attacker chose, and read the details from the sizes.
    Old browsers say nothing of where a request comes from: treated as another site."""
    client = signed_in(world.patient_user)
    headers = {"Accept-Encoding": "gzip, br"}
    if fetch_site:
        headers["Sec-Fetch-Site"] = fetch_site
    response = client.get("/home", headers=headers)
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") is None
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "Sam" in response.get_data(as_text=True)


def test_the_record_download_is_streamed_compressed_with_brotli(world, signed_in):
    client = signed_in(world.patient_user)
    url = f"/record/{world.patient.id}/download"
    response = client.get(url, headers={"Accept-Encoding": "br", **SAME_ORIGIN}, buffered=False)
    assert response.status_code == 200
    assert response.is_streamed and "Content-Length" not in response.headers
    assert response.headers["Content-Encoding"] == "br"
    bundle = json.loads(brotli.decompress(b"".join(response.response)))
    response.close()
    assert bundle["resourceType"] == "Bundle"
    assert any(e["resource"]["resourceType"] == "Patient" for e in bundle["entry"])


def test_the_record_download_is_sent_as_it_is_when_only_gzip_is_accepted(world, signed_in):
    # gzip cannot be flushed chunk by chunk; the download stays streamed rather than buffered.
    client = signed_in(world.patient_user)
    url = f"/record/{world.patient.id}/download"
    response = client.get(url, headers={"Accept-Encoding": "gzip", **SAME_ORIGIN})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") is None
    assert json.loads(response.get_data())["resourceType"] == "Bundle"
