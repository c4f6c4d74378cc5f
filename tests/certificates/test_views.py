"""Public verify pages, downloads (owner and staff only), Sertifikatku on
Belajarku, the printed-name form and the admin's certificate pages."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.urls import reverse

from courses.models import Enrollment
from lms.certificates.models import Certificate, CertificateSettings
from lms.certificates.services import certificate_issue, certificate_revoke
from lms.cohorts.models import CohortMembership
from tests.factories import PASSWORD, program_manager, trainee, trainer
from tests.factories.cohorts import cohort_with
from tests.support.callbacks import tasks_queued

from .conftest import completed_enrollment

pytestmark = pytest.mark.django_db

Status = Certificate.Status


@pytest.fixture
def issued(media, home):
    config = CertificateSettings.load()
    config.programme_name = "Kampung Marketer Purbalingga"
    config.signatory_name = "Nur Hasanah"
    config.save()
    user = trainee(display_name="Dewi O'Connor", email="dewi@contoh.id")
    return certificate_issue(enrollment_id=completed_enrollment(user=user).pk)


@pytest.fixture
def its_manager(issued):
    """The program manager of a cohort the certificate's trainee is in, over
    the certificate's course."""
    manager = program_manager()
    cohort = cohort_with(code="sertifikat", courses=[issued.course], manager=manager)
    CohortMembership.objects.create(
        cohort=cohort,
        user=issued.user,
        joined_at=issued.completed_at - timedelta(days=30),
    )
    # Enrolled through the cohort (a course taken on one's own is not its).
    Enrollment.objects.filter(pk=issued.enrollment_id).update(source="cohort")
    return manager


@pytest.fixture
def other_manager(issued):
    """The program manager of another cohort over the same course."""
    manager = program_manager()
    cohort = cohort_with(code="lain", courses=[issued.course], manager=manager)
    CohortMembership.objects.create(cohort=cohort, user=trainee())
    return manager


def test_verify_page_shows_valid_name_course_date_and_issuer_only(client, issued):
    response = client.get(reverse("certificates:verify", args=[issued.uuid]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "SAH" in html
    assert "DICABUT" not in html
    assert "Dewi O&#x27;Connor" in html
    assert issued.course.title in html
    assert "Kampung Marketer Purbalingga" in html
    assert issued.code in html
    assert "dewi@contoh.id" not in html
    assert issued.user.phone not in html
    assert 'name="robots" content="noindex"' in html


def test_verify_page_says_revoked_without_the_reason(client, issued):
    certificate_revoke(certificate=issued, actor=None, reason="Nilai dipalsukan")
    response = client.get(reverse("certificates:verify", args=[issued.uuid]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "DICABUT" in html
    assert "Nilai dipalsukan" not in html


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_verify_page_needs_only_the_database(
    client, issued, django_assert_max_num_queries
):
    # 7: one of them asks for the course's tasks and quizzes (the evidence).
    with django_assert_max_num_queries(7):
        response = client.get(reverse("certificates:verify", args=[issued.uuid]))
    assert response.status_code == 200


def test_verify_page_for_an_unissued_or_unknown_certificate_is_404(client, media):
    from lms.certificates.services import certificate_ensure

    pending, _created = certificate_ensure(enrollment=completed_enrollment())
    for uuid in (pending.uuid, "3f1f3a52-6f0a-4f7e-9a51-2d5b1d7c0e11"):
        response = client.get(reverse("certificates:verify", args=[uuid]))
        assert response.status_code == 404
        assert "Tidak ada sertifikat di alamat ini." in response.content.decode()


def test_code_form_redirects_a_typed_code_to_its_page(client, issued):
    typed = issued.code.replace("-", " ").lower()
    response = client.get(reverse("certificates:verify_code"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[issued.uuid])


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XYZ", "Itu bukan kode sertifikat."),
        ("ACDE-FGHJ-KMNP", "Tidak ada sertifikat dengan kode ini."),
    ],
)
def test_code_form_explains_a_bad_code(client, media, code, message):
    response = client.get(reverse("certificates:verify_code"), {"code": code})
    assert response.status_code == 404
    assert message in response.content.decode()


def test_code_form_page_renders_empty(client):
    response = client.get(reverse("certificates:verify_code"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


@override_settings(SINAU_VERIFY_RATE_PER_MINUTE=3)
def test_verify_pages_are_throttled_per_client(client, issued):
    url = reverse("certificates:verify", args=[issued.uuid])
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = client.get(url, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    code_form = client.get(reverse("certificates:verify_code"), {"code": issued.code})
    assert code_form.status_code == 429


@pytest.mark.parametrize("what", ["pdf", "credential"])
def test_owner_and_staff_download_others_do_not(
    client, issued, its_manager, other_manager, what
):
    url = reverse(f"certificates:{what}", args=[issued.uuid])
    assert client.get(url).status_code == 302  # anonymous: log in first
    for outsider in (trainee(), trainer(), other_manager, program_manager()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    superuser = program_manager(is_superuser=True)
    for who in (issued.user, its_manager, superuser):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF-" if what == "pdf" else b"{")
        assert f"sertifikat-{issued.code}" in response["Content-Disposition"]


def test_a_manager_reaches_only_their_cohorts_certificates_in_the_admin(
    client, issued, other_manager
):
    client.force_login(other_manager)
    listing = client.get(reverse("certificate_admin:index"))
    assert listing.status_code == 200
    assert issued.code not in listing.content.decode()
    url = reverse("certificates_manage", args=[issued.pk])
    # The staff scope's one refusal: Wagtail's redirect to the dashboard.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert issued.code not in client.get(response["Location"]).content.decode()
    response = client.post(url, {"action": "revoke", "reason": "Salah orang"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Status.ISSUED
    assert not issued.events.filter(action="revoked").exists()


def test_sertifikatku_lists_download_verify_and_whatsapp_links(client, issued):
    client.force_login(issued.user)
    html = client.get(reverse("courses:my_learning")).content.decode()
    verify_url = f"http://127.0.0.1:8000/c/{issued.uuid}/"
    assert "Sertifikatku" in html
    assert reverse("certificates:pdf", args=[issued.uuid]) in html
    assert reverse("certificates:verify", args=[issued.uuid]) in html
    assert "https://wa.me/?text=" + quote(
        f"Sertifikat saya untuk “{issued.course.title}” dari Sinau: {verify_url}"
    ) in html.replace("&amp;", "&")


def test_sertifikatku_shows_a_pending_certificate_without_links(client, media):
    from lms.certificates.services import certificate_ensure

    pending, _created = certificate_ensure(enrollment=completed_enrollment())
    client.force_login(pending.user)
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert "sedang disiapkan" in html
    assert reverse("certificates:pdf", args=[pending.uuid]) not in html


def test_name_form_needs_the_password(client, media):
    user = trainee(display_name="Sri Rahayu")
    client.force_login(user)
    url = reverse("certificates:name")
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Sri Rahayu Ningsih", "password": "salah"})
    assert response.status_code == 200
    assert "Kata sandi tidak benar." in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Sri Rahayu"
    response = client.post(url, {"name": "Sri Rahayu Ningsih", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Sri Rahayu Ningsih"


def test_name_form_is_for_signed_in_people(client):
    response = client.get(reverse("certificates:name"))
    assert response.status_code == 302


def test_admin_list_filters_by_status(client, issued, its_manager):
    client.force_login(its_manager)
    url = reverse("certificate_admin:index")
    response = client.get(url, {"status": "issued"})
    assert response.status_code == 200
    assert issued.code in response.content.decode()
    response = client.get(url, {"status": "failed"})
    assert issued.code not in response.content.decode()


def test_admin_revoke_without_reason_changes_nothing(client, issued, its_manager):
    client.force_login(its_manager)
    url = reverse("certificates_manage", args=[issued.pk])
    response = client.post(url, {"action": "revoke", "reason": ""})
    assert response.status_code == 400
    assert "Tuliskan alasan pencabutan." in response.content.decode()
    issued.refresh_from_db()
    assert issued.status == Status.ISSUED
    response = client.post(url, {"action": "revoke", "reason": "Salah orang"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.status == Status.REVOKED
    page = client.get(url).content.decode()
    assert "Salah orang" in page  # the audit trail, for staff


def test_admin_reissue_queues_a_new_render(
    client, issued, its_manager, django_capture_on_commit_callbacks
):
    client.force_login(its_manager)
    url = reverse("certificates_manage", args=[issued.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"action": "reissue"})
    assert response.status_code == 302
    assert len(tasks_queued(callbacks)) == 1
    issued.refresh_from_db()
    assert (issued.revision, issued.rendered_revision) == (2, 1)


@pytest.mark.parametrize("who", ["trainee", "trainer"])
def test_admin_actions_are_for_certificate_managers_only(client, issued, who):
    client.force_login(trainee() if who == "trainee" else trainer())
    url = reverse("certificates_manage", args=[issued.pk])
    response = client.post(url, {"action": "revoke", "reason": "x"})
    assert response.status_code in (302, 403)
    issued.refresh_from_db()
    assert issued.status == Status.ISSUED


def test_admin_revoke_sets_the_status_list_bit(client, issued, its_manager):
    from lms.certificates.credentials import bitstring_decode, bitstring_get

    def bit() -> bool:
        status_list = client.get(reverse("certificates:status_list")).json()
        encoded = status_list["credentialSubject"]["encodedList"]
        return bitstring_get(
            bits=bitstring_decode(encoded=encoded), index=issued.status_list_index
        )

    assert bit() is False
    client.force_login(its_manager)
    client.post(
        reverse("certificates_manage", args=[issued.pk]),
        {"action": "revoke", "reason": "Salah orang"},
    )
    assert bit() is True
