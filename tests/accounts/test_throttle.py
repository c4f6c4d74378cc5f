"""Every password check is throttled, per account and per client IP, on every
endpoint that checks one (docs/operating.md, "Log-in throttling"). These clients are all
unknown devices; tests/accounts/test_device_cookies.py has the known ones."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.hashers import check_password as hash_matches
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from lms.accounts import backends, throttle
from lms.accounts import views as account_views
from tests.factories import PASSWORD, UserFactory, trainee, trainer
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

THROTTLED = "Terlalu banyak kata sandi salah"
NEW_PASSWORD = "gula-kelapa-baru-77"


@pytest.fixture(autouse=True)
def deployed_limits(settings):
    """allauth's own limits as deployed (tests switch them off elsewhere)."""
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS_DEPLOYED


def _logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


# --- one entry per endpoint that checks a password ------------------------


@dataclass
class Endpoint:
    url: str
    wrong: dict
    right: dict
    passed: Callable  # (client, response) -> bool
    user: object = None
    logged_in: bool = False


def _login_form(url_name, field, user_kwargs=None):
    def make():
        user = (trainer if url_name != "admin:login" else _superuser)(
            **(user_kwargs or {})
        )
        return Endpoint(
            url=reverse(url_name),
            wrong={field: user.email, "password": "salah-sandi"},
            right={field: user.email, "password": PASSWORD},
            passed=lambda client, response: _logged_in_as(client, user),
            user=user,
        )

    return make


def _superuser(**kwargs):
    return UserFactory(is_staff=True, is_superuser=True, **kwargs)


def _reauthenticate():
    user = trainee()
    return Endpoint(
        url=reverse("account_reauthenticate"),
        wrong={"password": "salah-sandi"},
        right={"password": PASSWORD},
        passed=lambda client, response: response.status_code == 302,
        user=user,
        logged_in=True,
    )


def _password_changed(user):
    def passed(client, response):
        user.refresh_from_db()
        return hash_matches(NEW_PASSWORD, user.password)

    return passed


def _change_password(url_name, old, new1, new2, maker=trainee):
    def make():
        user = maker()
        new = {new1: NEW_PASSWORD, new2: NEW_PASSWORD}
        return Endpoint(
            url=reverse(url_name),
            wrong={old: "salah-sandi", **new},
            right={old: PASSWORD, **new},
            passed=_password_changed(user),
            user=user,
            logged_in=True,
        )

    return make


def _wagtail_account():
    user = trainer(first_name="Siti", last_name="Aminah")
    base = {
        "name_email-first_name": "Siti",
        "name_email-last_name": "Aminah",
        "name_email-email": user.email,
        "locale-preferred_language": "",
        "locale-current_time_zone": "",
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
        "password-new_password1": NEW_PASSWORD,
        "password-new_password2": NEW_PASSWORD,
    }
    return Endpoint(
        url=reverse("wagtailadmin_account"),
        wrong={**base, "password-old_password": "salah-sandi"},
        right={**base, "password-old_password": PASSWORD},
        passed=_password_changed(user),
        user=user,
        logged_in=True,
    )


def _profile():
    user = trainee(display_name="Siti")
    base = {"display_name": "Siti Aminah", "phone": user.phone, "email": ""}
    return Endpoint(
        url=reverse("account_profile"),
        wrong={**base, "password": "salah-sandi"},
        right={**base, "password": PASSWORD},
        passed=lambda client, response: response.status_code == 302,
        user=user,
        logged_in=True,
    )


def _page_password():
    course = course_tree(modules=1, lessons=1)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type="password", password="sandi-kursus"
    )
    url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]
    )
    return Endpoint(
        url=url,
        wrong={"password": "salah", "return_url": course.url},
        right={"password": "sandi-kursus", "return_url": course.url},
        passed=lambda client, response: response.status_code == 302,
    )


def _document_password():
    collection = Collection.get_first_root_node().add_child(name="Lembar kerja")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="password", password="sandi-dok"
    )
    url = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    return Endpoint(
        url=url,
        wrong={"password": "salah", "return_url": "/"},
        right={"password": "sandi-dok", "return_url": "/"},
        passed=lambda client, response: response.status_code == 302,
    )


ENDPOINTS = {
    "account_login": _login_form("account_login", "login"),
    "wagtailadmin_login": _login_form("wagtailadmin_login", "username"),
    "wagtailcore_login": _login_form("wagtailcore_login", "username"),
    "admin:login": _login_form("admin:login", "username"),
    "account_reauthenticate": _reauthenticate,
    "account_change_password": _change_password(
        "account_change_password", "oldpassword", "password1", "password2"
    ),
    "admin:password_change": _change_password(
        "admin:password_change",
        "old_password",
        "new_password1",
        "new_password2",
        maker=_superuser,
    ),
    "wagtailadmin_account": _wagtail_account,
    "account_profile": _profile,
    "wagtailcore_authenticate_with_password": _page_password,
    "wagtaildocs_authenticate_with_password": _document_password,
}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, name):
    endpoint = ENDPOINTS[name]()
    if endpoint.logged_in:
        client.force_login(endpoint.user)
    for _attempt in range(30):
        response = client.post(endpoint.url, endpoint.wrong)
        assert response.status_code in (200, 429)  # 429: allauth's request limits
        assert not endpoint.passed(client, response)
    response = client.post(endpoint.url, endpoint.right)
    assert not endpoint.passed(client, response)
    if response.status_code != 429:
        assert response.status_code == 200
        assert THROTTLED in response.content.decode()


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_the_right_password_still_works_after_a_few_mistakes(client, name):
    endpoint = ENDPOINTS[name]()
    if endpoint.logged_in:
        client.force_login(endpoint.user)
    for _attempt in range(3):
        client.post(endpoint.url, endpoint.wrong)
    response = client.post(endpoint.url, endpoint.right)
    assert endpoint.passed(client, response), response.content.decode()[:2000]


# --- how the buckets behave -------------------------------------------------

LOGIN = reverse("account_login")


def _login(client, login, password=PASSWORD, ip="10.1.1.1", **headers):
    return client.post(
        LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip, **headers
    )


def _fail(client, login, times, ip="10.1.1.1"):
    for _attempt in range(times):
        _login(client, login, "salah-sandi", ip=ip)


def test_five_failures_lock_the_account_for_every_client(client):
    user = trainee(email="siti@contoh.id")
    _fail(client, "siti@contoh.id", 5, ip="10.1.1.1")
    response = _login(client, "siti@contoh.id", ip="10.9.9.9")
    assert THROTTLED in response.content.decode()
    assert not _logged_in_as(client, user)


def test_a_locked_account_does_not_lock_other_accounts_on_the_same_client(client):
    trainee(email="siti@contoh.id")
    other = trainee(email="budi@contoh.id")
    _fail(client, "siti@contoh.id", 5)
    _login(client, "budi@contoh.id")
    assert _logged_in_as(client, other)


def test_the_email_and_the_phone_of_one_person_share_one_bucket(client):
    user = trainee(email="siti@contoh.id", phone="+6281234567890")
    _fail(client, "Siti@Contoh.ID", 3)
    _fail(client, "0812-3456-7890", 2)
    _login(client, "+62 812 3456 7890")
    assert not _logged_in_as(client, user)


def test_made_up_phone_numbers_do_not_lock_out_a_phone_only_trainee(client):
    user = trainee(email=None, phone="+6281234567890")
    for n in range(5):
        _fail(client, f"08139999000{n}", 1)
    _fail(client, "081399990009", 5)
    _login(client, "081234567890")
    assert _logged_in_as(client, user)


def test_many_failures_from_one_client_lock_that_client_only(client, settings):
    settings.SINAU_PASSWORD_RATE_LIMITS = {
        **settings.SINAU_PASSWORD_RATE_LIMITS,
        "password": "8/15m/ip,5/15m/key",
    }
    user = trainee(email="siti@contoh.id")
    for n in range(8):
        _fail(client, f"tebak{n}@contoh.id", 1, ip="10.1.1.1")
    response = _login(client, "siti@contoh.id", ip="10.1.1.1")
    assert THROTTLED in response.content.decode()
    assert not _logged_in_as(client, user)
    _login(client, "siti@contoh.id", ip="10.2.2.2")
    assert _logged_in_as(client, user)


def test_right_passwords_are_not_counted(client, settings):
    """A class on one wifi logs in together."""
    settings.SINAU_PASSWORD_RATE_LIMITS = {
        **settings.SINAU_PASSWORD_RATE_LIMITS,
        "password": "3/15m/ip,5/15m/key",
    }
    people = [trainee() for _n in range(6)]
    for person in people:
        client.logout()
        _login(client, person.email)
        assert _logged_in_as(client, person)


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, settings):
    settings.SINAU_PASSWORD_RATE_LIMITS = {
        **settings.SINAU_PASSWORD_RATE_LIMITS,
        "password": "3/15m/ip,5/15m/key",
    }
    user = trainee(email="siti@contoh.id")
    for n in range(3):
        _login(
            client,
            f"tebak{n}@contoh.id",
            "x",
            headers={"X-Forwarded-For": f"1.1.1.{n}"},
        )
    response = _login(client, "siti@contoh.id", headers={"X-Forwarded-For": "2.2.2.2"})
    assert THROTTLED in response.content.decode()
    assert not _logged_in_as(client, user)


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(client, settings):
    settings.SINAU_TRUSTED_PROXY_COUNT = 1
    settings.SINAU_PASSWORD_RATE_LIMITS = {
        **settings.SINAU_PASSWORD_RATE_LIMITS,
        "password": "3/15m/ip,5/15m/key",
    }
    user = trainee(email="siti@contoh.id")
    proxy = "172.18.0.5"
    for n in range(3):
        _login(
            client,
            f"tebak{n}@contoh.id",
            "x",
            ip=proxy,
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
    refused = _login(
        client, "siti@contoh.id", ip=proxy, headers={"X-Forwarded-For": "203.0.113.7"}
    )
    assert THROTTLED in refused.content.decode()
    _login(
        client, "siti@contoh.id", ip=proxy, headers={"X-Forwarded-For": "198.51.100.9"}
    )
    assert _logged_in_as(client, user)


def test_a_throttled_log_in_is_shown_in_english_when_chosen(client):
    trainee(email="siti@contoh.id")
    _fail(client, "siti@contoh.id", 5)
    client.cookies["django_language"] = "en"
    response = _login(client, "siti@contoh.id")
    assert (
        "Too many wrong passwords for this account from devices that have not "
        "logged in to it before."
    ) in response.content.decode()
    assert "wait 15 minutes and try again" in response.content.decode()


def test_phone_numbers_log_in_on_the_wagtail_log_in_forms(client):
    user = trainer(phone="+6281234567890")
    client.post(
        reverse("wagtailcore_login"),
        {"username": "0812 3456 7890", "password": PASSWORD},
    )
    assert _logged_in_as(client, user)


# --- password reset: one path, no enumeration, throttled --------------------


def test_wagtail_admin_password_reset_is_switched_off(client):
    assert client.get(reverse("wagtailadmin_password_reset")).status_code == 404
    response = client.post(
        reverse("wagtailadmin_password_reset"), {"email": "siti@contoh.id"}
    )
    assert response.status_code == 404
    assert mail.outbox == []


def test_password_reset_answers_the_same_for_unknown_addresses(client):
    trainee(email="siti@contoh.id")
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "siti@contoh.id"})
    unknown = client.post(url, {"email": "tidak-ada@contoh.id"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["siti@contoh.id"], ["tidak-ada@contoh.id"]]
    assert "/akun/password/reset/key/" not in mail.outbox[1].body


def test_password_reset_is_throttled_per_address_known_or_not(client):
    trainee(email="siti@contoh.id")
    url = reverse("account_reset_password")
    for address in ("siti@contoh.id", "tidak-ada@contoh.id"):
        codes = [client.post(url, {"email": address}).status_code for _n in range(4)]
        assert codes == [302, 302, 302, 429]
    assert len(mail.outbox) == 6


def test_throttled_reset_page_is_indonesian(client):
    url = reverse("account_reset_password")
    for _n in range(3):
        client.post(url, {"email": "siti@contoh.id"})
    response = client.post(url, {"email": "siti@contoh.id"})
    assert response.status_code == 429
    assert '<html lang="id">' in response.content.decode()


# --- the kind: every URL whose view checks a password is covered ------------

# Views that take a password but do not check an existing one, or check codes.
NOT_PASSWORD_CHECKS = {
    "account_signup": "chooses a new password",
    "account_set_password": "sets a first password for a signed-in person",
    "account_reset_password": "sends a link; throttled by allauth (tested here)",
    "account_reset_password_done": "a message",
    "account_reset_password_from_key": "sets a new password with an emailed key",
    "account_reset_password_from_key_done": "a message",
    "account_logout": "no password",
    "account_inactive": "a message",
    "account_email": "manages addresses; no password",
    "account_email_verification_sent": "a message",
    "account_confirm_email": "an emailed key",
    "account_confirm_login_code": "a code; log-in by code is off",
    "account_request_reauthentication_code": "a code; log-in by code is off",
    "account_confirm_reauthentication_code": "a code; log-in by code is off",
    "account_verify_phone": "a code; phone verification is off",
    "account_change_phone": "no password",
    "account_password_link_new": "a trainer makes a one-time link; no password",
    "account_password_link": "sets a new password with a one-time link",
    "admin:password_change_done": "a message",
    "wagtailadmin_logout": "no password",
    "wagtailadmin_password_reset": "switched off (404, tested here)",
    "wagtailadmin_password_reset_done": "switched off",
    "wagtailadmin_password_reset_confirm": "switched off",
    "wagtailadmin_password_reset_complete": "switched off",
}

PASSWORDISH = re.compile(
    r"login|password|passwd|reauth|authenticat|sandi|account", re.I
)


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _patterns(
                pattern,
                prefix + str(pattern.pattern),
                f"{namespace}{ns}:" if ns else namespace,
            )
        elif isinstance(pattern, URLPattern):
            yield (
                prefix + str(pattern.pattern),
                namespace + (pattern.name or ""),
                pattern,
            )


def _view_name(callback) -> str:
    view = getattr(callback, "view_class", callback)
    return f"{view.__module__}.{view.__qualname__}"


def test_every_view_that_checks_a_password_is_covered():
    """Walks the URL resolver: a new log-in or password view fails this test
    until it is throttled and added to ENDPOINTS (or explained above)."""
    found = set()
    for route, name, pattern in _patterns():
        if re.search(r"^django-admin/.+/(add|change|delete|history)?/?", route) and (
            "account/emailaddress" in route or "app_label" in route
        ):
            continue  # the admin's model pages for allauth's email addresses
        if any(
            PASSWORDISH.search(s) for s in (route, name, _view_name(pattern.callback))
        ):
            found.add(name)
    unexplained = found - set(ENDPOINTS) - set(NOT_PASSWORD_CHECKS)
    assert unexplained == set()
    assert set(ENDPOINTS) <= found


@pytest.mark.parametrize(
    ("name", "args", "view"),
    [
        ("wagtailcore_authenticate_with_password", [1, 2], account_views.page_password),
        (
            "wagtaildocs_authenticate_with_password",
            [1],
            account_views.document_password,
        ),
    ],
)
def test_restriction_password_urls_reach_the_throttled_views(name, args, view):
    assert resolve(reverse(name, args=args)).func is view


def test_every_log_in_goes_through_the_throttled_backend(settings):
    assert settings.AUTHENTICATION_BACKENDS == [
        f"{backends.__name__}.ThrottledAuthenticationBackend"
    ]


def test_documented_limits(settings):
    assert settings.SINAU_PASSWORD_RATE_LIMITS == {
        "password": "50/15m/ip,5/15m/key",
        "password_device": "5/15m",
        "page_password": "30/15m/ip,100/15m/key",
        "page_password_slow": "3/15m",
        "page_password_device": "10/15m",
    }
    assert throttle.window_minutes(throttle.ACCOUNT) == 15


def test_wagtail_admin_log_in_links_to_the_one_reset_path(client):
    body = client.get(reverse("wagtailadmin_login")).content.decode()
    assert f'href="{reverse("account_reset_password")}"' in body
    assert "Lupa kata sandi?" in body
    assert reverse("wagtailadmin_password_reset") not in body


def test_a_password_reset_by_email_ends_the_accounts_lock(client):
    user = trainee(email="siti@contoh.id")
    _fail(client, "siti@contoh.id", 5)
    client.post(reverse("account_reset_password"), {"email": "siti@contoh.id"})
    link = re.search(
        r"https?://[^/]+(/akun/password/reset/key/\S+/)", mail.outbox[0].body
    )
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    _login(client, "siti@contoh.id", NEW_PASSWORD)
    assert _logged_in_as(client, user)


def test_a_locked_client_stays_locked_after_someone_resets(client, settings):
    settings.SINAU_PASSWORD_RATE_LIMITS = {
        **settings.SINAU_PASSWORD_RATE_LIMITS,
        "password": "3/15m/ip,5/15m/key",
    }
    user = trainee(email="siti@contoh.id")
    for n in range(3):
        _fail(client, f"tebak{n}@contoh.id", 1)
    throttle.password_throttle_clear(user=user)
    response = _login(client, "siti@contoh.id")
    assert THROTTLED in response.content.decode()


@pytest.mark.django_db
def test_a_log_in_longer_than_any_account_is_refused_not_a_500(client):
    """SQLite refuses LIKE patterns of 50,000 bytes and more: a 100,000
    character log-in is never looked up, only counted and refused."""
    response = client.post("/akun/login/", {"login": "a" * 100_000, "password": "x"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
