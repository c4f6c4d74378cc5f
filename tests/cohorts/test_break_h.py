"""Breaks a fresh attacker found while verifying issue 17: each test is an
attack that must fail (and failed before the fixes that followed)."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment, LessonCompletion
from courses.services import enrollment_create
from lms.certificates.models import Certificate
from lms.certificates.selectors import certificates_in_staff_scope
from lms.certificates.services import certificate_ensure
from lms.cohorts.models import CohortMembership
from lms.cohorts.services import cohort_member_remove
from tests.factories import trainee
from tests.factories.cohorts import (
    import_through_pages,
    provisioned_member,
)
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def _status(response) -> str:
    """The done page's summary sentence (role="status")."""
    return re.search(r'<p role="status">(.*?)</p>', response.content.decode(), re.S)[1]


def test_the_import_done_page_does_not_tell_staff_from_trainees(
    attacker, cohort_y, victim
):
    """After the confirm, the done page says how many rows were new people
    (they get set-password links) and how many were invitations: that a
    number has an account is public anyway (sign-up says so, by design:
    ACCOUNT_PREVENT_ENUMERATION is off). What it must not tell is whose: a
    staff account reads exactly as a trainee's."""
    from django.contrib.auth.models import Group

    from lms.accounts.roles import TRAINERS

    staff = trainee(phone="+6281377770002", display_name="Pelatih Rahasia")
    staff.groups.add(Group.objects.get(name=TRAINERS))
    _preview, as_trainee = import_through_pages(
        attacker, cohort_y, "Siapa,0813 7777 0001,,D\n"
    )
    _preview, as_staff = import_through_pages(
        attacker, cohort_y, "Siapa,0813 7777 0002,,D\n"
    )
    assert as_trainee.status_code == as_staff.status_code == 200
    assert _status(as_trainee) == _status(as_staff)
    assert "Pelatih Rahasia" not in as_staff.content.decode()


def _issued(user, course, *, completed_at) -> Certificate:
    enrollment = Enrollment.objects.get(user=user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=completed_at)
    enrollment.refresh_from_db()
    certificate, _created = certificate_ensure(enrollment=enrollment)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.ISSUED, issued_at=completed_at
    )
    certificate.refresh_from_db()
    return certificate


def test_a_course_added_later_puts_an_unrelated_certificate_in_reach(
    attacker, cohort_y, victim
):
    """The victim accepted the manager's invitation to cohort Y (one
    course). While a member, they finished an open course C that cohort Y
    never had. The manager then adds C to cohort Y in the admin and may
    download and revoke that certificate: `memberships_covering` asks
    whether the cohort has the course *now*, not whether it had it when
    the certificate was earned."""
    import_through_pages(attacker, cohort_y, "Siapa,0813 7777 0001,,D\n")
    invitation = CohortMembership.objects.get(cohort=cohort_y, user=victim)
    owner = Client()
    owner.force_login(victim)
    owner.post(reverse("cohorts:invitation_accept", args=[invitation.pk]))
    CohortMembership.objects.filter(pk=invitation.pk).update(
        joined_at=timezone.now() - timedelta(days=30)
    )
    other = course_tree(modules=1, lessons=1)  # not cohort Y's
    enrollment_create(user=victim, course=other)
    certificate = _issued(
        victim, other, completed_at=timezone.now() - timedelta(days=5)
    )
    manage = reverse("certificates_manage", args=[certificate.pk])
    assert attacker.get(manage).status_code == 404  # holds before the edit
    cohort_y.courses.add(other)  # the admin's cohort form does this
    # The PDF download (/sertifikat/<uuid>/unduh.pdf) uses the same scope.
    assert certificate not in certificates_in_staff_scope(user=cohort_y.managers.get())
    attacker.post(manage, {"action": "revoke", "reason": "palsu"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED


def test_a_former_member_s_later_work_shows_on_the_trainee_page(cohort_y):
    """A trainee leaves cohort Y, then studies another course on their own.
    The manager adds that course to cohort Y and reads, on the withdrawn
    trainee's page, every lesson they did after leaving (essays and quiz
    attempts likewise: `cohort_trainee_detail` filters by course only, not
    by the membership's joined_at..left_at, unlike certificates)."""
    manager = Client()
    manager.force_login(cohort_y.managers.get())
    member = provisioned_member(cohort_y)
    cohort_member_remove(cohort=cohort_y, user=member)
    later = course_tree(modules=1, lessons=1, title="Kursus Pribadi")
    enrollment_create(user=member, course=later)
    lesson = lessons_of(later)[0]
    LessonCompletion.objects.create(user=member, lesson=lesson)
    cohort_y.courses.add(later)
    page = manager.get(reverse("cohorts:trainee", args=[cohort_y.pk, member.pk]))
    assert page.status_code == 200
    assert lesson.title not in page.content.decode()


def test_work_before_joining_shows_only_after_the_owner_accepts(
    attacker, cohort_y, victim
):
    """Earlier work in the cohort's courses is the owner's to share: it
    shows on the trainee page only once they accept an invitation that says
    staff will see their progress there; before, the page is a 404."""
    course = cohort_y.courses.get()
    enrollment_create(user=victim, course=course)
    lesson = lessons_of(course)[0]
    done = LessonCompletion.objects.create(user=victim, lesson=lesson)
    LessonCompletion.objects.filter(pk=done.pk).update(
        completed_at=timezone.now() - timedelta(days=200)
    )
    import_through_pages(attacker, cohort_y, "Siapa,0813 7777 0001,,D\n")
    page = reverse("cohorts:trainee", args=[cohort_y.pk, victim.pk])
    assert attacker.get(page).status_code == 404
    invitation = CohortMembership.objects.get(cohort=cohort_y, user=victim)
    owner = Client()
    owner.force_login(victim)
    text = owner.get(reverse("courses:my_learning")).content.decode()
    assert "dapat melihat kemajuan Anda" in text
    owner.post(reverse("cohorts:invitation_accept", args=[invitation.pk]))
    assert lesson.title in attacker.get(page).content.decode()


def test_a_5_kb_xlsx_keeps_a_web_worker_busy_for_minutes(attacker, cohort_y):
    """Import bounds: 5 MB and 5,000 trainee rows, 10 files an hour. A
    5 KB workbook with one real row and one blank cell at XFD1048576 (its
    dimension says A1:XFD1048576) makes openpyxl's read-only reader yield
    1,048,576 rows of 16,384 empty cells each, and `table_read` walks every
    one (blank rows do not count towards MAX_IMPORT_ROWS). Measured: 20,000
    rows x 2,000 columns take 1.5 s, so the whole sheet is about ten
    minutes of CPU per upload. The hourly bound is checked only after the
    file is read, and a file refused before that is not counted at all.
    Here a 5 s alarm stops the read."""
    import io
    import signal
    import time

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nama", "hp", "email", "desa"])
    sheet.append(["Siti", "081377770009", "", "Desa"])
    sheet["XFD1048576"] = " "  # a blank cell: the row is skipped
    stream = io.BytesIO()
    workbook.save(stream)
    assert len(stream.getvalue()) < 10_000
    upload = SimpleUploadedFile("peserta.xlsx", stream.getvalue())
    fired = []

    def stop(*_args):
        fired.append(True)
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(5)
    start = time.monotonic()
    try:
        attacker.post(reverse("cohorts:import", args=[cohort_y.pk]), {"file": upload})
    except TimeoutError:
        pass
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not fired, f"still reading after {time.monotonic() - start:.0f} s"


def test_a_manager_confirms_an_imported_address_through_a_second_one(
    attacker, cohort_y
):
    """Mail only to confirmed addresses: a password reset confirms
    `user.email`, whichever address the reset mail went to. The manager
    imports a stranger's address (email only), opens the account with its
    set-password link, adds an address of their own on /akun/email/, asks
    for a reset there, follows it: the stranger's address counts as
    confirmed, and reminders and "your certificate is ready" go to it."""
    from django.core import mail

    from lms.accounts.models import User
    from lms.accounts.selectors import user_email_mailable

    _preview, done = import_through_pages(
        attacker, cohort_y, "Siti,,orang.asing@contoh.id,D\n"
    )
    link = re.search(r'readonly value="([^"]+)"', done.content.decode())[1]
    path = link.split("://", 1)[-1].split("/", 1)[-1]
    person = User.objects.get(email="orang.asing@contoh.id")
    assert user_email_mailable(user=person) is None  # holds so far
    thief = Client()
    form = {"new_password1": "gula-aren-manis-7", "new_password2": "gula-aren-manis-7"}
    assert thief.post("/" + path, form).status_code == 302
    # /akun/login/ refuses every account without a phone (see
    # tests/accounts/test_break_h_email_only.py); Wagtail's log-in takes it.
    thief.post(
        reverse("wagtailcore_login"),
        {"username": "orang.asing@contoh.id", "password": "gula-aren-manis-7"},
    )
    assert thief.session.get("_auth_user_id") == str(person.pk)
    thief.post(
        reverse("account_email"), {"email": "manajer@milik-saya.id", "action_add": ""}
    )
    # No second address can be added any more (one per account), so a
    # reset through one the thief owns reaches no key for this account ...
    mail.outbox.clear()
    thief.post(reverse("account_reset_password"), {"email": "manajer@milik-saya.id"})
    assert not any("/akun/password/reset/key/" in m.body for m in mail.outbox)
    person.refresh_from_db()
    assert person.email == "orang.asing@contoh.id"
    # ... and the stranger's address still counts as unconfirmed.
    assert user_email_mailable(user=person) is None
