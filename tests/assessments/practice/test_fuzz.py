"""Any text in the assess form is an answer (200, 302 or 400), never a
500, and a refused post writes no assessment."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import TaskAssessment
from tests.factories import PASSWORD
from tests.factories.practice import submission

from .submitting import *  # noqa: F403 (fixtures)
from .submitting import course_trainer

pytestmark = pytest.mark.usefixtures("home")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    level=st.text(max_size=30),
    comment=st.text(max_size=300),
    feedback=st.text(max_size=300),
    decision=st.text(max_size=20),
)
def test_any_assess_form_is_never_a_500(
    client, learner, task, course, level, comment, feedback, decision
):
    TaskAssessment.objects.all().delete()
    work = (
        submission(task, learner, number=1)
        if not task.submissions.exists()
        else (task.submissions.get())
    )
    trainer = course_trainer(course) if not hasattr(task, "_trainer") else task._trainer
    task._trainer = trainer
    client.login(username=trainer.email, password=PASSWORD)
    criteria = list(task.rubric.criteria.order_by("sort_order"))
    data = {f"level_{criteria[0].pk}": level, f"level_{criteria[1].pk}": "1"}
    data |= {f"comment_{criteria[0].pk}": comment, "feedback": feedback}
    data["decision"] = decision

    response = client.post(reverse("assessments:task_assess", args=[work.pk]), data)

    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not TaskAssessment.objects.exists()
