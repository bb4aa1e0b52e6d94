"""The landing page in Chromium as a first-time visitor gets it (issue 10): at most 150 KB
from our server with an empty cache, nothing fetched again on a reload, and readable with
the fallback font when the NHS fonts' CDN cannot be reached."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from tests.browser.steps import heading, main
from tests.conftest import free_port

FIRST_LOAD_BUDGET = 150_000  # bytes as served, headers included: issue 10
NHS_FONTS = "https://assets.nhs.uk/fonts/"


@dataclass
class Transfer:
    url: str
    encoded_bytes: int = 0  # as received from the network, headers included
    from_cache: bool = False


@dataclass
class NetworkLog:
    """What Chromium's DevTools protocol says each request cost: a route() would do, but
    Playwright turns the HTTP cache off for any context with routes."""

    transfers: dict[str, Transfer] = field(default_factory=dict)

    def watch(self, context, page) -> None:
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _sent(self, event):
        self.transfers[event["requestId"]] = Transfer(event["request"]["url"])

    def _cached(self, event):
        if event["requestId"] in self.transfers:
            self.transfers[event["requestId"]].from_cache = True

    def _received(self, event):
        response = event["response"]
        if event["requestId"] in self.transfers and response.get("fromDiskCache"):
            self.transfers[event["requestId"]].from_cache = True

    def _finished(self, event):
        if event["requestId"] in self.transfers:
            self.transfers[event["requestId"]].encoded_bytes = int(event["encodedDataLength"])

    def from_server(self, base_url: str) -> list[Transfer]:
        return [t for t in self.transfers.values() if t.url.startswith(base_url + "/")]


@pytest.fixture
def cached_page(browser, live_server):
    """A page whose context keeps its HTTP cache, yet reaches nothing but the live server:
    everything else goes through a proxy on a port where nobody listens."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        proxy={"server": f"http://127.0.0.1:{free_port()}", "bypass": "127.0.0.1"},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    log = NetworkLog()
    log.watch(context, page)
    yield page, log
    context.close()


def load(page, path: str) -> None:
    page.goto(path, wait_until="networkidle")
    expect(heading(page)).to_be_visible()


def breakdown(transfers: list[Transfer]) -> str:
    return "\n".join(f"  {t.encoded_bytes:>8}  {t.url}" for t in transfers)


def test_the_landing_page_first_load_is_at_most_150_kb_from_our_server(cached_page, live_server):
    page, log = cached_page
    load(page, "/")

    ours = log.from_server(live_server.url)
    stylesheets = [t for t in ours if t.url.endswith(".css")]
    assert stylesheets and all(t.encoded_bytes > 0 for t in ours), breakdown(ours)
    total = sum(t.encoded_bytes for t in ours)
    assert total <= FIRST_LOAD_BUDGET, f"first load {total} bytes:\n{breakdown(ours)}"


def test_a_reload_fetches_no_asset_again(cached_page, live_server):
    page, log = cached_page
    load(page, "/")
    assets = {t.url for t in log.from_server(live_server.url) if "/assets/" in t.url}
    assert any(url.endswith(".css") for url in assets) and any(
        url.endswith(".js") for url in assets
    ), assets

    log.transfers.clear()
    page.reload(wait_until="networkidle")
    expect(heading(page)).to_be_visible()

    again = [t for t in log.from_server(live_server.url) if t.url in assets]
    fetched = [t for t in again if not t.from_cache or t.encoded_bytes]
    assert not fetched, "fetched again on reload:\n" + breakdown(fetched)
    page_itself = [t for t in log.from_server(live_server.url) if t.url not in assets]
    assert page_itself, "the reload did not ask for the page"


def test_the_nhs_fonts_are_preloaded_from_the_cdn_the_stylesheet_uses(page):
    page.goto("/")
    preloads = page.locator("link[rel=preload][as=font]")
    hrefs = [preloads.nth(i).get_attribute("href") for i in range(preloads.count())]
    assert hrefs and all(h.startswith(NHS_FONTS) and h.endswith(".woff2") for h in hrefs)
    assert all(preloads.nth(i).get_attribute("crossorigin") is not None for i in range(len(hrefs)))


def test_the_page_reads_in_the_fallback_font_when_the_font_cdn_is_unreachable(page):
    # The new_context fixture aborts every request that is not to the live server.
    failed_fonts = []
    page.on(
        "requestfailed",
        lambda request: (
            failed_fonts.append(request.url) if request.url.startswith(NHS_FONTS) else None
        ),
    )
    page.goto("/", wait_until="load")
    page.wait_for_function("document.fonts.status === 'loaded'")

    assert failed_fonts, "the page did not try the NHS fonts at all"
    expect(heading(page)).to_be_visible()
    expect(main(page)).to_contain_text("If you need medical help urgently, call 111")
    box = heading(page).bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Frutiger') && f.status === 'loaded')"
        ".length"
    )
    assert loaded == 0  # so what is on screen is the fallback (Arial, then sans-serif)
