"""A customer forgets the password (issue 12, Done means): asks for a link on the login page, reads the e-mail
(locmem: django.core.mail.outbox, the live server runs in this process), follows the link in Chromium, sets a
new password and logs in with it; then the account pages (profile, edit, change password, log out everywhere,
a login lockout, the error pages) at 390 px and 1366 px, with no sideways scroll.

Screenshots: /tmp/shots/accounts/ (and artifacts/screens/accounts/ for CI).
"""

import re
import tempfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import CustomerFactory
from addresses.tests.factories import DeliveryAddressFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
SHOTS = [
    Path(tempfile.gettempdir()) / "shots" / "accounts",
    Path(__file__).resolve().parents[1] / "artifacts" / "screens" / "accounts",
]
NEW_PASSWORD = "Pho-Hang-Bac-2026!"
LINK_RE = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^/\s]+/[^/\s]+/)")
OVERFLOWING = """() => [...document.querySelectorAll('body *')].filter(el => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.right > window.innerWidth + 1 && getComputedStyle(el).position !== 'fixed';
}).slice(0, 8).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)"""


def _tab(browser, live_server, size):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=SIZES[size],
        is_mobile=size == "phone",
        has_touch=size == "phone",
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(8_000)
    return context, context.new_page()


def _check(page, name, size):
    """A screenshot, and no sideways scroll: the document is never wider than the window."""
    for folder in SHOTS:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"{name}-{size}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], (name, size, width, page.evaluate(OVERFLOWING))


def _submit(page, selector="main form button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


@pytest.fixture
def forgetful(db):
    user = CustomerFactory(username="quenmatkhau", customer_code="QM482", email="quen@example.com")
    DeliveryAddressFactory(customer=user, is_default=True)
    return user


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_customer_resets_a_forgotten_password_through_the_email(browser, live_server, forgetful, size):
    mail.outbox.clear()
    cache.clear()  # one reset mail a minute per account: the guard outlives the other size's database
    context, page = _tab(browser, live_server, size)
    try:
        page.goto("/accounts/login/")
        _check(page, "01-login", size)
        with page.expect_navigation():
            page.click("[data-testid=forgot-password]")
        _check(page, "02-reset-form", size)

        page.fill("input[name=email]", "QUEN@example.com")
        _submit(page)
        assert page.locator("[data-testid=reset-sent]").is_visible()
        _check(page, "03-reset-sent", size)

        assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
        message = mail.outbox[0]
        assert message.to == ["quen@example.com"] and "quenmatkhau" in message.body
        page.goto(LINK_RE.search(message.body).group(1))
        assert page.locator("input[name=new_password1]").is_visible()
        _check(page, "04-set-password", size)

        page.fill("input[name=new_password1]", NEW_PASSWORD)
        page.fill("input[name=new_password2]", NEW_PASSWORD)
        _submit(page)
        assert page.locator("[data-testid=reset-complete]").is_visible()
        _check(page, "05-reset-complete", size)

        with page.expect_navigation():
            page.click("[data-testid=reset-complete] a")
        page.fill("input[name=username]", "quenmatkhau")
        page.fill("input[name=password]", NEW_PASSWORD)
        _submit(page)
        assert "/accounts/login/" not in page.url, page.inner_text("main")
        assert User.objects.get(pk=forgetful.pk).check_password(NEW_PASSWORD)

        # The same link a second time: it has been used.
        page.goto(LINK_RE.search(message.body).group(1))
        assert page.locator("[data-testid=reset-invalid]").is_visible()
        _check(page, "06-reset-link-used", size)
    finally:
        context.close()


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_the_account_pages_fit_and_log_out_everywhere_works(browser, live_server, forgetful, size):
    context, page = _tab(browser, live_server, size)
    other_context, other_device = _tab(browser, live_server, "desk")
    try:
        for tab in (page, other_device):
            tab.goto("/accounts/login/")
            tab.fill("input[name=username]", "quenmatkhau")
            tab.fill("input[name=password]", "pw-for-tests-1")
            _submit(tab)
            assert "/accounts/login/" not in tab.url

        page.goto("/accounts/profile/")
        _check(page, "10-profile", size)
        with page.expect_navigation():
            page.click("[data-testid=profile-edit]")
        page.fill("input[name=phone]", "0412 345 678")  # not a Vietnamese mobile
        _submit(page)
        assert page.locator(".invalid-feedback").count() == 1
        _check(page, "11-profile-edit-error", size)
        page.fill("input[name=phone]", "+84 912 345 678")
        _submit(page)
        assert page.url.endswith("/accounts/profile/")
        assert User.objects.get(pk=forgetful.pk).phone == "0912345678"

        page.goto("/accounts/password/")
        _check(page, "11-password-change", size)

        page.goto(reverse("warehouse:scan"))  # a staff page: the branded 403
        assert page.locator("[data-testid=error-page]").is_visible()
        _check(page, "12-forbidden", size)

        page.goto("/accounts/profile/")
        with page.expect_navigation():
            page.click("[data-testid=logout-everywhere]")
        assert "/accounts/login/" in page.url
        _check(page, "13-logged-out-everywhere", size)
        other_device.goto("/accounts/profile/")
        assert "/accounts/login/" in other_device.url  # the other device's session has ended too

        # A login form whose token no longer matches (opened before a logout in another tab, say).
        page.evaluate("document.querySelector('main form [name=csrfmiddlewaretoken]').value = 'x'.repeat(64)")
        page.fill("input[name=username]", "quenmatkhau")
        page.fill("input[name=password]", "pw-for-tests-1")
        _submit(page)
        assert page.locator("[data-testid=error-page]").is_visible()
        _check(page, "14-csrf-failure", size)
        with page.expect_navigation():
            page.click("[data-testid=csrf-back]")
        assert "/accounts/login/" in page.url

        for _n in range(5):
            page.fill("input[name=username]", "quenmatkhau")
            page.fill("input[name=password]", "not-the-password")
            _submit(page)
        assert page.locator("[data-testid=locked-out]").is_visible()
        _check(page, "15-login-locked", size)

        page.goto("/no-such-page/")
        assert page.locator("[data-testid=error-page]").is_visible()
        _check(page, "16-not-found", size)
    finally:
        other_context.close()
        context.close()
