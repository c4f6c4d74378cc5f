"""A trainee's messages in a real browser at 360 px, axe on every page: the
header's "Pesan" link says how many are unread (in its accessible name,
not by colour), the list shows them and marks them read, the channel
choices save with the keyboard alone, and the stop link asks before it
stops. On the seeded demo programme (`load_initial_data`): the demo
trainee has a welcome message and has said yes to WhatsApp and SMS."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from lms.accounts.models import User
from lms.notifications import services
from lms.notifications.models import ChannelConsent
from lms.notifications.selectors import unread_count
from tests.e2e.conftest import log_in

TRAINEE = "081234567801"  # the demo trainee (lms/accounts/services.py)


@pytest.fixture
def demo(site):
    call_command("load_initial_data", demo_accounts=True, verbosity=0)
    return User.objects.get(phone="+6281234567801")


def test_a_trainee_reads_messages_and_chooses_channels(page, demo):
    assert services.consents_of(user=demo) == {"whatsapp": True, "sms": True}
    log_in(page, TRAINEE, settings.SINAU_DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Utama")
    unread = unread_count(user=demo)
    assert unread >= 1
    link = nav.get_by_role("link", name=f"Pesan ({unread} belum dibaca)")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(re.compile(r"/pesan/$"))
    page.axe.check("messages")
    expect(page.get_by_role("heading", level=1, name="Pesan")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Baru Selamat datang di Sinau")))
    # Nothing wider than the phone.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.reload()
    page.axe.check("messages, read")
    expect(nav.get_by_role("link", name="Pesan", exact=True)).to_be_visible()
    expect(page.get_by_text("Baru", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Pilih cara Sinau mengirim pesan kepada Anda").click()
    page.wait_for_url(re.compile(r"/akun/pesan/$"))
    page.axe.check("channel choices")
    whatsapp = page.get_by_role("checkbox", name="WhatsApp")
    expect(whatsapp).to_be_checked()
    whatsapp.focus()
    page.keyboard.press("Space")  # off, by keyboard
    page.get_by_role("button", name="Simpan pilihan saya").press("Enter")
    page.wait_for_url(re.compile(r"/akun/pesan/$"))
    page.axe.check("channel choices, saved")
    expect(page.get_by_text("Pilihan Anda sudah disimpan.")).to_be_visible()
    assert ChannelConsent.objects.get(user=demo, channel="whatsapp").source == (
        "settings"
    )
    assert services.consents_of(user=demo)["whatsapp"] is False


def test_the_stop_link_asks_before_it_stops(page, demo):
    token = services.stop_token(user=demo, channel="sms")
    page.goto(f"/pesan/berhenti/{token}/")
    page.axe.check("stop link")
    assert services.consents_of(user=demo)["sms"] is True
    page.get_by_role("button", name="Hentikan pesan lewat SMS").click()
    expect(
        page.get_by_role("heading", name="Pesan lewat SMS sudah dihentikan")
    ).to_be_visible()
    page.axe.check("stop link, stopped")
    assert services.consents_of(user=demo)["sms"] is False
    page.goto("/pesan/berhenti/rusak/")
    page.axe.check("stop link, bad token")
    expect(page.get_by_role("heading", name="Tautan ini tidak berlaku")).to_be_visible()
