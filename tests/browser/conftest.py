"""Browser tests: Python Playwright driving Debian's Chromium against a live server.

No browser is ever downloaded. Without /usr/bin/chromium the tests are skipped with a
message, except when VOISINS_REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

import os
from pathlib import Path

import pytest

from ..conftest import PASSWORD, chromium_path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    if chromium_path():
        return
    reason = "Chromium is not installed (apt-get install chromium): browser tests skipped"
    for item in items:
        if "browser" in str(item.fspath):
            if os.environ.get("VOISINS_REQUIRE_BROWSER") == "1":
                item.add_marker(pytest.mark.xfail(reason="required browser missing",
                                                  strict=True, run=False))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself (setting data up) are still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-BE",
                                  viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    outside = []

    def watch(request):
        if not request.url.startswith(live_server.url) and not request.url.startswith("data:"):
            outside.append(request.url)

    page.on("request", watch)
    yield page
    context.close()
    assert not outside, f"requests left the app: {outside}"


PHONE = {"width": 360, "height": 740}


def phone(browser, live_server, locale: str):
    """A cheap phone: narrow, touch, no mouse. Its requests may not leave the app."""
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=PHONE,
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.outside = []
    page.csp = []
    page.on("request", lambda r: page.outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
            else None)
    page.on("console", lambda m: page.csp.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text else None)
    return context, page


def fits(page) -> None:
    """Nothing wider than the phone's screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def small_targets(page) -> list[str]:
    """Buttons, fields and choices smaller than 24 px high (WCAG 2.2 target size)."""
    return page.evaluate("""() => [...document.querySelectorAll(
            'main button, main select, main input:not([type=hidden]), main label:has(input)')]
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 24
                && !e.closest('label'))
        .map(e => e.outerHTML.slice(0, 80))""")


def log_in(page, who, password: str = PASSWORD) -> None:
    """Logs in through the login page as `who` (a user or an e-mail address), and waits until
    the browser has left it."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(getattr(who, "email", who))
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# --- Accessibility: axe-core from the npm registry (package.json), injected per page. ---
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """node_modules/axe-core, installed from package.json on first use (npm ci/install)."""
    if not AXE.exists():
        import shutil
        import subprocess

        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core for the accessibility checks "
                        "(apt-get install npm)")
        command = "ci" if (ROOT / "package-lock.json").exists() else "install"
        subprocess.run([npm, command, "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    return AXE


def check_accessibility(page, axe_path: Path) -> None:
    """Fail on any serious or critical WCAG 2.1 A/AA violation axe-core finds on the page.

    The CSP stays on, as in production. `page.add_script_tag(path=...)` would add an inline
    <script>, which the CSP rightly refuses; so the same file is run through the DevTools
    protocol (page.evaluate), which a page's CSP does not govern. Nothing is loaded from
    another host and the application needs no exception for the tests."""
    # What a person reads: the page once the parts it loads after itself have come.
    page.wait_for_load_state("networkidle")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_path.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                    for n in v["nodes"][:5])
        for v in results["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"accessibility violations on {page.url}:\n" + "\n".join(bad)


@pytest.fixture
def csp_errors(page):
    """Console messages about the Content Security Policy: a page must cause none."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url} {m.location}: {m.text[:90]}")
            if m.type == "error" and "Content Security Policy" in m.text else None)
    yield errors
    assert not errors, f"CSP violations: {errors}"
