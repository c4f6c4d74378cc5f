"""Offline conflicts (issue 22) in a real browser, 360 px, axe on every page.
Each was found by the break pass (it failed then)."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Attempt, SyncItem
from tests.e2e.conftest import Axe, log_in
from tests.e2e.test_offline import (  # noqa: F401  (offline_course: a fixture)
    PHONE_A,
    _save_module,
    offline_course,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def test_two_online_tabs_of_one_package_keep_both_submissions(page, offline_course):  # noqa: F811
    """Online, JavaScript on: the package page open in two tabs. Tab 1
    submits (answers A), then tab 2 submits different answers (B). The
    issue: "the same attempt also submitted elsewhere (another tab ...):
    the first submission counts; the other is kept as not counted and
    shown". offline.js gives both tabs the draft's one `client_id`, so the
    server takes tab 2's post as a replay of tab 1's: tab 2 is told its
    answers count, and answers B are stored nowhere."""
    a, _b, course, quiz = offline_course
    log_in(page, PHONE_A, PASSWORD)
    _save_module(page, course, label="two tabs")
    attempt = Attempt.objects.get(user=a, quiz=quiz)
    url = f"/kuis/percobaan/{attempt.pk}/luring/"
    second = page.context.new_page()
    second.axe = Axe(second)
    page.goto(url)
    page.axe.check("package, tab 1")
    second.goto(url)
    second.axe.check("package, tab 2")
    page.get_by_label("Satu (benar)").first.check()
    page.get_by_label("Benar", exact=True).check()
    page.get_by_label("Satu (benar)").last.check()
    second.get_by_label("Dua").first.check()
    second.get_by_label("Salah", exact=True).check()
    second.get_by_label("Dua").last.check()
    page.get_by_role("button", name="Kumpulkan jawaban saya").click()
    page.wait_for_url(re.compile(r"/hasil/"))
    page.axe.check("result, tab 1")
    second.get_by_role("button", name="Kumpulkan jawaban saya").click()
    second.wait_for_url(re.compile(r"/hasil/"))
    second.axe.check("result, tab 2")
    rows = SyncItem.objects.filter(user=a, attempt=attempt)
    assert rows.count() == 2, (
        f"{rows.count()} sync item(s): tab 2's answers were taken as a replay "
        "of tab 1's and kept nowhere"
    )
    second.close()


def test_removing_a_saved_module_does_not_leave_a_quiz_waiting_forever(
    page,
    offline_course,  # noqa: F811
):
    """Save a module (its quiz becomes a `downloaded` attempt), then
    "Hapus" it on /luring/. The phone no longer holds the package, yet the
    same page still says the quiz "has not been sent back yet ... it is
    sent by itself" when the phone is online, and staff keep counting it as
    unsynced (after three days an at-risk reason): "Hapus" tells the server
    nothing, and nothing will ever be sent."""
    from assessments.offline.selectors import unsynced_of

    a, _b, course, _quiz = offline_course
    log_in(page, PHONE_A, PASSWORD)
    _save_module(page, course, label="then removed")
    page.goto("/luring/")
    page.axe.check("saved list")
    page.get_by_role("button", name=re.compile("^Hapus")).click()
    expect(page.get_by_text("Belum ada yang tersimpan di HP ini.")).to_be_visible()
    page.reload()
    page.axe.check("saved list after removing")
    expect(page.get_by_text("Belum ada yang tersimpan di HP ini.")).to_be_visible()
    promise = page.get_by_text(re.compile("terkirim sendiri|dikirim sendiri"))
    assert promise.count() == 0, (
        f"after Hapus the page still promises: {promise.all_inner_texts()}; "
        f"staff see unsynced: {unsynced_of(user_ids=[a.pk])}"
    )
