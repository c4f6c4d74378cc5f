"""Every admin screen a trainer, a manager and a superuser can reach, walked
in Bahasa Indonesia from the dashboard (lms/admin_i18n.py `admin_walk`):
no English left, no `<select multiple>` that needs Ctrl-click, no 500.

The world is what a fresh installation shows (`load_initial_data`) plus the
states that make more screens appear: a draft saved, a page locked, a page in
moderation, an accommodation, a regrade, an issued certificate."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from assessments.models import Accommodation, Question, QuizPage
from assessments.services import regrade_request
from courses.models import Enrollment, LessonPage
from lms.accounts.models import User
from lms.admin_i18n import admin_walk
from lms.certificates.services import certificate_issue

# The walk's world is built once for the module (below); the marker also has
# pytest-django set up the test database for it.
pytestmark = pytest.mark.django_db

ROLES = ("pelatih@sinau.local", "manajer@sinau.local", "admin@sinau.local")


def _world() -> None:
    call_command("load_initial_data", demo_accounts=True, verbosity=0)
    trainer = User.objects.get(email="pelatih@sinau.local")
    lessons = list(LessonPage.objects.order_by("path")[:3])
    draft = lessons[0]
    draft.title += " (draf)"
    draft.save_revision(user=trainer, log_action=True)
    locked = lessons[1]
    locked.locked, locked.locked_by, locked.locked_at = True, trainer, timezone.now()
    locked.save(update_fields=["locked", "locked_by", "locked_at"])
    moderated = lessons[2]
    workflow = moderated.get_workflow()
    if workflow is not None:
        moderated.save_revision(user=trainer)
        workflow.start(moderated, trainer)
    quiz = QuizPage.objects.order_by("path").first()
    trainee = User.objects.get(email="peserta@sinau.local")
    Accommodation.objects.get_or_create(
        quiz=quiz, user=trainee, defaults={"extra_minutes": 10}
    )
    regrade_request(question=Question.objects.order_by("pk").first(), user=trainer)
    done = Enrollment.objects.filter(completed_at__isnull=False).first()
    if done is not None:
        certificate_issue(enrollment_id=done.pk)


@pytest.fixture(scope="module")
def walks(django_db_setup, django_db_blocker):
    """{email: Walk} for the three roles, over one world rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        _world()
        found = {
            email: admin_walk(user=User.objects.get(email=email)) for email in ROLES
        }
        transaction.set_rollback(True)
    return found


def _report(untranslated: dict) -> str:
    lines = []
    for url, messages in sorted(untranslated.items()):
        lines.append(f"{url}: {sorted(str(m) for m in messages)}")
    return "\n".join(lines)


@pytest.mark.parametrize("email", ROLES)
def test_every_admin_screen_is_in_indonesian(walks, email):
    assert walks[email].untranslated == {}, _report(walks[email].untranslated)


@pytest.mark.parametrize("email", ROLES)
def test_no_admin_form_asks_for_a_ctrl_click(walks, email):
    assert walks[email].multi_selects == {}


@pytest.mark.parametrize("email", ROLES)
def test_no_admin_screen_fails(walks, email):
    assert walks[email].errors == {}
