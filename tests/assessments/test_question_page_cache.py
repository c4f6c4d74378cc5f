"""The question page caches its body and question list as fragments keyed on
what they render (the attempt's question snapshot, the saved answer, which
questions are answered): each change shows at once."""

import pytest
from django.urls import reverse

from assessments.models import AttemptQuestion
from assessments.services import attempt_start
from courses.services import enrollment_create
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db


def test_saved_answers_and_changed_questions_show_at_once(client):
    course = course_tree(modules=1, lessons=1)
    quiz = quiz_in(course, [question("single"), question("single")])
    user = trainee()
    enrollment_create(user=user, course=course)
    attempt = attempt_start(user=user, quiz=quiz)
    client.force_login(user)
    url = reverse("assessments:question", args=[attempt.pk, 1])
    page = client.get(url).text
    assert " checked" not in page
    assert page.count("(belum dijawab)") + page.count("(not answered)") == 2
    item = attempt.items.get(order=1)
    key = item.snapshot["choices"][1]["key"]
    client.post(url, {"choice": key, "go": "next"})
    page = client.get(url).text
    assert f'value="{key}" checked' in page
    assert page.count("(belum dijawab)") + page.count("(not answered)") == 1
    # A correction rewrites the open attempt's snapshot (as a regrade does).
    snapshot = dict(item.snapshot)
    snapshot["text"] = "<p>Teks soal yang dibetulkan</p>"
    AttemptQuestion.objects.filter(pk=item.pk).update(snapshot=snapshot)
    assert "Teks soal yang dibetulkan" in client.get(url).text
    # Another trainee's attempt of the same quiz has its own keys.
    other = trainee()
    enrollment_create(user=other, course=course)
    theirs = attempt_start(user=other, quiz=quiz)
    client.force_login(other)
    page = client.get(reverse("assessments:question", args=[theirs.pk, 1])).text
    assert key not in page
