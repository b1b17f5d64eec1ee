"""What users see, checked in Chromium: every page of every role passes axe-core (WCAG 2.1 AA),
forms explain their errors, everything works by keyboard, and pages fit a 320 px screen.

Set JIUYE_SCREENSHOTS=/some/dir to keep screenshots of a few pages for a human to look at.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django_otp.oath import totp
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD, TOWN_A
from jiuye.accounts.models import User
from jiuye.core.navigation import menu_for
from jiuye.core.tests.browser import (
    assert_accessible,
    expect_error_title,
    expect_path,
    log_in,
    new_context,
    open_by,
    sign_in,
    sign_in_by_cookie,
)
from jiuye.core.tests.pages import (
    MAX_PAGES_PER_ROLE,
    NOT_PAGES,
    Personas,
    page_kind,
    pages_to_visit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ["admin", "district", "liaison", "town_a", "town_b", "leader", "employer", "jobseeker"]


@pytest.fixture
def base_url(live_server: LiveServer) -> str:
    return live_server.url


def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("JIUYE_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"shot-{name}.png"), full_page=True)


def path_of(page: Page) -> str:
    return urlparse(page.url).path


def sign_in_as(page: Page, base_url: str, user: User) -> None:
    """Through the login form, and past the second factor for the roles that need one, to the
    home page."""
    sign_in(page, base_url, user)
    expect_path(page, "/")


def open_page(page: Page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == status, f"{url} answered {response.status}"


# --- every page of every role ----------------------------------------------------------------


def links_in_main(page: Page) -> list[str]:
    """Same-site page links inside <main>, as paths without query or fragment."""
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(a => a.href)")
    here = urlparse(page.url).netloc
    paths = []
    for href in hrefs:
        url = urlparse(href)
        if url.netloc == here and url.scheme.startswith("http") and not NOT_PAGES.search(url.path):
            paths.append(url.path)
    return paths


# CI runs the browser tests, this walk with them, in its SQLite suite only (ADR 0017). On
# PostgreSQL the same pages (pages_to_visit, and one of each kind linked from them) are still
# opened for every role but town_b (town_a's role) by test_query_budget.py's walk, which also
# requires each to answer.
@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.usefixtures("plan")
def test_every_page_a_role_can_reach_passes_axe(
    name: str, personas: Personas, base_url: str, page: Page
) -> None:
    """Opens the menu, the pages listed above, and one page of each kind linked from them;
    walks on after a bad page and reports every problem at the end, so one run shows all."""
    user = personas[name]
    sign_in_as(page, base_url, user)
    links = page.locator("header nav[aria-label] a")
    shown = [links.nth(i).get_attribute("href") for i in range(links.count())]
    menu = [reverse(item.url_name) for item in menu_for(user)]

    problems = []
    if shown != menu:
        problems.append(f"the main navigation shows {shown}, expected {menu}")
    queue = pages_to_visit(name, personas)
    kinds = {page_kind(path) for path in queue}
    visited = 0
    while queue and visited < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        visited += 1
        response = page.goto(base_url + path)
        status = response.status if response else None
        if status != 200 or path_of(page) != path:
            problems.append(f"{path} answered {status} at {path_of(page)}")
        try:
            assert_accessible(page, f"{path} as {name}")
        except AssertionError as error:
            problems.append(str(error))
        current = page.evaluate(
            "document.querySelector(\"header nav[aria-label] a[aria-current='page']\")"
            "?.getAttribute('href')"
        )
        if path in menu and shown and current != path:
            problems.append(f"{path}: the menu does not mark it as the current page")
        for link in links_in_main(page):
            if page_kind(link) not in kinds:
                kinds.add(page_kind(link))
                queue.append(link)
    assert not queue, f"{name} can reach more than {MAX_PAGES_PER_ROLE} kinds of page: {queue}"

    # The error pages share one layout; one role each is enough.
    if name == "leader":
        open_page(page, base_url + reverse("accounts:user-list"), status=403)
        assert_accessible(page, f"403 page as {name}")
    if name == "jobseeker":
        open_page(page, f"{base_url}/no-such-page/", status=404)
        assert_accessible(page, f"404 page as {name}")
    assert not problems, f"{len(problems)} problem(s) for {name}:\n" + "\n".join(problems)


def test_every_menu_link_opens_a_page_before_any_plan_is_loaded(
    personas: Personas, base_url: str, page: Page
) -> None:
    """A fresh installation has no action plan yet; the menu must not lead to "page not found"."""
    sign_in_as(page, base_url, personas["admin"])
    broken = []
    for item in menu_for(personas["admin"]):
        path = reverse(item.url_name)
        response = page.goto(base_url + path)
        if response is None or response.status != 200:
            broken.append(f"{item.label} ({path}) answered {response and response.status}")
        if path == reverse("actionplan:dashboard"):
            assert_accessible(page, "the action plan page with no plan")
    assert not broken, "menu entries that fail without a plan:\n" + "\n".join(broken)


@pytest.mark.usefixtures("personas")
def test_a_district_officer_without_a_device_enrols_and_sees_recovery_codes(
    base_url: str, page: Page
) -> None:
    log_in(page, base_url, "district", PASSWORD)
    expect_path(page, reverse("accounts:otp-setup"))
    assert_accessible(page, "required 2FA enrolment")

    page.get_by_label("应用中显示的6位数字").press_sequentially("12345")
    page.get_by_role("button", name="完成绑定").click()
    expect_error_title(page)
    assert_accessible(page, "2FA enrolment with an error")

    secret = page.locator("code.secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = format(totp(key, step=30, t0=0, digits=6), "06d")
    page.get_by_label("应用中显示的6位数字").fill("")
    page.get_by_label("应用中显示的6位数字").press_sequentially(code)
    page.get_by_role("button", name="完成绑定").click()
    expect_path(page, reverse("accounts:recovery-codes"))
    expect(page.locator(".codes li")).to_have_count(10)
    assert_accessible(page, "fresh recovery codes")
    page.get_by_role("link", name="继续前往首页").click()
    expect_path(page, "/")


# --- error states ------------------------------------------------------------------------------


def assert_error_state(page: Page, what: str) -> None:
    expect_error_title(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    focused = page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert focused, f"{what}: the error summary does not have focus"
    assert_accessible(page, what)


@pytest.mark.usefixtures("personas")
def test_a_failed_login_explains_itself(base_url: str, page: Page) -> None:
    open_page(page, f"{base_url}/accounts/login/")
    assert_accessible(page, "login page")
    page.get_by_label("用户名").press_sequentially("town_a")
    page.get_by_role("button", name="登录").click()
    assert_error_state(page, "login without a password")
    expect(page.get_by_label("用户名")).to_have_value("town_a")
    expect(page.get_by_label("密码")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("密码")).to_have_attribute("aria-describedby", "id_password_error")
    expect(page.get_by_label("用户名")).not_to_have_attribute("aria-invalid", "true")
    screenshot(page, "login-error")

    page.get_by_label("密码").press_sequentially("wrong-password-1")
    page.get_by_role("button", name="登录").click()
    assert_error_state(page, "login with a wrong password")
    expect(page.get_by_label("用户名")).to_have_value("town_a")
    expect(page.locator("[data-error-summary]")).to_contain_text("用户名或密码不正确")


def test_signing_in_by_the_session_cookie_ends_where_the_forms_do(
    personas: Personas, base_url: str, chromium: Browser
) -> None:
    """The signed_in and on_phone fixtures sign in by the session cookie instead of the forms
    (browser.sign_in_by_cookie): for a role with a second factor and one without, it ends on
    the same home page, with the same menu, as the login form and the second-factor form."""
    for name in ("district", "jobseeker"):
        seen = []
        for how in (sign_in, sign_in_by_cookie):
            context = new_context(chromium)
            page = context.new_page()
            how(page, base_url, personas[name])
            expect_path(page, "/")
            seen.append((page.title(), page.locator("nav.site-nav a").all_inner_texts()))
            context.close()
        assert seen[0] == seen[1], name
        assert len(seen[0][1]) > 2, seen[0]


def test_an_empty_new_user_form_points_at_each_missing_field(
    personas: Personas, base_url: str, page: Page
) -> None:
    sign_in_as(page, base_url, personas["admin"])
    open_page(page, base_url + reverse("accounts:user-create"))
    page.get_by_role("button", name="保存").click()
    assert_error_state(page, "empty user form")
    for field in ("id_username", "id_display_name"):
        widget = page.locator(f"#{field}")
        expect(widget).to_have_attribute("aria-invalid", "true")
        described = (widget.get_attribute("aria-describedby") or "").split()
        assert f"{field}_error" in described, f"{field} is not tied to its error message"
    expect(page.locator("#id_email")).not_to_have_attribute("aria-invalid", "true")
    # The summary links move focus to the field itself.
    page.locator("[data-error-summary] a[href='#id_display_name']").click()
    assert page.evaluate("document.activeElement.id") == "id_display_name"


def test_an_audit_filter_ending_before_it_starts_is_an_error(
    personas: Personas, base_url: str, page: Page
) -> None:
    sign_in_as(page, base_url, personas["admin"])
    for url_name in ("core:audit-changes", "core:audit-access"):
        open_page(page, base_url + reverse(url_name))
        page.get_by_label("开始日期").fill("2024-05-10")
        page.get_by_label("结束日期").fill("2024-05-01")
        page.get_by_role("button", name="查询").click()
        assert_error_state(page, f"{url_name} with end before start")
        expect(page.get_by_label("结束日期")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label("开始日期")).to_have_value("2024-05-10")
        expect(page.locator("[data-error-summary]")).to_contain_text("结束日期不能早于开始日期")


def test_a_password_change_with_errors_keeps_hints_and_errors_tied_to_fields(
    personas: Personas, base_url: str, page: Page
) -> None:
    sign_in_as(page, base_url, personas["town_a"])
    open_page(page, base_url + reverse("accounts:password-change"))
    page.get_by_label("旧密码").press_sequentially(PASSWORD)
    page.get_by_label("新密码", exact=False).first.press_sequentially("Another-Long-Pass-42")
    page.get_by_label("新密码确认").press_sequentially("Another-Long-Pass-43")
    page.get_by_role("button", name="保存新密码").click()
    assert_error_state(page, "password change with a mismatched confirmation")
    confirm = page.locator("#id_new_password2")
    expect(confirm).to_have_attribute("aria-invalid", "true")
    expect(confirm).to_have_attribute(
        "aria-describedby", "id_new_password2_helptext id_new_password2_error"
    )
    # The rules for a new password are a list; they must stay inside the hint they describe.
    expect(page.locator("#id_new_password1_helptext li").first).to_be_visible()


def test_the_accessibility_check_notices_a_field_without_a_label(base_url: str, page: Page) -> None:
    """The checks above must be able to fail: break a page on purpose and watch them catch it."""
    open_page(page, f"{base_url}/accounts/login/")
    page.evaluate("document.querySelector('label[for=id_username]').remove()")
    with pytest.raises(AssertionError, match=r"(?s)- label .*at #id_username"):
        assert_accessible(page, "login page without a label")

    open_page(page, f"{base_url}/accounts/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.head.appendChild(script);
        }"""
    )
    assert not page.evaluate("window.inlineRan === true"), "an inline script ran despite the CSP"
    with pytest.raises(AssertionError, match="content security policy blocked"):
        assert_accessible(page, "login page with an inline script")


# --- keyboard, lockout, small screens, language ----------------------------------------------


def focused(page: Page) -> dict[str, str | float]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
                    outline: style.outlineStyle, top: el.getBoundingClientRect().top};
        }"""
    )


@pytest.mark.usefixtures("personas")
def test_a_town_officer_signs_in_with_the_keyboard_alone(base_url: str, page: Page) -> None:
    open_page(page, f"{base_url}/accounts/login/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert "skip-link" in first["cls"], f"the first Tab reached {first}"
    assert first["top"] >= 0, "the skip link stays off screen when focused"

    seen = [first]
    for _ in range(10):
        if seen[-1]["id"] == "id_username":
            break
        page.keyboard.press("Tab")
        seen.append(focused(page))
    assert seen[-1]["id"] == "id_username", f"Tab never reached the user name field: {seen}"
    invisible = [f for f in seen if f["outline"] == "none"]
    assert not invisible, f"focus is not visible on {invisible}"

    page.keyboard.type("town_a")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/")
    expect(page.locator("h1")).to_contain_text("town_a")

    # On a signed-in page, the skip link takes keyboard users straight to the content.
    page.keyboard.press("Tab")
    assert "skip-link" in focused(page)["cls"]
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"


@pytest.mark.also_on_postgresql
@pytest.mark.usefixtures("personas")
def test_the_sixth_attempt_after_five_wrong_passwords_is_locked_out(
    base_url: str, page: Page
) -> None:
    for attempt in range(1, 5):
        log_in(page, base_url, "town_a", f"wrong-password-{attempt}")
        expect_error_title(page)
    # The fifth failure reaches the limit; django-axes answers it with the lockout page already.
    log_in(page, base_url, "town_a", "wrong-password-5")
    log_in(
        page, base_url, "town_a", PASSWORD
    )  # the sixth attempt: even the right password is refused
    expect(page.locator("h1")).to_contain_text("锁定")
    expect(page.get_by_role("alert")).to_contain_text("锁定")
    expect_path(page, reverse("accounts:login"))
    assert_accessible(page, "lockout page")


def test_pages_fit_a_320_pixel_screen_without_sideways_scrolling(
    personas: Personas, base_url: str, chromium: Browser
) -> None:
    """WCAG 1.4.10 Reflow: 320 CSS px is a 1280 px window at 400 % zoom. Wide tables may
    scroll inside their own region; the page itself must not."""
    context = new_context(chromium, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:

        def assert_fits(what: str) -> None:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{what} scrolls sideways at 320 px ({width} px wide)"

        open_page(page, f"{base_url}/accounts/login/")
        assert_fits("the login page")
        screenshot(page, "login-320")
        sign_in_as(page, base_url, personas["admin"])
        assert_fits("the home page")
        screenshot(page, "home-320")
        for path in (
            reverse("reference:region", args=[TOWN_A]),
            reverse("accounts:user-list"),
            reverse("accounts:user-create"),
            reverse("core:audit-changes"),
        ):
            open_page(page, base_url + path)
            assert_fits(path)
    finally:
        context.close()


def test_on_a_phone_the_menu_folds_behind_a_button_that_opens_it_by_keyboard(
    personas: Personas, base_url: str, chromium: Browser
) -> None:
    context = new_context(chromium, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        sign_in_as(page, base_url, personas["district"])
        toggle = page.get_by_role("button", name="菜单")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        menu = page.locator("#site-menu")
        expect(menu).to_be_hidden()
        assert_accessible(page, "home page on a phone, menu folded")
        toggle.focus()
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        section = menu.get_by_role("button", name="岗位与招聘")
        expect(section).to_have_attribute("aria-expanded", "false")
        section.focus()
        page.keyboard.press("Enter")
        expect(section).to_have_attribute("aria-expanded", "true")
        expect(menu.get_by_role("link", name="招聘岗位")).to_be_visible()
        assert_accessible(page, "home page on a phone, menu open")
        page.set_viewport_size({"width": 1280, "height": 800})
        expect(toggle).to_be_hidden()
        expect(menu).to_be_visible()
    finally:
        context.close()


def test_choosing_english_switches_the_page_language(
    personas: Personas, base_url: str, page: Page
) -> None:
    sign_in_as(page, base_url, personas["town_a"])
    screenshot(page, "home")
    page.get_by_label("语言").select_option("en")
    open_by(page, page.get_by_role("button", name="切换"))
    expect_path(page, "/")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.locator("#lang-select")).to_have_value("en")
    assert_accessible(page, "home page in English", lang="en")
