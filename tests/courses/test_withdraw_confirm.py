"""Stopping a course is its own words ("Berhenti dari kursus", never the
log-out "Keluar") and takes a confirmation that works without JavaScript,
saying what is kept."""

import re

import pytest
from django.urls import reverse

from courses.models import Enrollment
from courses.services import enrollment_create
from tests.factories import trainee
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(db):
    return course_tree(modules=1, lessons=1)


@pytest.fixture
def enrolled(client, course):
    user = trainee()
    enrollment_create(user=user, course=course)
    client.force_login(user)
    return user


def _forms_posting_to(body: str, url: str) -> int:
    return len(re.findall(rf'<form[^>]+action="{re.escape(url)}"', body))


def test_the_course_page_offers_stopping_without_a_one_tap_form(
    client, course, enrolled
):
    body = client.get(course.url).content.decode()
    assert _forms_posting_to(body, reverse("courses:withdraw", args=[course.pk])) == 0
    confirm = reverse("courses:withdraw_confirm", args=[course.pk])
    assert f'href="{confirm}">Berhenti dari kursus' in body
    assert "Keluar dari kursus" not in body


def test_the_confirmation_says_what_is_kept_and_posts_the_withdrawal(
    client, course, enrolled
):
    confirm = reverse("courses:withdraw_confirm", args=[course.pk])
    response = client.get(confirm)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Berhenti dari kursus ini?" in body
    assert "pelajaran yang selesai dan hasil kuis" in body
    assert "Sertifikat yang sudah Anda peroleh" in body
    assert _forms_posting_to(body, reverse("courses:withdraw", args=[course.pk])) == 1
    # Looking at the confirmation changes nothing.
    assert Enrollment.objects.get(user=enrolled).status == "active"
    client.post(reverse("courses:withdraw", args=[course.pk]))
    assert Enrollment.objects.get(user=enrolled).status == "withdrawn"


def test_someone_not_enrolled_has_nothing_to_confirm(client, course):
    client.force_login(trainee())
    confirm = reverse("courses:withdraw_confirm", args=[course.pk])
    response = client.get(confirm)
    assert response.status_code == 302
    assert response.url == course.url + "#mulai"


def test_no_trainee_page_uses_the_log_out_word_for_stopping_a_course():
    """Every translation that speaks of leaving a course avoids "Keluar",
    which is the log-out button's word."""
    import polib
    from django.conf import settings

    po = polib.pofile(str(settings.BASE_DIR / "locale/id/LC_MESSAGES/django.po"))
    clashes = [
        e.msgid
        for e in po
        if "course" in e.msgid.lower()
        and re.search(r"\b(leave|left|withdraw|stop)", e.msgid, re.I)
        and "keluar" in e.msgstr.lower()
        and not e.obsolete
    ]
    assert clashes == []


def test_a_stopped_course_is_labelled_with_the_stop_word(client, course, enrolled):
    """The catalogue's tag on a course the trainee stopped said "Sudah
    keluar", the log-out word again; it says "Sudah berhenti", as the
    button that stopped it did."""
    from courses.services import enrollment_withdraw
    from tests.factories.courses import catalogue

    enrollment_withdraw(user=enrolled, course=course)
    body = client.get(catalogue().url).content.decode()
    tags = [
        " ".join(t.split())
        for t in re.findall(r'<p class="tag[^"]*">(.*?)</p>', body, re.S)
    ]
    assert "Sudah berhenti" in tags, tags
    assert not [t for t in tags if "keluar" in t.lower()]


@pytest.mark.parametrize("msgid", ["Left", "Withdrawn"])
def test_status_words_for_stopping_avoid_the_log_out_word(msgid):
    """Statuses of a stopped course or cohort place ("Left", "Withdrawn")
    carry no "course" in their msgid, so the walk above misses them."""
    import polib
    from django.conf import settings

    po = polib.pofile(str(settings.BASE_DIR / "locale/id/LC_MESSAGES/django.po"))
    assert "keluar" not in po.find(msgid).msgstr.lower()
