"""Helpers for the Chromium tests: launching the browser, signing in, checking a page."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, expect

from conftest import PASSWORD, confirmed_totp
from jiuye.accounts.models import User

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Only violations matter here; not shipping every passing node back to Python saves time.
    "resultTypes": ["violations"],
}

# Registered before any page script runs, so the page can report what the CSP blocked (an
# inline style or script slipping into a template shows up here, not only in the console) and
# any uncaught error in our own JavaScript.
PAGE_WATCH = """
window.__cspViolations = [];
window.__scriptErrors = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
window.addEventListener("error", function (e) {
  window.__scriptErrors.push(e.message + " at " + e.filename + ":" + e.lineno);
});
"""

_axe = Axe()
# axe-core (570 kB) is registered once per browser context and runs in every page it opens,
# instead of being sent over from Python for every check; a page without it (one opened in a
# context not made by new_context) still gets it sent. Measured: about a tenth less CPU per
# checked page, nothing measurable on pages that are not checked (bench/README.md, issue 19).
AXE_SCRIPT = _axe.axe_script


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless. Missing Chromium fails the run unless told to skip."""
    if os.environ.get("JIUYE_SKIP_BROWSER") == "1":
        pytest.skip("JIUYE_SKIP_BROWSER=1: browser tests skipped on purpose")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; install Chromium or set JIUYE_SKIP_BROWSER=1")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
    )


def new_context(browser: Browser, **kwargs: Any) -> BrowserContext:
    context = browser.new_context(locale="zh-CN", **kwargs)
    context.set_default_timeout(10_000)
    context.add_init_script(PAGE_WATCH)
    context.add_init_script(AXE_SCRIPT)
    return context


def totp_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    token = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return format(token, f"0{device.digits}d")


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = node.get("failureSummary") or ""
            fixes = " ".join(line.strip() for line in summary.splitlines() if line.strip())
            lines.append(f"    at {target}: {fixes}")
    return "\n".join(lines)


# What axe does not check, gathered in one round trip.
PAGE_FACTS = """() => {
  const focusable = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]";
  const first = document.querySelector(focusable);
  const silent = [...document.querySelectorAll("[aria-describedby]")].flatMap(el =>
    el.getAttribute("aria-describedby").split(/\\s+/).filter(id => {
      const target = id && document.getElementById(id);
      return id && !(target && target.textContent.trim());
    }).map(id => (el.id || el.tagName) + " -> #" + id));
  return {
    h1: document.querySelectorAll("h1").length,
    lang: document.documentElement.lang,
    firstFocusable: first ? first.outerHTML.slice(0, 80) : null,
    skipFirst: !!first && first.matches("a.skip-link[href='#main']"),
    mainTarget: document.querySelectorAll("main#main").length === 1,
    silent: silent,
    blocked: window.__cspViolations || [],
    errors: window.__scriptErrors || [],
  };
}"""


# axe and the facts above in one round trip: {violations, facts}.
CHECK_PAGE = (
    "async options => ({violations: (await axe.run(document, options)).violations, facts: ("
    + PAGE_FACTS
    + ")()})"
)


def assert_accessible(page: Page, what: str = "", *, lang: str = "zh-Hans") -> None:
    """0 axe violations (WCAG 2.1 A/AA), one h1, the page language, a skip link first in the
    tab order, every description readable, nothing blocked by the CSP and no script errors."""
    label = what or page.url
    # A check must read the page the last step led to, whole: a page still loading can lose its
    # document under axe. Steps that leave a page wait for the next one (submit, follow).
    page.wait_for_load_state()
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    checked = page.evaluate(CHECK_PAGE, AXE_OPTIONS)
    violations = checked["violations"]
    assert not violations, (
        f"{len(violations)} axe violation(s) on {label} ({page.url}):\n"
        + format_violations(violations)
    )
    facts = checked["facts"]
    assert facts["h1"] == 1, f"{label}: {facts['h1']} <h1> elements, expected exactly one"
    assert facts["lang"] == lang, f"{label}: html lang is {facts['lang']!r}, expected {lang!r}"
    assert facts["skipFirst"], f"{label}: the first focusable element is {facts['firstFocusable']}"
    assert facts["mainTarget"], f"{label}: the skip link has no <main id=main> to go to"
    # axe accepts a description that points at an empty element; a screen reader then says nothing.
    assert not facts["silent"], (
        f"{label}: aria-describedby points at missing or empty elements: {facts['silent']}"
    )
    assert not facts["blocked"], f"{label}: the content security policy blocked {facts['blocked']}"
    assert not facts["errors"], f"{label}: JavaScript errors {facts['errors']}"


ERROR_TITLE = re.compile(r"^错误：")


def expect_error_title(page: Page) -> None:
    """The page the last click or submit led to says "错误：" first in its title. Waits for the
    navigation, so a title read while the new page is still loading does not fail the test."""
    expect(page).to_have_title(ERROR_TITLE)


def expect_path(page: Page, path: str) -> None:
    """The browser has arrived at this path (waiting for a navigation still under way)."""
    expect(page).to_have_url(re.compile(r"^[a-z]+://[^/]+" + re.escape(path) + r"(\?.*)?$"))
    assert urlparse(page.url).path == path, page.url


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Type the user name and password into the real login form and submit it."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").press_sequentially(username)
    page.get_by_label("密码").press_sequentially(password)
    open_by(page, page.get_by_role("button", name="登录"))


def pass_second_factor(page: Page, device: TOTPDevice) -> None:
    """On the verification page, type the code the authenticator app would show."""
    expect_path(page, "/accounts/2fa/verify/")
    assert_accessible(page, "2FA verification")
    page.get_by_label("验证码").press_sequentially(totp_code(device))
    open_by(page, page.get_by_role("button", name="验证", exact=True))


def sign_in(page: Page, base_url: str, user: User) -> None:
    """Through the login form, and past the second factor for the roles that need one."""
    device = confirmed_totp(user) if user.second_factor_required else None
    log_in(page, base_url, user.username, PASSWORD)
    if device is not None:
        pass_second_factor(page, device)


def sign_in_by_cookie(page: Page, base_url: str, user: User) -> None:
    """Where ``sign_in`` leaves the browser (the home page, signed in, past the second factor
    where the role needs one) without going through the forms: a session made as the test
    client's ``force_login`` makes it (conftest.sign_in), handed to the browser as its cookie.
    For tests of what follows signing in; the login and second-factor pages themselves are
    tested through the forms (``sign_in``, ``log_in``). About 1.0 s of CPU (Chromium's
    included) against 2.4 s through the forms for a role with a second factor, 1.3 s without
    (bench/README.md, "CI length, part 3")."""
    from django.conf import settings
    from django.test import Client

    from conftest import sign_in as client_sign_in

    session = client_sign_in(Client(), user).cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.value,
                "url": base_url,
                "httpOnly": settings.SESSION_COOKIE_HTTPONLY,
                "secure": settings.SESSION_COOKIE_SECURE,
                "sameSite": settings.SESSION_COOKIE_SAMESITE,
            }
        ]
    )
    page.goto(f"{base_url}/")
    expect_path(page, "/")


def open_by(page: Page, target: Locator) -> None:
    """Click a link or button and wait for the page it leads to. ``wait_for_load_state`` after
    a click is not enough: it can return for the old page before the new one starts, and a
    check then reads the old page or one being replaced (an axe run lost its document so)."""
    with page.expect_navigation():
        target.click()


def submit(page: Page, name: str) -> None:
    """Click the button of that exact name and wait for the page it leads to."""
    open_by(page, page.get_by_role("button", name=name, exact=True))


def follow(page: Page, name: str) -> None:
    """Click the link of that exact name and wait for the page it leads to."""
    open_by(page, page.get_by_role("link", name=name, exact=True))


def visit(page: Page, url: str, what: str) -> None:
    """Open a page and check it (see assert_accessible)."""
    page.goto(url)
    assert_accessible(page, what)


def expect_errors(page: Page, what: str, *, focused: bool = True) -> None:
    """The page a submit led to is a form with errors: "错误：" in its title, the error summary
    focused (unless told otherwise) and the page accessible."""
    expect_error_title(page)
    if focused:
        assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    assert_accessible(page, what)


def fits(page: Page) -> bool:
    """Nothing wider than the screen (tables scroll inside their own region)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def assert_fits_phone(page: Page, width: int = 360, height: int = 740) -> None:
    """The page fits a phone's screen; the desktop size again afterwards."""
    page.set_viewport_size({"width": width, "height": height})
    assert fits(page), f"{page.url} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 800})


@contextmanager
def phone(browser: Browser, width: int = 360, height: int = 740) -> Iterator[Page]:
    """A page in a fresh context with a phone's screen size."""
    context = new_context(browser, viewport={"width": width, "height": height})
    try:
        yield context.new_page()
    finally:
        context.close()


def tab_to(page: Page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching ``selector`` has the focus (a keyboard user's way
    there); fails after ``limit`` presses."""
    focused = "s => !!document.activeElement && document.activeElement.matches(s)"
    for _press in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(focused, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def visit_list(page: Page, url: str, what: str, *, item: str, width: int = 360) -> None:
    """Check a list page and that it fits a phone's screen, then follow the link to one of its
    items (the item's page is left to the caller to check)."""
    visit(page, url, what)
    assert_fits_phone(page, width)
    open_by(page, page.get_by_role("link", name=item))


PHONE = {"width": 390, "height": 844}

# The facts of a page laid out on a phone: the page's width, the header's height, and for each
# table row with an action (a button in its last cell) whether that button lies on the screen.
PHONE_FACTS = """() => {
  const width = window.innerWidth;
  const hidden = [...document.querySelectorAll(".table-wrap tbody tr")].flatMap(row => {
    const cell = row.lastElementChild;
    const action = cell && cell.querySelector(".button, button");
    if (!action) { return []; }
    const box = action.getBoundingClientRect();
    return box.left >= 0 && box.right <= width && box.width > 0 ? [] : [action.textContent.trim()];
  });
  return {
    width: document.documentElement.scrollWidth,
    header: document.querySelector(".site-header").getBoundingClientRect().height,
    rows: document.querySelectorAll(".table-wrap tbody tr").length,
    hidden: hidden,
  };
}"""


def assert_fits_a_phone(page: Page, what: str) -> dict[str, Any]:
    """On a 390 px phone: the page is no wider than the screen, the header takes at most a fifth
    of its height, and every table row's action button is on the screen."""
    facts = page.evaluate(PHONE_FACTS)
    viewport = page.viewport_size or PHONE
    assert facts["width"] <= viewport["width"], f"{what} is {facts['width']} px wide"
    assert facts["header"] <= viewport["height"] / 5, f"{what}: header {facts['header']} px tall"
    assert not facts["hidden"], f"{what}: row actions off the screen: {facts['hidden'][:3]}"
    return facts
