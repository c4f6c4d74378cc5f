"""A trainee's name correction cannot be turned against the worker or the
certificate: each change renders every issued certificate again (PDF and a
newly signed credential), so changes are counted per person per day; the
name is printed as text (no markup reaches the PDF or the credential);
revoked certificates are never reissued. The name form refuses bad names and
passwords without a 500 or a change, and is for signed-in people only."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from lms.certificates.models import Certificate, CertificateEvent
from lms.certificates.pdf import font_runs
from lms.certificates.services import certificate_ensure, certificate_revoke
from tests.factories import PASSWORD, trainee
from tests.factories.courses import course_tree
from tests.support.visitors import visitor_clients as _clients
from tests.support.visitors import visitors_world

pytestmark = pytest.mark.django_db

Action = CertificateEvent.Action


def _issued(user) -> Certificate:
    course = course_tree(modules=1, lessons=1)
    enrollment = Enrollment.objects.create(
        user=user,
        course=course,
        status=Enrollment.Status.COMPLETED,
        completed_at=timezone.now(),
    )
    certificate, _created = certificate_ensure(enrollment=enrollment)
    certificate.status = Certificate.Status.ISSUED
    certificate.issued_at = timezone.now()
    certificate.save()
    return certificate


def _correct(client, name: str):
    return client.post(
        reverse("certificates:name"), {"name": name, "password": PASSWORD}
    )


def test_name_changes_are_limited_per_day(client, settings):
    """Before: 40 alternating names queued 40 renders of every issued
    certificate (PDF, signature, storage), with no limit but the password."""
    settings.SINAU_NAME_CORRECTIONS_PER_DAY = 5
    user = trainee(display_name="Sri Rahayu")
    certificate = _issued(user)
    client.force_login(user)
    responses = [_correct(client, f"Sri Rahayu {'AB'[i % 2]}") for i in range(40)]
    reissues = CertificateEvent.objects.filter(
        certificate=certificate, action=Action.REISSUE
    ).count()
    assert reissues == 5
    assert [r.status_code for r in responses[:5]] == [302] * 5
    refused = responses[5]
    assert refused.status_code == 200
    assert "5 kali" in refused.content.decode()
    certificate.refresh_from_db()
    assert certificate.recipient_name == "Sri Rahayu A"  # the 5th change


def test_saving_the_same_name_again_is_not_counted(client, settings):
    settings.SINAU_NAME_CORRECTIONS_PER_DAY = 1
    user = trainee(display_name="Sri Rahayu")
    _issued(user)
    client.force_login(user)
    assert _correct(client, "Sri Rahayu").status_code == 302
    assert _correct(client, "Sri  Rahayu").status_code == 302
    assert _correct(client, "Siti Rahayu").status_code == 302
    assert _correct(client, "Siti Rahayu").status_code == 302


def test_another_trainee_is_not_limited_by_someone_elses_changes(client, settings):
    settings.SINAU_NAME_CORRECTIONS_PER_DAY = 1
    first, second = trainee(), trainee()
    for user in (first, second):
        _issued(user)
        client.force_login(user)
        assert _correct(client, f"Nama Baru {user.pk}").status_code == 302


@pytest.mark.parametrize(
    "name",
    [
        '<font size="200">Sri</font><img src="x">',
        "Sri &amp; <b>Rahayu</b> ]]> {{ user.password }}",
        "Sri\u202eayahaR\u200b",
    ],
)
def test_a_name_is_printed_as_text(client, name):
    user = trainee(display_name="Sri Rahayu")
    certificate = _issued(user)
    client.force_login(user)
    assert _correct(client, name).status_code == 302
    certificate.refresh_from_db()
    assert "\u202e" not in certificate.recipient_name
    assert "\u200b" not in certificate.recipient_name
    markup = font_runs(certificate.recipient_name, "Helvetica")
    assert "<b>" not in markup
    assert "<img" not in markup


def test_a_revoked_certificate_is_never_reissued_by_a_name_change(client):
    user = trainee(display_name="Sri Rahayu")
    certificate = _issued(user)
    certificate_revoke(certificate=certificate, actor=None, reason="Curang")
    client.force_login(user)
    _correct(client, "Sri Rahayu Baru")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.recipient_name != "Sri Rahayu Baru"
    assert not CertificateEvent.objects.filter(
        certificate=certificate, action=Action.REISSUE
    ).exists()


def test_the_account_page_counts_against_the_same_daily_allowance(client, settings):
    """The kind: every page that changes the printed name (the name form and
    the account page) draws on one allowance, so the account page is no way
    around it."""
    settings.SINAU_NAME_CORRECTIONS_PER_DAY = 2
    user = trainee(display_name="Sri Rahayu", email="sri@contoh.id")
    certificate = _issued(user)
    client.force_login(user)
    assert _correct(client, "Sri Rahayu A").status_code == 302

    def profile(name):
        return client.post(
            reverse("account_profile"),
            {
                "display_name": name,
                "phone": user.phone,
                "email": user.email,
                "password": PASSWORD,
            },
        )

    assert profile("Sri Rahayu B").status_code == 302
    refused = profile("Sri Rahayu C")
    assert refused.status_code == 200
    assert "2 kali" in refused.content.decode()
    user.refresh_from_db()
    certificate.refresh_from_db()
    assert user.display_name == "Sri Rahayu B"
    assert certificate.recipient_name == "Sri Rahayu B"
    assert profile("Sri Rahayu B").status_code == 302  # same name: free


@pytest.fixture
def world(home, a_trainer, a_manager):
    """One visitor of each kind (tests/support/visitors.py)."""
    return visitors_world(trainer=a_trainer, manager=a_manager)


@pytest.mark.parametrize(
    "name", ["\x00", "Budi\x00Santoso", "B" * 10_000, "   ", "\u200b\u200b", ""]
)
def test_bad_names_are_refused_and_change_nothing(world, name):
    learner = world["learner"]
    before = learner.display_name
    client = _clients(world)["learner"]
    response = client.post(
        reverse("certificates:name"), {"name": name, "password": PASSWORD}
    )
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.display_name == before


def test_a_nul_in_the_password_is_refused_not_a_500(world):
    client = _clients(world)["learner"]
    response = client.post(
        reverse("certificates:name"), {"name": "Budi Baru", "password": "\x00"}
    )
    assert response.status_code == 200
    world["learner"].refresh_from_db()
    assert world["learner"].display_name != "Budi Baru"


def test_the_name_form_is_for_signed_in_people_only(world):
    response = Client().post(
        reverse("certificates:name"), {"name": "Siapa", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_daily_name_limit_holds_and_a_refusal_saves_nothing(world, settings):
    settings.SINAU_NAME_CORRECTIONS_PER_DAY = 2
    learner = world["learner"]
    client = _clients(world)["learner"]
    url = reverse("certificates:name")
    for name in ("Nama Satu", "Nama Dua"):
        assert client.post(url, {"name": name, "password": PASSWORD}).status_code == 302
    # Bad input after the allowance is used up: refused, not a 500.
    for name in ("\x00", "B" * 10_000, "Nama Tiga", " Nama\u202eTiga "):
        response = client.post(url, {"name": name, "password": PASSWORD})
        assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.display_name == "Nama Dua"
    # Saving the same name again (even with odd spacing) is still free.
    response = client.post(url, {"name": "  Nama\u200b  Dua ", "password": PASSWORD})
    assert response.status_code == 302


def test_a_wrong_password_does_not_use_the_allowance(world, settings):
    settings.SINAU_NAME_CORRECTIONS_PER_DAY = 1
    client = _clients(world)["learner"]
    url = reverse("certificates:name")
    for _ in range(3):
        client.post(url, {"name": "Nama Lain", "password": "salah\x00"})
        client.post(url, {"name": "Nama Lain", "password": "salah"})
    assert (
        client.post(url, {"name": "Nama Baru", "password": PASSWORD}).status_code == 302
    )
