"""Browser tests: Playwright drives Debian's Chromium against the live server,
360 px wide, and axe-core (WCAG 2.0/2.1/2.2 A and AA rules) checks every page
a test visits. A test that visits a page without checking it fails, and so
does one during which the browser refused anything under the
Content-Security-Policy (docs/operating.md, "Security headers")."""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Page, sync_playwright

from content.services import site_ensure
from lms.accounts.roles import roles_sync_after_migrate

# Playwright's sync API runs an event loop in this thread; the Django calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SINAU_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` to install it")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Axe:
    """Runs axe-core on the page as it is now and remembers what it checked.

    With JavaScript disabled axe cannot run (it needs timers); such a test
    names the test that checks the same pages with JavaScript on."""

    def __init__(self, page: Page, *, javascript: bool = True):
        self.page = page
        self.javascript = javascript
        self.checked: set[str] = set()

    def check(self, label: str = "", *, checked_by: str = "") -> None:
        if not self.javascript:
            assert checked_by, "name the JavaScript test that axe-checks this page"
            self.checked.add(self.page.url.split("#")[0])
            return
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated by the DevTools protocol, which the page's CSP does not
            # govern; a <script> tag (add_script_tag) would be refused.
            self.page.evaluate(AXE_JS)
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        self.checked.add(self.page.url.split("#")[0])
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in result["violations"]
        ]
        where = f"{label or ''} {self.page.url}".strip()
        assert problems == [], f"axe violations on {where}:\n" + "\n".join(problems)


@pytest.fixture
def site(transactional_db):
    """The live server's database is emptied between tests: rebuild the
    groups and the home page each time."""
    roles_sync_after_migrate(sender=None)
    return site_ensure()


@pytest.fixture(autouse=True)
def served_links(settings):
    """As `make run` without SINAU_PUBLIC_URL: links point where the live
    server is reached (lms/addresses.py), so a browser can open them."""
    from lms.common import addresses

    settings.SINAU_PUBLIC_URL = ""
    addresses._seen.clear()
    yield
    addresses._seen.clear()


@pytest.fixture
def media(tmp_path, settings):
    """Public media and the private folder (returned), shared with a worker
    the test starts."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


@pytest.fixture
def public_url(live_server, settings):
    """Links in certificates and messages point at the live server."""
    settings.SINAU_PUBLIC_URL = live_server.url
    return live_server.url


@pytest.fixture
def javascript():
    """Tests may turn JavaScript off with
    @pytest.mark.parametrize("javascript", [False])."""
    return True


@pytest.fixture
def service_workers():
    """Sinau's service worker (static/js/sw.js) answers every navigation of
    a signed-in browser; a test that measures what the server itself sent
    turns it off with @pytest.mark.parametrize("service_workers", ["block"])."""
    return "allow"


# Every frame of every page reports what the CSP refused (with JavaScript off,
# Chromium's console messages still do).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) =>
  window.sinauCspViolation(`${e.effectiveDirective} refused ${e.blockedURI}`
    + ` at ${e.sourceFile}:${e.lineNumber} on ${document.URL}`));
"""


def csp_watch(context, violations: list[str]) -> None:
    """Record in `violations` every Content-Security-Policy violation in
    `context`: `securitypolicyviolation` events and console messages."""
    context.expose_binding(
        "sinauCspViolation", lambda _source, text: violations.append(text)
    )
    context.add_init_script(CSP_LISTENER)
    context.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append(f"console: {message.text}")
        ),
    )


@contextmanager
def checked_page(
    browser,
    base_url: str,
    *,
    javascript: bool = True,
    locale: str = "en-US",
    service_workers: str = "allow",
):
    """A page in a new 360 px context of `browser` (`locale`: the browser's
    own, which Sinau does not follow); on leaving, fails if a page it
    visited was not axe-checked or the CSP refused anything."""
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 360, "height": 740},
        locale=locale,  # en-US by default: Sinau must still answer in Indonesian
        java_script_enabled=javascript,
        service_workers=service_workers,
    )
    violations: list[str] = []
    csp_watch(context, violations)
    page = context.new_page()
    page.csp_violations = violations
    page.set_default_timeout(15_000)
    visited: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: frame == page.main_frame and visited.append(frame.url),
    )
    page.axe = Axe(page, javascript=javascript)
    yield page
    unchecked = {u.split("#")[0] for u in visited} - page.axe.checked
    context.close()
    assert not unchecked, f"pages visited without an axe check: {sorted(unchecked)}"
    assert violations == [], "refused by the Content-Security-Policy:\n" + "\n".join(
        violations
    )


@pytest.fixture
def page(browser, live_server, site, javascript, service_workers):
    with checked_page(
        browser,
        live_server.url,
        javascript=javascript,
        service_workers=service_workers,
    ) as page:
        yield page


def log_in(page, phone: str, password: str) -> None:
    """Log in through the form, as a person would."""
    page.goto("/akun/login/")
    page.axe.check(
        "login", checked_by="test_log_in_by_phone_with_local_and_international_forms"
    )
    page.get_by_label("Email atau nomor HP").fill(phone)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").last.click()
    page.wait_for_url(re.compile(r"/$"))
    page.axe.check("home", checked_by="test_home_page_is_indonesian_and_accessible")
