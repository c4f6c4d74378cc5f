"""The person's own pages: the header's "Pesan" link and count, the list
at /pesan/, the channel choices at /akun/pesan/, the stop link and the
sign-up opt-in."""

import re

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse

from lms.accounts.models import User
from lms.notifications import services
from lms.notifications.channels.base import Message
from lms.notifications.models import ChannelConsent, Notification
from tests.factories import trainee
from tests.notifications.fakes import fake_push, fake_server
from tests.support.notifications import quiet_hours_off

__all__ = ["fake_push", "fake_server"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    quiet_hours_off(settings)


INBOX = "/pesan/"
CHANNELS = "/akun/pesan/"


def _note(user, key, *, subject="Sertifikat Anda siap", body="Isi", url=""):
    return services.notify(
        user=user,
        kind=Notification.Kind.ANNOUNCEMENT,
        key=key,
        message=Message(subject=subject, body=body, url=url),
    )


def test_the_urls_are_the_indonesian_ones():
    assert reverse("notifications:inbox") == INBOX
    assert reverse("notifications:channels") == CHANNELS
    assert reverse("notifications:read_all") == "/pesan/baca-semua/"


def test_the_header_shows_the_unread_count_in_words(client):
    person = trainee()
    for i in range(3):
        _note(person, f"a:{i}")
    other = trainee()
    _note(other, "a:9")
    client.force_login(person)
    html = client.get(reverse("account_profile")).content.decode()
    link = re.search(r'<a href="/pesan/"[^>]*>(.*?)</a>', html).group(1)
    assert '<span class="badge" aria-hidden="true">3</span>' in link
    assert '<span class="visually-hidden">(3 belum dibaca)</span>' in link
    assert link.startswith("Pesan")


def test_the_header_shows_no_count_when_all_is_read(client):
    person = trainee()
    _note(person, "a:1")
    services.notifications_read(user=person)
    client.force_login(person)
    html = client.get(reverse("account_profile")).content.decode()
    assert re.search(r'<a href="/pesan/"[^>]*>Pesan</a>', html)
    assert "badge" not in html


def test_the_header_has_no_messages_link_for_visitors(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "/pesan/" not in html


def test_the_header_count_costs_one_query(client):
    person = trainee()
    _note(person, "a:1")
    client.force_login(person)
    url = reverse("notifications:channels")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    counts = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1


def test_the_list_needs_a_log_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_list_shows_only_ones_own_newest_first_and_marks_them_read(client):
    person = trainee()
    first = _note(person, "a:1", subject="Pertama", body="Baris satu\nBaris <b>dua</b>")
    _note(person, "a:2", subject="Kedua")
    _note(trainee(), "a:3", subject="Milik orang lain")
    client.force_login(person)
    html = client.get(INBOX).content.decode()
    assert html.index("Kedua") < html.index("Pertama")
    assert "Milik orang lain" not in html
    assert "<p>Baris satu<br>Baris &lt;b&gt;dua&lt;/b&gt;</p>" in html
    assert html.count('<span class="tag tag--ok">Baru</span>') == 2
    # Read after the page was rendered: new on this view, read the next time.
    assert Notification.objects.filter(user=person, read_at__isnull=True).count() == 0
    first.refresh_from_db()
    assert first.read_at is not None
    again = client.get(INBOX).content.decode()
    assert "tag--ok" not in again


def test_the_list_marks_only_the_page_shown(client):
    person = trainee()
    for i in range(25):
        _note(person, f"a:{i:02d}", subject=f"Pesan {i:02d}")
    client.force_login(person)
    html = client.get(INBOX).content.decode()
    assert "Pesan 24" in html
    assert "Pesan 04" not in html
    assert 'href="?page=2"' in html
    assert Notification.objects.filter(user=person, read_at__isnull=True).count() == 5
    assert client.get(INBOX + "?page=zz").status_code == 200
    assert client.get(INBOX + "?page=99").status_code == 200
    assert Notification.objects.filter(user=person, read_at__isnull=True).count() == 0


@override_settings(SINAU_PUBLIC_URL="https://sinau.example.id")
def test_links_point_only_into_sinau(client):
    person = trainee()
    _note(person, "a:1", subject="Satu", url="https://sinau.example.id/c/abc/?x=1")
    _note(person, "a:2", subject="Dua", url="https://evil.example.com/c/abc/")
    _note(person, "a:3", subject="Tiga", url="javascript:alert(1)")
    _note(person, "a:4", subject="Empat", url="//evil.example.com/")
    _note(person, "a:5", subject="Lima", url="/belajarku/")
    client.force_login(person)
    html = client.get(INBOX).content.decode()
    hrefs = re.findall(r'<a href="([^"]+)">Buka', html)
    assert hrefs == ["/belajarku/", "/c/abc/?x=1"]
    assert "evil" not in html
    assert "javascript" not in html


def test_mark_all_read_is_a_post_and_touches_only_ones_own(client):
    person = trainee()
    other = trainee()
    _note(person, "a:1")
    _note(other, "a:1")
    client.force_login(person)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert not Notification.objects.filter(user=person, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1


def test_mark_all_read_needs_a_log_in(client):
    person = trainee()
    _note(person, "a:1")
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


# --- channel choices -------------------------------------------------------


def test_the_choices_page_needs_a_log_in(client):
    assert client.get(CHANNELS).status_code == 302


def test_the_choices_page_explains_the_cost_and_starts_with_whatsapp_off(client):
    person = trainee(phone="+6281311112222", email=None)
    client.force_login(person)
    html = client.get(CHANNELS).content.decode()
    assert "Gratis untuk Anda" in html
    assert "+6281311112222" in html
    assert re.search(r'<input type="checkbox" name="whatsapp"(?![^>]*checked)', html)
    assert re.search(r'<input type="checkbox" name="email"[^>]*disabled', html)
    assert 'aria-describedby="id_whatsapp_help"' in html


def test_saving_choices_records_consent_from_settings(client):
    person = trainee(phone="+6281311112222", email="sri@example.com")
    client.force_login(person)
    response = client.post(CHANNELS, {"whatsapp": "on", "email": ""})
    assert response.status_code == 302
    rows = {
        c.channel: (c.allowed, c.source)
        for c in ChannelConsent.objects.filter(user=person)
    }
    assert rows == {
        "whatsapp": (True, "settings"),
        "sms": (False, "settings"),
        "email": (False, "settings"),
    }


def test_without_a_phone_whatsapp_cannot_be_switched_on(client):
    person = trainee(phone=None, email="sri@example.com")
    client.force_login(person)
    client.post(CHANNELS, {"whatsapp": "on", "sms": "on", "email": "on"})
    rows = dict(
        ChannelConsent.objects.filter(user=person).values_list("channel", "allowed")
    )
    assert rows == {"email": True}


def test_choices_touch_only_ones_own(client):
    person = trainee(phone="+6281311112222")
    other = trainee(phone="+6281311113333")
    client.force_login(person)
    client.post(CHANNELS, {"whatsapp": "on", "user": other.pk})
    assert not ChannelConsent.objects.filter(user=other).exists()


# --- the stop link ---------------------------------------------------------


def test_opening_the_stop_link_stops_nothing(client):
    person = trainee(phone="+6281311112222")
    services.consent_set(user=person, channel="whatsapp", allowed=True, source="seed")
    token = services.stop_token(user=person, channel="whatsapp")
    url = reverse("notifications:stop", args=[token])
    response = client.get(url)
    assert response.status_code == 200
    assert "Hentikan pesan lewat WhatsApp" in response.content.decode()
    assert services.consents_of(user=person) == {"whatsapp": True}
    response = client.post(url)
    assert response.status_code == 200
    assert services.consents_of(user=person) == {"whatsapp": False}
    assert ChannelConsent.objects.get(user=person).source == "link"
    # Twice is the same.
    assert client.post(url).status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        signing.dumps([1, "whatsapp"], salt="another-salt"),
        signing.dumps([1, "pigeon"], salt=services.STOP_SALT),
        signing.dumps("just-a-string", salt=services.STOP_SALT),
        signing.dumps([1, 2, 3], salt=services.STOP_SALT),
        signing.dumps([999999, "sms"], salt=services.STOP_SALT),
    ],
)
def test_a_bad_stop_token_is_a_400_page_and_changes_nothing(client, token):
    url = reverse("notifications:stop", args=[token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "Tautan ini tidak berlaku" in response.content.decode()
    assert not ChannelConsent.objects.exists()


# --- sign-up ---------------------------------------------------------------


def _signup(client, phone, **extra):
    return client.post(
        reverse("account_signup"),
        {
            "display_name": "Sri Wahyuni",
            "phone": phone,
            "password1": "kolang-kaling-2026",
            "password2": "kolang-kaling-2026",
            **extra,
        },
    )


def test_the_signup_form_offers_the_opt_in_unticked(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert "Kirimi saya pesan lewat WhatsApp/SMS" in html
    assert re.search(r'<input type="checkbox" name="messages_ok"(?![^>]*checked)', html)


def test_signing_up_with_the_opt_in_records_whatsapp_and_sms(client):
    assert _signup(client, "081311112222", messages_ok="on").status_code == 302
    user = User.objects.get(phone="+6281311112222")
    rows = {
        c.channel: (c.allowed, c.source)
        for c in ChannelConsent.objects.filter(user=user)
    }
    assert rows == {"whatsapp": (True, "signup"), "sms": (True, "signup")}


def test_signing_up_without_the_opt_in_records_nothing(client):
    assert _signup(client, "081311112223").status_code == 302
    assert User.objects.filter(phone="+6281311112223").exists()
    assert not ChannelConsent.objects.exists()


def test_the_profile_page_links_to_the_choices(client):
    client.force_login(trainee())
    html = client.get(reverse("account_profile")).content.decode()
    assert (
        f'<a href="{CHANNELS}">Pilih cara Sinau mengirim pesan kepada Anda</a>' in html
    )


def test_the_channel_page_offers_phone_notifications_when_push_is_on(
    client, settings, fake_push
):
    from lms.notifications.channels import senders_reset
    from tests.factories import trainee as make_trainee

    client.force_login(make_trainee(phone="+6281300001111"))
    page = client.get(reverse("notifications:channels")).content.decode()
    assert f'data-push-key="{settings.SINAU_VAPID_PUBLIC_KEY}"' in page
    assert 'data-push-offer="always"' in page
    assert "js/push.js" in page
    settings.SINAU_VAPID_PUBLIC_KEY = ""
    senders_reset()
    page = client.get(reverse("notifications:channels")).content.decode()
    assert "push-offer" not in page
