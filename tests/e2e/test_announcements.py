"""A program manager writes an announcement to a cohort, sees how many
messages go by which channel and the estimated cost, sends it (a real
worker fans it out through the notification service), and sees the
delivery statuses on the announcements and reminders pages; the by-hand
message is marked sent. 360 px wide, axe-checked on every page.

Then the phone-only member signs in on the same 360 px phone, sees the
unread count in the header and reads the announcement at /pesan/."""

import re

import pytest
from playwright.sync_api import expect

from lms.cohorts.models import Announcement
from lms.notifications.channels import senders_reset
from lms.notifications.models import Delivery, Notification
from tests.cohorts.test_exports import _worker_env
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, program_manager
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.courses import course_tree

TEXT = "Pertemuan Sabtu jam 9 di balai desa Batu Ampar. Bawa HP yang sudah diisi daya."


@pytest.mark.worker
def test_manager_announces_sees_the_cost_and_the_delivery_statuses(page, settings):
    from tests.support.worker import celery_worker

    settings.SINAU_QUIET_HOURS = (0, 0)
    senders_reset()
    manager = program_manager(phone="+6281234567804")
    cohort = cohort_with(
        courses=[course_tree(title="Cakap Digital", modules=1, lessons=1)],
        manager=manager,
        name="Angkatan Batu Ampar",
    )
    phone_only, with_email = trainees_bulk(cohort, 2, prefix="umum")
    type(phone_only).objects.filter(pk=phone_only.pk).update(email=None)
    log_in(page, "081234567804", PASSWORD)

    page.goto(f"/angkatan/{cohort.pk}/pengumuman/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pengumuman")
    page.axe.check("announcement form")
    page.get_by_role("button", name="Periksa biayanya").click()
    expect(page.get_by_role("alert")).to_contain_text("harus diisi")
    page.axe.check("announcement refused")
    page.get_by_label("Pesan").fill(TEXT)
    page.get_by_role("button", name="Periksa biayanya").click()
    expect(page.get_by_role("heading", name="Periksa sebelum mengirim")).to_be_visible()
    costs = page.locator("table.matrix")
    expect(
        costs.get_by_role("row", name=re.compile("Dikirim manual 1 Rp0"))
    ).to_be_visible()
    expect(costs.get_by_role("row", name=re.compile("Email 1 Rp0"))).to_be_visible()
    expect(page.locator("#estimated-cost")).to_have_text("Rp0")
    page.axe.check("announcement confirm")
    assert not Announcement.objects.exists()

    with celery_worker({**_worker_env(), "SINAU_QUIET_HOURS": "0,0"}):
        page.get_by_role("button", name="Kirim pengumuman").click()
        expect(page.get_by_text("Pengumuman masuk antrean")).to_be_visible()
        counts = page.locator(".delivery-counts")
        # The page refreshes itself until every message has left.
        expect(counts).to_contain_text("Terkirim: 1", timeout=60_000)
        expect(counts).to_contain_text("Menunggu dikirim manual: 1")
    page.axe.check("announcement sent")

    announcement = Announcement.objects.get()
    rows = Notification.objects.filter(key=f"announcement:{announcement.pk}")
    assert {(n.user_id, n.kind, n.status) for n in rows} == {
        (phone_only.pk, "announcement", "by_hand"),
        (with_email.pk, "announcement", "sent"),
    }
    assert all(n.body == TEXT and n.read_at is None for n in rows)  # unread in Sinau

    page.get_by_role("link", name="Pengingat", exact=True).click()
    history = page.locator("#history-caption").locator("xpath=..")
    expect(
        history.get_by_role("row", name=re.compile(phone_only.display_name))
    ).to_contain_text("Menunggu dikirim manual")
    expect(
        history.get_by_role("row", name=re.compile(with_email.display_name))
    ).to_contain_text("Email: Terkirim")
    hand = page.locator(".hand-list")
    expect(
        hand.get_by_role("link", name=re.compile("Buka di WhatsApp"))
    ).to_have_attribute(
        "href", re.compile(r"^https://wa\.me/" + phone_only.phone.lstrip("+"))
    )
    page.axe.check("reminders page")
    hand.get_by_role("button", name=re.compile("Tandai terkirim")).click()
    expect(page.get_by_text("Ditandai terkirim.")).to_be_visible()
    expect(page.get_by_text("Tidak ada yang menunggu dikirim manual.")).to_be_visible()
    page.axe.check("reminders page after marking")
    delivery = Delivery.objects.get(notification__user=phone_only)
    assert (delivery.status, delivery.marked_by_id) == ("sent", manager.pk)

    # The phone-only member reads it in Sinau.
    phone_only.set_password(PASSWORD)
    phone_only.save(update_fields=["password"])
    page.context.clear_cookies()
    log_in(page, "0" + phone_only.phone.removeprefix("+62"), PASSWORD)
    page.get_by_role("link", name="Pesan (1 belum dibaca)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pesan")
    expect(page.get_by_text(TEXT)).to_be_visible()
    page.axe.check("the trainee reads the announcement")
    assert Notification.objects.get(user=phone_only).read_at is not None
