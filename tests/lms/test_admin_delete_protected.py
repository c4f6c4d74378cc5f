"""Admin deletes that a PROTECT foreign key would refuse (a trainee or a
course holding a certificate, a category holding questions) say why and
offer what to do instead (deactivate, unpublish): no ProtectedError 500, and
nothing is deleted. A test lists every PROTECT/RESTRICT foreign key, so a new
one fails until it is known (and covered) here."""

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import models
from django.urls import reverse

from assessments.models import Question, QuestionCategory
from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_issue
from tests.certificates.conftest import completed_enrollment, media  # noqa: F401
from tests.factories import trainee, trainer
from tests.factories.assessments import category, question

pytestmark = pytest.mark.django_db

OURS = ("lms", "courses", "assessments", "content")

# Every PROTECT/RESTRICT foreign key in Sinau's apps and the admin delete
# that reaches it, covered by a test below.
KNOWN_PROTECTED = {
    "certificates.Certificate.course": "page delete of the course or above",
    "certificates.Certificate.enrollment": "user delete (enrollments cascade)",
    "assessments.QuestionCategory.parent": "snippet delete of a category",
    "assessments.Question.category": "snippet delete of a category",
    # Covered in tests/assessments/practice/test_admin_rubrics.py
    # (test_a_rubric_used_by_a_task_is_not_deleted_and_the_message_says_why).
    "assessments.TaskPage.rubric": "snippet delete of a rubric",
}


@pytest.fixture
def holder(media, home):  # noqa: F811
    """A trainee with an issued certificate."""
    user = trainee(display_name="Dewi")
    certificate = certificate_issue(enrollment_id=completed_enrollment(user=user).pk)
    assert certificate.status == Certificate.Status.ISSUED
    return user


@pytest.fixture
def admin_client(client):
    client.force_login(trainer(is_superuser=True))
    return client


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_deleting_a_trainee_with_a_certificate_says_why_and_offers_deactivation(
    admin_client, holder
):
    url = reverse("wagtailusers_users:delete", args=[holder.pk])
    for method in (admin_client.get, admin_client.post):
        response = method(url, HTTP_ACCEPT_LANGUAGE="id")
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "wagtailusers_users:edit", args=[holder.pk]
        )
        text = _messages(response)
        assert "tidak dapat dihapus" in text
        assert "Nonaktifkan akun" in text
    assert User.objects.filter(pk=holder.pk).exists()
    assert Certificate.objects.filter(user=holder).count() == 1


def test_bulk_deleting_users_with_a_certificate_deletes_none(admin_client, holder):
    other = trainee()
    url = reverse(
        "wagtail_bulk_action",
        kwargs={"app_label": "accounts", "model_name": "user", "action": "delete"},
    )
    query = f"?id={holder.pk}&id={other.pk}&next=/admin/users/"
    response = admin_client.post(url + query, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 302
    assert response["Location"] == "/admin/users/"
    assert "tidak dapat dihapus" in _messages(response)
    assert User.objects.filter(pk__in=[holder.pk, other.pk]).count() == 2


def test_a_trainee_without_a_certificate_can_still_be_deleted(admin_client, home):
    person = trainee()
    url = reverse("wagtailusers_users:delete", args=[person.pk])
    assert admin_client.post(url).status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()


def test_deleting_a_course_with_certificates_says_why(admin_client, holder):
    course = Certificate.objects.get(user=holder).course
    for page in (course, course.get_parent()):
        url = reverse("wagtailadmin_pages:delete", args=[page.pk])
        response = admin_client.post(url, HTTP_ACCEPT_LANGUAGE="id")
        assert response.status_code == 302
        assert "tidak dapat dihapus" in _messages(response)
    course.refresh_from_db()
    assert Certificate.objects.filter(course=course).exists()


def test_deleting_a_category_with_questions_says_why(admin_client):
    parent = category("Induk")
    child = QuestionCategory.objects.create(name="Anak", parent=parent)
    question("single", cat=child)
    for target in (parent, child):
        url = reverse(
            "wagtailsnippets_assessments_questioncategory:delete", args=[target.pk]
        )
        response = admin_client.post(url, HTTP_ACCEPT_LANGUAGE="id")
        assert response.status_code == 302
        assert "tidak dapat dihapus" in _messages(response)
    assert QuestionCategory.objects.count() == 2
    assert Question.objects.count() == 1


def test_every_protect_foreign_key_is_known():
    """The catch for the next instance: a new PROTECT or RESTRICT foreign
    key fails here until its admin delete is covered above."""
    found = set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in OURS:
            continue
        for field in model._meta.local_fields:  # not Page's own (locale)
            if not isinstance(field, models.ForeignKey):
                continue
            if field.remote_field.on_delete in (models.PROTECT, models.RESTRICT):
                found.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
    assert found == set(KNOWN_PROTECTED)
