"""docs/decisions/0018-cohort-invitations.md: being in a cohort gives nobody power over
an account that existed before. Each test is an example from the issue, through the
pages a manager would use; walks over every role (invitations, password
links and certificates across cohorts) make the next view or rule that
forgets the invitation status fail here. Staff see a trainee's work and
certificates only within a membership the owner accepted, and an import
neither tells whose accounts it matched nor hands their address to a new
one."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment, LessonCompletion
from courses.services import enrollment_create
from lms.accounts.models import PasswordLink, User
from lms.accounts.roles import TRAINERS
from lms.accounts.selectors import trainees_password_linkable_by
from lms.accounts.services import (
    PasswordLinkInvalid,
    password_link_create,
    password_link_redeem,
)
from lms.certificates.models import Certificate
from lms.certificates.selectors import certificates_in_staff_scope
from lms.certificates.services import certificate_ensure
from lms.cohorts.models import CohortImport, CohortMembership
from lms.cohorts.services import cohort_member_remove
from tests.factories import PASSWORD, UserFactory, program_manager, trainee, trainer
from tests.factories.cohorts import (
    cohort_with,
    import_through_pages,
    provisioned_member,
)
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db

LINKS = "/akun/tautan-sandi/"


def _issued_certificate(user, course, *, completed_at=None) -> Certificate:
    enrollment = Enrollment.objects.get(user=user, course=course)
    completed_at = completed_at or timezone.now() - timedelta(days=10)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=completed_at)
    enrollment.refresh_from_db()
    certificate, _created = certificate_ensure(enrollment=enrollment)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.ISSUED, issued_at=completed_at
    )
    certificate.refresh_from_db()
    return certificate


@pytest.mark.parametrize("where", ["in no cohort", "in another manager's cohort"])
def test_importing_a_number_gives_the_manager_no_link_for_its_account(
    attacker, cohort_y, victim, where
):
    """Steps 1-3 of the takeover: import the victim's number, then ask for a
    one-time password link for them. Now: the preview reads as for anyone,
    the victim is only invited, and no link can be made."""
    if where == "in another manager's cohort":
        other = cohort_with(code="angkatan-x")
        CohortMembership.objects.create(cohort=other, user=victim)
    preview, done = import_through_pages(
        attacker, cohort_y, "Siapa Saja,0813 7777 0001,,Desa\n"
    )
    body = preview.content.decode()
    assert "akun yang sudah ada" not in body
    assert "Korban" not in body
    assert done.status_code == 200
    membership = CohortMembership.objects.get(cohort=cohort_y, user=victim)
    assert membership.status == "invited"
    assert not Enrollment.objects.filter(
        user=victim, course__in=cohort_y.courses.all()
    ).exists()
    page = attacker.get(LINKS).content.decode()
    assert "Korban" not in page
    assert f'value="{victim.pk}"' not in page
    response = attacker.post(LINKS, {"trainee": victim.pk})
    assert response.status_code == 400
    assert not PasswordLink.objects.filter(user=victim).exists()
    # Nor does the dashboard, its trainee page or an export show them.
    dashboard = attacker.get(reverse("cohorts:dashboard", args=[cohort_y.pk]))
    assert "Korban" not in dashboard.content.decode()
    detail = reverse("cohorts:trainee", args=[cohort_y.pk, victim.pk])
    assert attacker.get(detail).status_code == 404


def test_even_after_accepting_an_own_account_gets_no_link(attacker, cohort_y, victim):
    """Accepting makes them a member, not the manager's to reset: links are
    only for accounts the programme made that never had a password."""
    import_through_pages(attacker, cohort_y, "Siapa Saja,0813 7777 0001,,Desa\n")
    owner = Client()
    owner.force_login(victim)
    invitation = CohortMembership.objects.get(cohort=cohort_y, user=victim)
    owner.post(reverse("cohorts:invitation_accept", args=[invitation.pk]))
    assert CohortMembership.objects.get(pk=invitation.pk).status == "active"
    manager = cohort_y.managers.get()
    assert victim not in trainees_password_linkable_by(user=manager)
    assert attacker.post(LINKS, {"trainee": victim.pk}).status_code == 400


def _admin_refused(response) -> bool:
    """The staff scope's one refusal in the admin (lms.common.staff_scope):
    Wagtail's redirect to the dashboard with its "no permission" message."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_a_certificate_earned_before_joining_stays_out_of_reach(
    attacker, cohort_y, victim
):
    """Step 4: add the victim's course to cohort Y, import the victim, then
    download and revoke their certificate. Now neither, not even after the
    victim accepts (the certificate was earned before they joined)."""
    course = course_tree(modules=1, lessons=1)
    enrollment_create(user=victim, course=course)
    certificate = _issued_certificate(victim, course)
    cohort_y.courses.add(course)
    import_through_pages(attacker, cohort_y, "Siapa Saja,0813 7777 0001,,Desa\n")
    manage = reverse("certificates_manage", args=[certificate.pk])
    for _state in ("invited", "accepted"):
        assert _admin_refused(attacker.get(manage))
        response = attacker.post(manage, {"action": "revoke", "reason": "palsu"})
        assert _admin_refused(response)
        pdf = reverse("certificates:pdf", args=[certificate.uuid])
        assert attacker.get(pdf).status_code == 404
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.ISSUED
        invitation = CohortMembership.objects.get(cohort=cohort_y, user=victim)
        owner = Client()
        owner.force_login(victim)
        owner.post(reverse("cohorts:invitation_accept", args=[invitation.pk]))


def test_a_certificate_earned_while_a_member_is_in_reach_after_leaving(cohort_y):
    course = cohort_y.courses.get()
    member = provisioned_member(cohort_y)
    CohortMembership.objects.filter(user=member).update(
        joined_at=timezone.now() - timedelta(days=30)
    )
    certificate = _issued_certificate(member, course)
    manager = cohort_y.managers.get()
    assert certificate in certificates_in_staff_scope(user=manager)
    cohort_member_remove(cohort=cohort_y, user=member)
    assert certificate in certificates_in_staff_scope(user=manager)
    # Earned after leaving: not the cohort's.
    later = course_tree(modules=1, lessons=1)
    cohort_y.courses.add(later)
    enrollment_create(user=member, course=later)
    after = _issued_certificate(member, later, completed_at=timezone.now())
    assert after not in certificates_in_staff_scope(user=manager)


def test_a_link_made_before_the_person_became_staff_no_longer_works(cohort_y):
    member = provisioned_member(cohort_y)
    path = password_link_create(user=member, created_by=cohort_y.managers.get())
    member.groups.add(Group.objects.get(name=TRAINERS))
    token = path.rstrip("/").rsplit("/", 1)[-1]
    with pytest.raises(PasswordLinkInvalid):
        password_link_redeem(token=token, password="gula-aren-manis-7")
    assert Client().get(path).status_code == 410
    member.refresh_from_db()
    assert not member.has_usable_password()


def test_a_link_stops_working_once_the_owner_chose_a_password(cohort_y):
    member = provisioned_member(cohort_y)
    path = password_link_create(user=member, created_by=cohort_y.managers.get())
    member.set_password("pilihan-sendiri-99")
    member.save()
    token = path.rstrip("/").rsplit("/", 1)[-1]
    with pytest.raises(PasswordLinkInvalid):
        password_link_redeem(token=token, password="gula-aren-manis-7")
    member.refresh_from_db()
    assert member.check_password("pilihan-sendiri-99")


def test_a_link_stops_working_when_its_maker_no_longer_runs_the_cohort(cohort_y):
    manager = cohort_y.managers.get()
    member = provisioned_member(cohort_y)
    path = password_link_create(user=member, created_by=manager)
    cohort_y.managers.remove(manager)
    assert Client().get(path).status_code == 410


def test_seeded_trainers_reach_only_the_cohorts_they_teach(cohort_y):
    """The Trainers group used to make links for anyone enrolled in a course
    it may edit (13 of 14 trainees). Now: the members of cohorts one
    teaches; exports likewise (documented in docs/managers.md)."""
    course = cohort_y.courses.get()
    member = provisioned_member(cohort_y)
    outsider = trainee(provisioned=True, password=None)
    enrollment_create(user=outsider, course=course)
    teaching = cohort_y.trainers.get()
    idle = trainer()
    assert list(trainees_password_linkable_by(user=teaching)) == [member]
    assert not trainees_password_linkable_by(user=idle).exists()
    exports = reverse("cohorts:cohort_exports", args=[cohort_y.pk])
    for user, status in ((teaching, 200), (idle, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(exports).status_code == status


def test_only_superusers_change_the_certificate_settings(home, cohort_y):
    from lms.certificates.models import CertificateSettings

    url = reverse("wagtailsettings:edit", args=["certificates", "certificatesettings"])
    manager = Client()
    manager.force_login(cohort_y.managers.get())
    before = CertificateSettings.load().signatory_name
    response = manager.post(url, {"signatory_name": "Penyusup"})
    assert response.status_code in (302, 403)
    assert CertificateSettings.load().signatory_name == before
    admin = Client()
    admin.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert admin.get(url, follow=True).status_code == 200


def test_only_the_invitee_answers_an_invitation(attacker, cohort_y, victim):
    import_through_pages(attacker, cohort_y, "Siapa Saja,0813 7777 0001,,Desa\n")
    invitation = CohortMembership.objects.get(cohort=cohort_y, user=victim)
    accept = reverse("cohorts:invitation_accept", args=[invitation.pk])
    decline = reverse("cohorts:invitation_decline", args=[invitation.pk])
    others = {
        "the manager": cohort_y.managers.get(),
        "the trainer": cohort_y.trainers.get(),
        "another trainee": trainee(),
        "another manager": program_manager(),
    }
    for who, user in others.items():
        client = Client()
        client.force_login(user)
        for url in (accept, decline):
            assert client.post(url).status_code == 404, who
        listing = client.get(reverse("cohorts:invitations")).content.decode()
        assert f"/angkatan/undangan/{invitation.pk}/" not in listing, who
    anonymous = Client().post(accept)
    assert anonymous.status_code == 302
    assert CohortMembership.objects.get(pk=invitation.pk).status == "invited"
    assert Client().get(reverse("cohorts:invitations")).status_code == 302
    owner = Client()
    owner.force_login(victim)
    page = owner.get(reverse("courses:my_learning")).content.decode()
    assert cohort_y.name in page
    listing = owner.get(reverse("cohorts:invitations")).content.decode()
    assert f"/angkatan/undangan/{invitation.pk}/terima/" in listing
    assert owner.get(accept).status_code == 405  # a GET changes nothing
    response = owner.post(accept)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "active"
    assert invitation.joined_at > timezone.now() - timedelta(minutes=1)
    assert set(
        Enrollment.objects.filter(user=victim).values_list("course_id", flat=True)
    ) >= set(cohort_y.courses.values_list("pk", flat=True))


def test_a_declined_invitation_is_not_sent_again(attacker, cohort_y, victim):
    import_through_pages(attacker, cohort_y, "Siapa Saja,0813 7777 0001,,Desa\n")
    invitation = CohortMembership.objects.get(cohort=cohort_y, user=victim)
    owner = Client()
    owner.force_login(victim)
    owner.post(reverse("cohorts:invitation_decline", args=[invitation.pk]))
    import_through_pages(attacker, cohort_y, "Siapa Saja,0813 7777 0001,,Desa\n")
    assert CohortMembership.objects.get(pk=invitation.pk).status == "declined"
    owner.get(reverse("courses:my_learning"))  # shows the message once
    page = owner.get(reverse("courses:my_learning")).content.decode()
    assert cohort_y.name not in page


def test_one_preview_imports_once(attacker, cohort_y):
    upload = SimpleUploadedFile(
        "p.csv", b"nama,hp,email,desa\nSiti,0813 7777 0009,,D\n", "text/csv"
    )
    url = reverse("cohorts:import", args=[cohort_y.pk])
    preview = attacker.post(url, {"file": upload}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', preview)[1]
    assert attacker.post(url, {"token": token}).status_code == 200
    again = attacker.post(url, {"token": token})
    assert again.status_code == 400
    assert User.objects.filter(phone="+6281377770009").count() == 1
    assert CohortImport.objects.get().status == "applied"


def test_uploads_are_bounded_per_person_and_hour(attacker, cohort_y, settings):
    settings.SINAU_IMPORT_FILES_PER_HOUR = 3
    rows = "Siti,0813 7777 0009,,D\n"
    for _ in range(3):
        preview, _done = import_through_pages(attacker, cohort_y, rows)
        assert preview.status_code == 200
    refused, _done = import_through_pages(attacker, cohort_y, rows)
    assert refused.status_code == 400
    assert "3 berkas" in refused.content.decode()
    CohortImport.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert import_through_pages(attacker, cohort_y, rows)[0].status_code == 200


@pytest.mark.parametrize("column", ["nama", "hp", "email", "desa"])
def test_a_nul_in_any_cell_is_a_named_error_at_preview(attacker, cohort_y, column):
    """NUL in the email cell was a 500 at the preview on PostgreSQL; in the
    name or village it passed the preview and was a 500 at confirm."""
    cells = {
        "nama": "Siti",
        "hp": "0813 7777 0009",
        "email": "s@contoh.id",
        "desa": "D",
    }
    cells[column] = cells[column][:2] + "\x00" + cells[column][2:]
    users = User.objects.count()
    preview, done = import_through_pages(
        attacker, cohort_y, ",".join(cells.values()) + "\n"
    )
    assert preview.status_code == 400
    assert "karakter kendali" in preview.content.decode()
    assert done is None
    assert User.objects.count() == users


def test_withdrawn_members_leave_every_figure(cohort_y):
    """Enrolled 2, certificates 3, average 67 % after one of three left;
    now every figure counts the active members only."""
    from assessments.models import Attempt
    from lms.cohorts.selectors import cohort_progress
    from tests.factories.assessments import question, quiz_in

    course = cohort_y.courses.get()
    quiz = quiz_in(course, [question("single")])
    people = [provisioned_member(cohort_y) for _ in range(3)]
    CohortMembership.objects.update(joined_at=timezone.now() - timedelta(days=30))
    for person, score in zip(people, (0, 1, 1), strict=True):
        _issued_certificate(person, course)
        Attempt.objects.create(
            user=person,
            quiz=quiz,
            number=1,
            status=Attempt.Status.GRADED,
            score=score,
            max_score=1,
            passed=bool(score),
            submitted_at=timezone.now(),
            deadline_at=None,
        )
    cohort_member_remove(cohort=cohort_y, user=people[2])
    progress = cohort_progress(cohort=cohort_y)
    assert progress.enrolled == 2
    assert progress.certificates == 2
    assert progress.average_score == 50
    assert sum(bar.value for bar in progress.distribution) == 2


# -- every role over invitations, links and certificates across cohorts -------


class Cohorts:
    """Cohort X (trainee A, provisioned, with a certificate earned while a
    member; its manager and trainer) and cohort Y (its manager imported A:
    an invitation), a trainer who teaches nothing, another trainee and a
    superuser."""

    def __init__(self):
        course = course_tree(modules=1, lessons=1)
        self.x = cohort_with(code="x", courses=[course])
        self.y = cohort_with(code="y", courses=[course])
        self.a = provisioned_member(self.x, phone="+6281377770042")
        CohortMembership.objects.filter(user=self.a).update(
            joined_at=timezone.now() - timedelta(days=30)
        )
        self.certificate = _issued_certificate(self.a, course)
        self.invitation = CohortMembership.objects.create(
            cohort=self.y, user=self.a, status="invited"
        )
        self.roles = {
            "anonymous": None,
            "trainee A": self.a,
            "trainee B": trainee(),
            "trainer of X": self.x.trainers.get(),
            "trainer of nothing": trainer(),
            "manager of X": self.x.managers.get(),
            "manager of Y": self.y.managers.get(),
            "superuser": UserFactory(is_superuser=True, is_staff=True),
        }


# Who may, per action; every other role may not.
MAY = {
    "answer A's invitation to Y": {"trainee A"},
    "make a password link for A": {"trainer of X", "manager of X", "superuser"},
    "see A's certificate as staff": {"manager of X", "superuser"},
    "download A's certificate": {"trainee A", "manager of X", "superuser"},
    "see A on a cohort's trainee page": {"trainer of X", "manager of X", "superuser"},
}


def _may(world: Cohorts, role: str, user, action: str) -> bool:
    client = Client()
    if user is not None:
        client.force_login(user)
    if action == "answer A's invitation to Y":
        url = reverse("cohorts:invitation_decline", args=[world.invitation.pk])
        allowed = client.post(url).status_code == 302 and role != "anonymous"
        if allowed:  # put it back for the next role
            CohortMembership.objects.filter(pk=world.invitation.pk).update(
                status="invited"
            )
        return allowed
    if action == "make a password link for A":
        if user is None:
            return False
        return trainees_password_linkable_by(user=user).filter(pk=world.a.pk).exists()
    if action == "see A's certificate as staff":
        manage = reverse("certificates_manage", args=[world.certificate.pk])
        return client.get(manage).status_code == 200
    if action == "download A's certificate":
        url = reverse("certificates:credential", args=[world.certificate.uuid])
        return client.get(url).status_code not in (302, 403, 404)
    if action == "see A on a cohort's trainee page":
        return any(
            client.get(reverse("cohorts:trainee", args=[c.pk, world.a.pk])).status_code
            == 200
            for c in (world.x, world.y)
        )
    raise AssertionError(action)


@pytest.mark.parametrize("action", list(MAY))
def test_every_role_over_invitations_links_and_certificates(home, action):
    world = Cohorts()
    world.certificate.credential.save("walk.json", ContentFile(b"{}"))
    found = {
        role for role, user in world.roles.items() if _may(world, role, user, action)
    }
    assert found == MAY[action]


def test_an_import_does_not_give_a_trainees_second_address_to_a_new_account(
    attacker, cohort_y, victim
):
    own = Client()
    own.force_login(victim)
    response = own.post(
        reverse("account_email"), {"email": "korban.kerja@contoh.id", "action_add": ""}
    )
    assert response.status_code == 302
    # No second address: it does not log the victim in.
    probe = Client()
    probe.post(
        reverse("account_login"),
        {"login": "korban.kerja@contoh.id", "password": PASSWORD},
        REMOTE_ADDR="10.3.3.3",
    )
    assert probe.session.get("_auth_user_id") is None

    _preview, done = import_through_pages(
        attacker, cohort_y, "Budi,,korban.kerja@contoh.id,Desa\n"
    )
    assert done is not None
    mail.outbox.clear()
    Client().post(
        reverse("account_reset_password"), {"email": "korban.kerja@contoh.id"}
    )
    # One address, one account: the import's new account is the only one
    # that address reaches, and the victim's account is untouched.
    assert User.objects.filter(email__iexact="korban.kerja@contoh.id").count() == 1
    assert not User.objects.filter(
        pk=victim.pk, email__iexact="korban.kerja@contoh.id"
    ).exists()
    assert len(mail.outbox) <= 1


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
    assert _admin_refused(attacker.get(manage))  # holds before the edit
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
