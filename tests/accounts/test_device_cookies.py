"""Nobody can lock a person out of their own account, or a class out of its
course: OWASP's device cookies (docs/operating.md, "Log-in throttling"). The attacker
guesses from other clients; the owner's known device keeps its own allowance,
unknown clients still share the per-account limit. The last tests attack
with allauth's own limits as deployed: a phone-only trainee, the admin
log-in and a password-protected course."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password as hash_matches
from django.core import signing
from django.test import Client
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from lms.accounts import devices
from tests.factories import PASSWORD, UserFactory, trainee, trainer
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
UNKNOWN_LOCKED = (
    "Terlalu banyak kata sandi salah untuk akun ini dari perangkat yang belum dikenal"
)
COOKIE = "sinau_device"


def _logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _login(client, login, password=PASSWORD, ip="10.1.1.1"):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=ip)


def _attack(login, *, rounds=3):
    """The attacker's five wrong passwords every 15 minutes, from clients
    and addresses of their own, as often as the limit lets them."""
    for n in range(rounds * 5):
        _login(Client(), login, "tebak-tebak", ip=f"198.51.100.{n + 1}")


def _known_device(user, login=None) -> Client:
    """A client on which `user` has logged in before (and logged out)."""
    phone = Client()
    _login(phone, login or user.email, ip="10.7.7.7")
    assert _logged_in_as(phone, user)
    assert COOKIE in phone.cookies
    phone.post(reverse("account_logout"))  # as the person would
    assert not _logged_in_as(phone, user)
    return phone


def test_the_device_cookie_is_httponly_lax_and_long_lived(client):
    user = trainee()
    response = _login(client, user.email)
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 60 * 60 * 24 * 365
    assert user.email not in cookie.value
    assert str(user.pk) not in signing.loads(cookie.value, salt=devices.SALT)["g"]


def test_production_sends_the_device_cookie_over_https_only(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = _login(client, trainee().email)
    assert response.cookies[COOKIE]["secure"] is True


def test_the_attacker_does_not_stop_the_owner_on_a_known_device():
    user = trainee(email="siti@contoh.id", phone="+6281234567890")
    phone = _known_device(user)
    _attack("siti@contoh.id")
    response = _login(phone, "0812-3456-7890", ip="10.8.8.8")
    assert _logged_in_as(phone, user), response.content.decode()[:3000]


def test_unknown_clients_are_still_throttled_and_told_why():
    user = trainee(email="siti@contoh.id")
    _known_device(user)
    _attack("siti@contoh.id", rounds=1)
    stranger = Client()
    response = _login(stranger, "siti@contoh.id", ip="10.9.9.9")
    assert not _logged_in_as(stranger, user)
    body = response.content.decode()
    assert UNKNOWN_LOCKED in body
    assert "Jika ini akun Anda, masuklah dari HP atau komputer" in body


def test_a_device_cookie_for_another_account_gives_nothing():
    user = trainee(email="siti@contoh.id")
    neighbour = trainee(email="budi@contoh.id")
    phone = _known_device(neighbour)
    _attack("siti@contoh.id", rounds=1)
    response = _login(phone, "siti@contoh.id")
    assert not _logged_in_as(phone, user)
    assert UNKNOWN_LOCKED in response.content.decode()


@pytest.mark.parametrize("forgery", ["tampered", "other_key", "unsigned", "garbage"])
def test_a_forged_or_tampered_device_cookie_gives_nothing(forgery):
    user = trainee(email="siti@contoh.id")
    real = _known_device(user).cookies[COOKIE].value
    payload = signing.loads(real, salt=devices.SALT)
    forged = {
        "tampered": real[:-3] + ("AAA" if not real.endswith("AAA") else "BBB"),
        "other_key": signing.dumps(payload, key="x" * 50, salt=devices.SALT),
        "unsigned": signing.b64_encode(b'{"d":"' + payload["d"].encode() + b'"}'),
        "garbage": "x" * 5000,
    }[forgery]
    _attack("siti@contoh.id", rounds=1)
    thief = Client()
    thief.cookies[COOKIE] = forged
    response = _login(thief, "siti@contoh.id")
    assert not _logged_in_as(thief, user)
    assert UNKNOWN_LOCKED in response.content.decode()


def test_a_device_that_fails_five_times_loses_its_allowance():
    user = trainee(email="siti@contoh.id")
    phone = _known_device(user)
    _attack("siti@contoh.id", rounds=1)
    for _n in range(5):
        _login(phone, "siti@contoh.id", "salah-lagi")
    response = _login(phone, "siti@contoh.id")
    assert not _logged_in_as(phone, user)
    assert UNKNOWN_LOCKED in response.content.decode()


def test_a_known_devices_failures_do_not_count_for_unknown_clients():
    user = trainee(email="siti@contoh.id")
    phone = _known_device(user)
    for _n in range(4):
        _login(phone, "siti@contoh.id", "salah-lagi")
    laptop = Client()
    _login(laptop, "siti@contoh.id", ip="10.3.3.3")
    assert _logged_in_as(laptop, user)


def test_guesses_from_the_owners_own_network_do_not_stop_the_known_device(settings):
    """Carrier-grade NAT: the attacker and the owner share one address."""
    settings.SINAU_PASSWORD_RATE_LIMITS = {
        **settings.SINAU_PASSWORD_RATE_LIMITS,
        "password": "3/15m/ip,5/15m/key",
    }
    user = trainee(email="siti@contoh.id")
    phone = _known_device(user)
    for n in range(6):
        _login(Client(), f"tebak{n}@contoh.id", "x", ip="10.7.7.7")
    _login(phone, "siti@contoh.id", ip="10.7.7.7")
    assert _logged_in_as(phone, user)


# --- every log-in form and every password check ----------------------------


def _superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    ("url_name", "field", "maker"),
    [
        ("account_login", "login", trainee),
        ("wagtailadmin_login", "username", trainer),
        ("wagtailcore_login", "username", trainer),
        ("admin:login", "username", _superuser),
    ],
)
def test_every_log_in_form_lets_the_known_device_in(url_name, field, maker):
    user = maker()
    phone = _known_device(user)
    _attack(user.email)
    phone.post(reverse(url_name), {field: user.email, "password": PASSWORD})
    assert _logged_in_as(phone, user)


NEW_PASSWORD = "gula-kelapa-baru-77"


def _reauthenticated(client, user, response):
    return response.status_code == 302


def _password_is_new(client, user, response):
    user.refresh_from_db()
    return hash_matches(NEW_PASSWORD, user.password)


@pytest.mark.parametrize(
    ("url_name", "data", "maker", "passed"),
    [
        ("account_reauthenticate", {"password": PASSWORD}, trainee, _reauthenticated),
        (
            "account_change_password",
            {
                "oldpassword": PASSWORD,
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
            trainee,
            _password_is_new,
        ),
        (
            "admin:password_change",
            {
                "old_password": PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            _superuser,
            _password_is_new,
        ),
    ],
)
def test_password_checks_of_a_signed_in_owner_pass_on_a_known_device(
    url_name, data, maker, passed
):
    user = maker()
    phone = _known_device(user)
    _login(phone, user.email)
    _attack(user.email)
    response = phone.post(reverse(url_name), data)
    assert passed(phone, user, response), response.content.decode()[:3000]


# --- page and document passwords ---------------------------------------------


def _page_restriction():
    course = course_tree(modules=1, lessons=1)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type="password", password="sandi-kursus"
    )
    url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]
    )
    return url, "sandi-kursus", course.url


def _document_restriction():
    collection = Collection.get_first_root_node().add_child(name="Lembar kerja")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="password", password="sandi-dok"
    )
    url = reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])
    return url, "sandi-dok", "/"


RESTRICTIONS = {"page": _page_restriction, "document": _document_restriction}


def _address(n: int) -> str:
    return f"203.0.{n // 200}.{n % 200 + 1}"


@pytest.mark.parametrize("kind", sorted(RESTRICTIONS))
def test_101_wrong_passwords_from_101_addresses_lock_out_no_visitor(kind):
    url, password, return_url = RESTRICTIONS[kind]()
    classmate = Client()
    opened = classmate.post(
        url, {"password": password, "return_url": return_url}, REMOTE_ADDR="10.5.5.5"
    )
    assert opened.status_code == 302
    # A new session (the old one ended): only the device cookie remembers.
    del classmate.cookies[settings.SESSION_COOKIE_NAME]
    for n in range(101):
        Client().post(
            url,
            {"password": f"tebak-{n}", "return_url": return_url},
            REMOTE_ADDR=_address(n),
        )
    again = classmate.post(
        url, {"password": password, "return_url": return_url}, REMOTE_ADDR="10.5.5.5"
    )
    assert again.status_code == 302
    newcomer = Client()
    first_time = newcomer.post(
        url, {"password": password, "return_url": return_url}, REMOTE_ADDR="10.6.6.6"
    )
    assert first_time.status_code == 302


@pytest.mark.parametrize("kind", sorted(RESTRICTIONS))
def test_a_restriction_under_attack_still_slows_unknown_clients(kind):
    url, password, return_url = RESTRICTIONS[kind]()
    for n in range(100):
        Client().post(
            url,
            {"password": f"tebak-{n}", "return_url": return_url},
            REMOTE_ADDR=_address(n),
        )
    guesser = Client()
    answers = [
        guesser.post(
            url,
            {"password": f"lagi-{n}", "return_url": return_url},
            REMOTE_ADDR="192.0.2.99",
        )
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [200] * 4
    assert (
        "Banyak kata sandi salah untuk halaman ini" not in answers[2].content.decode()
    )
    assert "Banyak kata sandi salah untuk halaman ini" in answers[3].content.decode()
    refused = guesser.post(
        url, {"password": password, "return_url": return_url}, REMOTE_ADDR="192.0.2.99"
    )
    assert refused.status_code == 200


def test_a_page_password_device_cookie_gives_nothing_for_another_restriction():
    url, password, return_url = _page_restriction()
    other_url, other_password, other_return = _document_restriction()
    device = Client()
    device.post(url, {"password": password, "return_url": return_url})
    for n in range(101):
        Client().post(
            other_url,
            {"password": f"tebak-{n}", "return_url": other_return},
            REMOTE_ADDR=_address(n),
        )
    for n in range(3):
        device.post(other_url, {"password": f"x{n}", "return_url": other_return})
    refused = device.post(
        other_url, {"password": other_password, "return_url": other_return}
    )
    assert refused.status_code == 200


@pytest.fixture
def deployed_limits(settings):
    """allauth's own limits as deployed (tests switch them off elsewhere)."""
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS_DEPLOYED


@pytest.mark.usefixtures("deployed_limits")
def test_a_stranger_locks_a_phone_only_trainee_out_with_five_guesses(client):
    """Anyone who knows a trainee's phone number (it is on every WhatsApp
    group of the cohort) types five wrong passwords from their own phone;
    the trainee, on their own phone with the right password, is refused
    ("Terlalu banyak kata sandi yang salah") for 15 minutes. Repeated every
    15 minutes (20 requests an hour) it is permanent. A phone-only trainee
    has no way out: no email for a reset, and no password link for an
    account they made themselves."""
    from django.test import Client

    victim = trainee(email=None, phone="+6281234567890")
    login = reverse("account_login")
    client.post(
        login,
        {"login": "081234567890", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert _logged_in_as(client, victim)
    client.post(reverse("account_logout"), REMOTE_ADDR="198.51.100.7")
    stranger = Client()
    for _n in range(5):
        stranger.post(
            login,
            {"login": "0812-3456-7890", "password": "tebakan"},
            REMOTE_ADDR="203.0.113.66",
        )
    client.post(
        login,
        {"login": "081234567890", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert _logged_in_as(client, victim)


@pytest.mark.usefixtures("deployed_limits")
def test_a_stranger_locks_the_admin_out_of_the_admin_log_in(client):
    """The same five guesses at /admin/login/ with a superuser's address
    lock the superuser out of every log-in form."""
    from django.test import Client

    admin = UserFactory(is_staff=True, is_superuser=True, email="admin@contoh.id")
    url = reverse("wagtailadmin_login")
    client.post(
        url,
        {"username": "admin@contoh.id", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert _logged_in_as(client, admin)
    client.post(reverse("wagtailadmin_logout"), REMOTE_ADDR="198.51.100.7")
    stranger = Client()
    for _n in range(5):
        stranger.post(
            url,
            {"username": "admin@contoh.id", "password": "tebakan"},
            REMOTE_ADDR="203.0.113.66",
        )
    client.post(
        url,
        {"username": "admin@contoh.id", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert _logged_in_as(client, admin)


@pytest.mark.usefixtures("deployed_limits")
def test_four_clients_lock_a_password_protected_course_for_everyone(client):
    """100 wrong passwords for one page restriction, from any clients, lock
    the page: 25 from each of four addresses (anonymous, no account needed;
    IPv6 gives anyone many /64s) and every trainee of the class, with the
    right password given by their trainer, is refused for 15 minutes."""
    course = course_tree(modules=1, lessons=1)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type="password", password="sandi-kursus"
    )
    url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]
    )
    right = {"password": "sandi-kursus", "return_url": "/"}
    assert client.post(url, right, REMOTE_ADDR="198.51.100.7").status_code == 302
    for n in range(4):
        for _guess in range(25):
            client.post(
                url,
                {"password": "salah", "return_url": "/"},
                REMOTE_ADDR=f"2001:db8:{n}::1",
            )
    response = client.post(url, right, REMOTE_ADDR="198.51.100.7")
    assert "Terlalu banyak" not in response.content.decode()
    assert response.status_code == 302
