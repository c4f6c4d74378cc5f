"""The query count of one sync carrying a whole attempt is pinned and does
not grow with the number of answers (docs/benchmarks.md, "Offline")."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Attempt
from assessments.offline.services import package_make
from tests.factories.assessments import question, quiz_in
from tests.support.offline import submit_item

pytestmark = pytest.mark.django_db

KINDS = ["single", "multiple", "true_false", "numeric", "ordering"]
# One sync of one attempt_submit item (PostgreSQL and SQLite alike): the
# session and the user (2); the site and the page's ancestors for the
# access rule (2); the stored-item check, savepoint, insert (3); the locked
# attempt, the enrolment, the items, the accommodation (4); one bulk update
# of the answers with their points, the attempt, the enrolment's last
# activity, the item, release (5).
SYNC_QUERIES = 16


def _sync_queries(client, learner, course, questions: int, slug: str) -> int:
    quiz = quiz_in(
        course,
        [question(KINDS[n % len(KINDS)]) for n in range(questions)],
        slug=slug,
        required=False,
    )
    attempt = package_make(user=learner, quiz=quiz)
    body = json.dumps({"items": [submit_item(attempt)]})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("assessments:offline_sync"), body, content_type="application/json"
        )
    assert response.status_code == 200
    assert response.json()["items"][0]["outcome"] == "counted"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.score == attempt.max_score == questions
    return len(queries)


def test_a_20_answer_sync_runs_as_many_queries_as_a_5_answer_one(
    client_in, learner, course
):
    five = _sync_queries(client_in, learner, course, 5, "lima")
    twenty = _sync_queries(client_in, learner, course, 20, "dua-puluh")
    assert twenty == five
    assert twenty == SYNC_QUERIES
