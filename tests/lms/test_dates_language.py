"""Dates on trainee pages read in the page's language: in English mode no
Indonesian month name is left (the PDF alone stays Indonesian, by design)."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments.demo import attempt_take
from courses.models import Enrollment
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue
from tests.certificates.conftest import completed_enrollment
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

# Indonesian month names that differ from the English ones.
INDONESIAN_MONTHS = re.compile(
    r"\b(Januari|Februari|Maret|Mei|Juni|Juli|Agustus|Oktober|Desember"
    r"|Agu|Okt|Des)\b"
)
AUGUST = timezone.make_aware(datetime(2026, 8, 17, 10, 0))  # noqa: DTZ001


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def trainee_pages(media, home, client):
    """A trainee with an issued certificate (completed in August), a quiz
    result and a course in progress; the URLs of every page they read."""
    from courses.seed import course_index_ensure

    course_index_ensure(home=home)
    user = trainee()
    enrollment = completed_enrollment(user=user)
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    Certificate.objects.filter(pk=certificate.pk).update(completed_at=AUGUST)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=AUGUST)
    other = course_tree(modules=1, lessons=1)
    Enrollment.objects.create(user=user, course=other)
    quiz = quiz_in(other, [question("single")], time_limit_minutes=30)
    attempt = attempt_take(user=user, quiz=quiz, right=False)
    client.force_login(user)
    return [
        "/",
        reverse("courses:my_learning"),
        reverse("certificates:verify", args=[certificate.uuid]),
        reverse("certificates:name"),
        other.url,
        quiz.url,
        reverse("assessments:result", args=[attempt.pk]),
        reverse("courses:withdraw_confirm", args=[other.pk]),
    ]


def test_english_mode_shows_the_completion_date_in_english(client, trainee_pages):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("courses:my_learning")).content.decode()
    assert "17 August 2026" in body
    assert "Agustus" not in body


def test_indonesian_mode_keeps_indonesian_dates(client, trainee_pages):
    body = client.get(reverse("courses:my_learning")).content.decode()
    assert "17 Agustus 2026" in body


def test_no_trainee_page_shows_an_indonesian_month_in_english_mode(
    client, trainee_pages
):
    client.cookies["django_language"] = "en"
    found = {}
    for url in trainee_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # Course content (titles, lesson text) may be Indonesian; the
        # interface's dates may not.
        months = INDONESIAN_MONTHS.findall(response.content.decode())
        if months:
            found[url] = months
    assert found == {}


def test_no_template_spells_out_an_indonesian_month():
    """Dates come from Django's formats in the active language, never from
    month names written into a template."""
    offenders = [
        str(path)
        for folder in settings.TEMPLATES[0]["DIRS"]
        for path in Path(folder).rglob("*.html")
        if INDONESIAN_MONTHS.search(path.read_text())
    ]
    assert offenders == []


def test_only_the_certificate_pdf_forces_indonesian():
    """Code that formats dates for pages must not pin the language, nor
    borrow the PDF's Indonesian date."""
    offenders = [
        str(path)
        for app in ("lms", "courses", "assessments", "content")
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if path.name != "pdf.py"
        and any(
            pinned in path.read_text()
            for pinned in ('translation.override("id")', "completion_date")
        )
    ]
    assert offenders == []
