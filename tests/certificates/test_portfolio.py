"""The public verify page lists the evidence of assessed work (never the
work itself), and the portfolio page shows only the work the trainee
published (public, passed, released); a revoked certificate has none."""

import pytest
from django.urls import NoReverseMatch, reverse

from assessments.models import SubmissionFile
from courses.access import visible_page_ids
from lms.certificates.services import certificate_revoke
from tests.certificates.evidence_data import (
    ASSESSOR_NAME,
    assessed,
    certificate_for,
    course_with_task,
    quiz_passed,
)
from tests.factories import trainee
from tests.factories.practice import task_in

pytestmark = pytest.mark.django_db

WORK = "Gula semut asli Batu Ampar, manis legit, 250 g Rp25.000."


@pytest.fixture
def setup(home, a_trainee):
    course, task = course_with_task()
    return course, task, a_trainee


def _verify(client, certificate):
    return client.get(reverse("certificates:verify", args=[certificate.uuid]))


def _portfolio(client, certificate):
    return client.get(reverse("certificates:portfolio", args=[certificate.uuid]))


def test_verify_page_lists_task_result_date_role_and_quiz_without_the_work(
    client, setup
):
    course, task, user = setup
    assessed(task, user, levels=(2, 1), text=WORK)
    quiz_passed(course, user, percent=80, pass_mark=70)
    certificate = certificate_for(course, user)
    response = _verify(client, certificate)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bukti praktik" in html
    assert f'id="tugas-{task.pk}"' in html
    assert "Tugas daftar produk" in html
    assert "3/4 poin (75 %)" in html
    assert "Judul jelas: Jelas (2 dari 2)" in html
    assert "CTA jelas: CTA samar (1 dari 2)" in html
    assert "Dinilai dengan rubrik oleh Pelatih pada 1 November 2026." in html
    assert "Kuis harga: 80 % (batas lulus 70 %)" in html
    assert "peserta belum menampilkan satu pun" in html
    # Never the work, the feedback, the assessor's name, or a portfolio link.
    assert WORK not in html
    assert "Bagus, lanjutkan" not in html
    assert ASSESSOR_NAME not in html
    assert reverse("certificates:portfolio", args=[certificate.uuid]) not in html


def test_verify_page_links_the_portfolio_when_work_is_published(client, setup):
    course, task, user = setup
    sub = assessed(task, user, levels=(2, 2), public=True, text=WORK)
    certificate = certificate_for(course, user)
    html = _verify(client, certificate).content.decode()
    url = reverse("certificates:portfolio", args=[certificate.uuid])
    assert f'href="{url}#karya-{sub.pk}"' in html
    assert f'href="{url}"' in html
    assert WORK not in html  # the work itself stays on the portfolio page


def test_verify_page_of_a_revoked_certificate_lists_no_evidence(
    client, setup, a_manager
):
    course, task, user = setup
    assessed(task, user, levels=(2, 2), public=True)
    certificate = certificate_for(course, user)
    certificate_revoke(certificate=certificate, actor=a_manager, reason="Palsu")
    html = _verify(client, certificate).content.decode()
    assert "DICABUT" in html
    assert "Bukti praktik" not in html
    assert "Tugas daftar produk" not in html
    assert "portofolio" not in html


def test_verify_page_without_assessed_work_has_no_evidence_section(client, setup):
    course, _task, user = setup
    html = _verify(client, certificate_for(course, user)).content.decode()
    assert "Bukti praktik" not in html


def test_portfolio_shows_public_passed_work_with_its_rubric_result(client, setup):
    course, task, user = setup
    sub = assessed(
        task, user, levels=(2, 1), public=True, text=WORK, link="https://contoh.id/gula"
    )
    certificate = certificate_for(course, user)
    response = _portfolio(client, certificate)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Portofolio Siti Aminah" in html
    assert f'id="karya-{sub.pk}"' in html
    assert WORK in html
    assert (
        'href="https://contoh.id/gula" rel="nofollow ugc noopener noreferrer"' in html
    )
    assert "3/4 poin (75 %)" in html
    assert "Judul jelas: Jelas (2 dari 2)" in html
    assert "Versi 1, dinilai pada 1 November 2026 oleh pelatih." in html
    assert ASSESSOR_NAME not in html
    assert "Bagus, lanjutkan" not in html  # feedback stays private
    assert '<meta name="robots" content="noindex">' in html
    assert "<script" not in html  # works without JavaScript; nothing to run


def test_portfolio_lists_no_unpublished_or_unpassed_work(client, setup):
    course, task, user = setup
    other = task_in(course, title="Tugas caption", slug="tugas-caption")
    hidden = task_in(course, title="Tugas foto", slug="tugas-foto", release_marks=True)
    assessed(task, user, levels=(2, 2), public=False, text="Karya tidak publik")
    assessed(
        other,
        user,
        levels=(0, 0),
        decision="revision",
        public=True,
        text="Karya perlu revisi",
    )
    assessed(
        hidden,
        user,
        levels=(2, 2),
        public=True,
        released=False,
        text="Karya belum dirilis",
    )
    assessed(
        task_in(course, title="Tugas harga", slug="tugas-harga"),
        trainee(),
        levels=(2, 2),
        public=True,
        text="Karya orang lain",
    )
    certificate = certificate_for(course, user)
    response = _portfolio(client, certificate)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Belum ada karya yang ditampilkan di sini." in html
    for text in (
        "Karya tidak publik",
        "Karya perlu revisi",
        "Karya belum dirilis",
        "Karya orang lain",
    ):
        assert text not in html
    assert "portofolio" not in _verify(client, certificate).content.decode().lower()


def test_portfolio_of_a_revoked_certificate_is_gone(client, setup, a_manager):
    course, task, user = setup
    assessed(task, user, levels=(2, 2), public=True, text=WORK)
    certificate = certificate_for(course, user)
    assert _portfolio(client, certificate).status_code == 200
    certificate_revoke(certificate=certificate, actor=a_manager, reason="Palsu")
    response = _portfolio(client, certificate)
    assert response.status_code == 404
    assert WORK not in response.content.decode()


def test_portfolio_of_an_unknown_or_pending_certificate_is_404(client, setup):
    course, task, user = setup
    assessed(task, user, levels=(2, 2), public=True, text=WORK)
    certificate = certificate_for(course, user)
    certificate.status = certificate.Status.PENDING
    certificate.save()
    assert _portfolio(client, certificate).status_code == 404
    url = reverse(
        "certificates:portfolio", args=["00000000-0000-4000-8000-000000000000"]
    )
    assert client.get(url).status_code == 404


def test_portfolio_refuses_post(client, setup):
    course, _task, user = setup
    certificate = certificate_for(course, user)
    url = reverse("certificates:portfolio", args=[certificate.uuid])
    assert client.post(url).status_code == 405


def test_portfolio_reads_in_constant_queries(
    client, setup, django_assert_max_num_queries
):
    course, _task, user = setup
    for n in range(3):
        extra = task_in(course, title=f"Tugas {n}", slug=f"tugas-{n}")
        assessed(extra, user, levels=(2, 2), public=True, text=f"Karya {n}")
    certificate = certificate_for(course, user)
    # The access rule's page tree is cached for every page (per content
    # version): warm it, as any earlier request on the site does.
    visible_page_ids(request=None, pages=[])
    # 9: one more than before, for the task pages' paths that the
    # publication check (every ancestor live) reads.
    with django_assert_max_num_queries(9):
        html = _portfolio(client, certificate).content.decode()
    assert [f"Karya {n}" in html for n in range(3)] == [True, True, True]
    with django_assert_max_num_queries(9):
        assert _verify(client, certificate).status_code == 200


def test_portfolio_shows_published_photos_through_the_private_file_view(client, setup):
    """Photos are served by the private file view (assessments:task_file,
    which serves public+passed files to anyone); the page only links them."""
    try:
        reverse("assessments:task_file", args=[1])
    except NoReverseMatch:
        pytest.skip("the private file view (assessments:task_file) is not here yet")
    course, task, user = setup
    sub = assessed(task, user, levels=(2, 2), public=True, text=WORK)
    photo = SubmissionFile.objects.create(
        submission=sub,
        kind="photo",
        file="submissions/foto.jpg",
        content_type="image/jpeg",
        size=1000,
        width=800,
        height=600,
    )
    SubmissionFile.objects.create(
        submission=sub,
        kind="photo",
        position=1,
        file="submissions/belum.jpg",
        content_type="image/jpeg",
        ready=False,
    )
    html = _portfolio(client, certificate_for(course, user)).content.decode()
    src = reverse("assessments:task_file", args=[photo.pk])
    assert f'<img src="{src}" alt="Foto 1 dari karya “Tugas daftar produk”"' in html
    assert html.count("<img ") == 1  # the file not ready yet is left out


def test_work_under_an_unpublished_module_leaves_the_verify_page_and_portfolio(
    client, setup
):
    """Found by the review: the portfolio's files follow the access rule
    (every ancestor live) but the lists checked the task alone, so a task
    under an unpublished module was listed with files that answered 404.
    One rule now: nothing under an unpublished page is listed."""
    course, task, user = setup
    assessed(task, user, levels=(2, 1), public=True, text=WORK)
    certificate = certificate_for(course, user)
    assert WORK in _portfolio(client, certificate).content.decode()
    task.get_parent().specific.unpublish()
    assert WORK not in _portfolio(client, certificate).content.decode()
    assert task.title not in _verify(client, certificate).content.decode()
