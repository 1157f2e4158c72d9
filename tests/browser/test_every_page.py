"""Every page, in a real Chromium, with a programme full of demo-like data: accessible (no
serious or critical axe-core violation), nothing fetched from another host, no CSP
violation, no error, nothing wider than a phone on the households' pages.

Pages are collected from the URL resolver, so a page added later fails
`test_every_route_is_visited_or_set_aside` until it is listed in tests/site_pages.py: in
PAGES (who opens it, with which arguments) or in NOT_PAGES (why it is no page to look at:
a POST-only action, a download, a feed). VOISINS_PAGE_SHOTS=dir saves a picture of each.
"""

import os

import pytest
from django.urls import reverse

from tests.site_pages import ACCOUNT_PAGES, NOT_PAGES, PAGES, programme_full_of_life
from tests.test_access_matrix import staff_pages

from .conftest import PHONE, check_accessibility, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("VOISINS_PAGE_SHOTS", "")


@pytest.fixture
def rich(north, alice, bob, family, victor, live_match):
    return programme_full_of_life(north, alice, family, victor, live_match)


def test_every_route_is_visited_or_set_aside():
    routes = set(staff_pages())
    listed = set(PAGES) | set(NOT_PAGES)
    assert not routes - listed, f"routes in neither PAGES nor NOT_PAGES: {routes - listed}"
    assert not listed - routes, f"listed routes that no longer exist: {listed - routes}"
    assert not set(PAGES) & set(NOT_PAGES)


CONTEXTS = {
    "alice": {"locale": "fr-BE", "viewport": {"width": 1280, "height": 800}},
    "anonymous": {"locale": "fr-BE", "viewport": {"width": 1280, "height": 800}},
    "victor": {"locale": "nl-BE", "viewport": PHONE, "is_mobile": True, "has_touch": True},
    "family": {"locale": "ar", "viewport": PHONE, "is_mobile": True, "has_touch": True},
}
LOGINS = {"alice": "alice@example.org", "victor": "victor@example.org"}


def _open(browser, live_server, who: str):
    context = browser.new_context(base_url=live_server.url, **CONTEXTS[who])
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.outside, page.csp, page.broken = [], [], []
    page.on("request", lambda r: page.outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
            else None)
    page.on("console", lambda m: page.csp.append(f"{page.url}: {m.text[:120]}")
            if m.type == "error" and "Content Security Policy" in m.text else None)
    page.on("response", lambda r: page.broken.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.url.startswith(live_server.url) else None)
    if who in LOGINS:
        log_in(page, LOGINS[who])
    return context, page


def test_every_page_is_accessible_and_served_by_the_app(browser, live_server, axe_path, rich):
    visits = [(reverse(name, kwargs=visit.kwargs(rich)) + visit.query, visit.who, name)
              for name, visit in PAGES.items()]
    visits += [(reverse(name), visit.who, name) for name, visit in ACCOUNT_PAGES.items()]
    problems: list[str] = []
    for who in CONTEXTS:
        context, page = _open(browser, live_server, who)
        try:
            for url, visitor, name in visits:
                if visitor != who:
                    continue
                response = page.goto(url)
                page.wait_for_load_state("networkidle")  # htmx parts and the map, too
                if response is None or response.status != 200:
                    problems.append(f"{name} {url}: HTTP {response and response.status}")
                    continue
                if who == "family" and page.locator("html").get_attribute("dir") != "rtl":
                    problems.append(f"{name} {url}: not right to left")
                if CONTEXTS[who].get("is_mobile") and page.evaluate(
                        "document.documentElement.scrollWidth") > PHONE["width"]:
                    problems.append(f"{name} {url}: wider than the phone")
                if SHOTS:  # VOISINS_PAGE_SHOTS=dir: a picture of every page, to look at
                    page.screenshot(path=f"{SHOTS}/{who}-{name.replace(':', '-')}.png",
                                    full_page=True)
                try:
                    check_accessibility(page, axe_path)
                except AssertionError as exc:
                    problems.append(f"{name}: {exc}")
        finally:
            context.close()
        problems += [f"outside request: {u}" for u in page.outside]
        problems += [f"CSP: {m}" for m in page.csp]
        problems += [f"failed request: {b}" for b in page.broken]
    assert not problems, "\n".join(problems)
