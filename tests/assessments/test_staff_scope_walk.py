"""Every staff URL of assessments, found by walking the URL resolver (the
snippet and chooser viewsets, the bulk actions, the admin URLs registered by
assessments.wagtail_hooks and the assessments app's own routes), called by a
trainer limited to course A on the objects of course B, with a POST that
would change them if it were allowed. Nothing of course B may change and no
request may fail with a server error. A new staff view is walked without
anyone adding it here; a view taking an unknown URL argument fails the test
until the walker learns what to pass."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import URLResolver, get_resolver, reverse
from wagtail import hooks
from wagtail.admin.views.bulk_action.registry import bulk_action_registry

from assessments.demo import attempt_take
from assessments.models import (
    Accommodation,
    Attempt,
    AttemptQuestion,
    Choice,
    ImportJob,
    Question,
    QuestionCategory,
    QuizPage,
    QuizQuestion,
    RegradeJob,
    Submission,
    SubmissionFile,
    TaskAssessment,
)
from assessments.practice.assessing import task_assess
from courses.services import enrollment_create, lesson_complete
from tests.factories import UserFactory, course_trainer, trainee
from tests.factories.assessments import category, question, quiz_in
from tests.factories.courses import course_tree, lessons_of
from tests.factories.practice import submission, task_in

pytestmark = pytest.mark.django_db

MODELS = {
    "question": Question,
    "questioncategory": QuestionCategory,
    "accommodation": Accommodation,
    "regradejob": RegradeJob,
}
SERVER_ERRORS = range(500, 600)


def _walk(resolver=None, prefix="", namespace=""):
    """(route, qualified name, URL argument names) of every pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            route = prefix + str(entry.pattern)
            yield route, name, set(entry.pattern.regex.groupindex)


def _hook_url_names() -> set[str]:
    names = set()
    for fn in hooks.get_hooks("register_admin_urls"):
        if fn.__module__.startswith("assessments."):
            names |= {p.name for p in fn()}
    return names


def staff_urls(targets) -> list[tuple[str, str]]:
    """(name, URL) of every assessments staff view, aimed at course B."""
    hook_names = _hook_url_names()
    found = []
    for _route, name, args in _walk():
        namespace = name.split(":")[0]
        model = None
        for prefix in ("wagtailsnippets_assessments_", "wagtailsnippetchoosers_"):
            if namespace.startswith(prefix):
                label = namespace.removeprefix(prefix).removeprefix("assessments_")
                model = MODELS.get(label)
        is_ours = model is not None or name in hook_names or namespace == "assessments"
        if name == "wagtail_bulk_action":
            for model_name, model_class in MODELS.items():
                for action in bulk_action_registry.get_bulk_actions_for_model(
                    "assessments", model_name
                ):
                    url = reverse(
                        name,
                        kwargs={
                            "app_label": "assessments",
                            "model_name": model_name,
                            "action": action.action_type,
                        },
                    )
                    found.append(
                        (name, f"{url}?id={targets[model_class].pk}&next=/admin/")
                    )
            continue
        if not is_ours:
            continue
        kwargs = {}
        for arg in args:
            if arg == "pk":
                kwargs[arg] = targets[model].pk
            elif arg in targets:
                kwargs[arg] = targets[arg]
            else:
                pytest.fail(f"{name}: the walker does not know what {arg} is")
        found.append((name, reverse(name, kwargs=kwargs)))
    return found


@pytest.fixture
def world(db):
    course_a = course_tree(modules=1, lessons=1, title="Kursus A")
    course_b = course_tree(modules=1, lessons=1, title="Kursus B")
    quiz_in(course_a, [question("single", cat=category("Kategori A"))], slug="a")
    cat_b = category("Kategori B")
    question_b = question("single", cat=cat_b, text="Soal B?")
    essay_b = question("essay", cat=cat_b, points=4)
    quiz_b = quiz_in(
        course_b, [question_b, essay_b], slug="kuis-b", random_category=cat_b
    )
    learner = trainee()
    enrollment_create(user=learner, course=course_b)
    lesson_complete(user=learner, lesson=lessons_of(course_b)[0])
    attempt = attempt_take(user=learner, quiz=quiz_b, right=True)
    assert attempt.status == Attempt.Status.MARKING
    item = attempt.items.get(snapshot__kind="essay")
    # A practical task of course B: the learner's work waiting, and another
    # trainee's assessed but not released.
    task_b = task_in(course_b, release_marks=True)
    work_b = submission(task_b, learner)
    file_b = SubmissionFile(submission=work_b, kind="photo", content_type="image/jpeg")
    file_b.file.save("b.jpg", ContentFile(b"foto B"))
    other = trainee()
    enrollment_create(user=other, course=course_b)
    assessed_b = task_assess(
        assessor=UserFactory(is_superuser=True),
        submission_id=submission(task_b, other).pk,
        levels={c.pk: 1 for c in task_b.rubric.criteria.all()},
        comments={},
        feedback="",
        decision=None,
    )
    return {
        "trainer_a": course_trainer(course_a),
        "task_b": task_b,
        "assessed_b": assessed_b,
        "learner": learner,
        "quiz_b": quiz_b,
        "cat_b": cat_b,
        "question_b": question_b,
        "targets": {
            Question: question_b,
            QuestionCategory: cat_b,
            Accommodation: Accommodation.objects.create(
                quiz=quiz_b, user=learner, extra_minutes=5, extra_attempts=1
            ),
            RegradeJob: RegradeJob.objects.create(
                question=question_b, status=RegradeJob.Status.DONE
            ),
            "question_id": question_b.pk,
            "quiz_id": quiz_b.pk,
            "module_id": quiz_b.get_parent().pk,
            "task_id": task_b.pk,
            "file_id": file_b.pk,
            "attempt_id": attempt.pk,
            "item_id": item.pk,
            "order": 1,
            "submission_id": work_b.pk,
            "job_id": ImportJob.objects.create(
                requested_by=learner, filename="b.txt", file_format="gift"
            ).pk,
        },
    }


def _payload(world) -> dict:
    """One POST body that would change course B's objects in any of the
    forms: question (answer key flipped), category, accommodation, regrade
    job, import (into category B), essay mark."""
    q = world["question_b"]
    choices = list(q.choices.order_by("sort_order"))
    data = {
        "category": world["cat_b"].pk,
        "kind": "single",
        "text": "Diubah oleh pelatih A",
        "points": "7",
        "explanation": "",
        "numeric_tolerance": "0",
        "numeric_unit": "",
        "rubric": "",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(len(choices)),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        "name": "Diubah oleh pelatih A",
        "description": "x",
        "quiz": world["quiz_b"].pk,
        "user": world["learner"].pk,
        "extra_minutes": "99",
        "extra_attempts": "9",
        "extra_days": "0",
        "note": "x",
        "question": q.pk,
        "status": "failed",
        "attempts_changed": "7",
        "task_id": "x",
        "last_error": "x",
        "format": "gift",
        "file": SimpleUploadedFile(
            "bank.txt", b"$CATEGORY: Kategori B\n\n::S:: Soal baru? {=Ya ~Tidak}\n"
        ),
        "points_awarded": "4",
        "feedback": "x",
    }
    for i, choice in enumerate(choices):
        data[f"choices-{i}-id"] = str(choice.pk)
        data[f"choices-{i}-text"] = choice.text
        data[f"choices-{i}-feedback"] = ""
        data[f"choices-{i}-ORDER"] = str(i + 1)
        data[f"choices-{i}-fraction"] = "100" if i == len(choices) - 1 else "0"
    return data


def _mark_payload(world) -> dict:
    data = _payload(world)
    data["points"] = "4"  # the marking form's field (the question form's too)
    # The assess page's levels, the reassign form's trainer, the release
    # form's assessments.
    for criterion in world["task_b"].rubric.criteria.all():
        data[f"level_{criterion.pk}"] = "2"
    data["assessor"] = str(world["trainer_a"].pk)
    data["assessment"] = [str(world["assessed_b"].pk)]
    return data


def snapshot(world) -> dict:
    """Every row of course B the staff views could touch."""
    quiz = world["quiz_b"]
    questions = Question.objects.filter(
        category=world["cat_b"]
    ) | Question.objects.filter(
        pk__in=QuizQuestion.objects.filter(quiz=quiz).values("question_id")
    )
    return {
        "questions": sorted(
            (model_to_dict(q, exclude=["updated_at"]) for q in questions.distinct()),
            key=lambda row: row["id"],
        ),
        "choices": list(
            Choice.objects.filter(question__in=questions).order_by("pk").values()
        ),
        "category": list(
            QuestionCategory.objects.filter(pk=world["cat_b"].pk).values()
        ),
        "quiz": list(
            QuizPage.objects.filter(pk=quiz.pk).values(
                "random_category", "random_count", "max_attempts", "time_limit_minutes"
            )
        ),
        "quiz_questions": list(
            QuizQuestion.objects.filter(quiz=quiz).order_by("pk").values()
        ),
        "accommodations": list(
            Accommodation.objects.filter(quiz=quiz).order_by("pk").values()
        ),
        "regrades": list(RegradeJob.objects.order_by("pk").values()),
        "attempts": list(Attempt.objects.order_by("pk").values()),
        "answers": list(
            AttemptQuestion.objects.filter(attempt__quiz=quiz).order_by("pk").values()
        ),
        "submissions": list(Submission.objects.order_by("pk").values()),
        "task_assessments": list(TaskAssessment.objects.order_by("pk").values()),
    }


def test_trainer_of_course_a_changes_nothing_of_course_b_through_any_staff_url(
    world, client
):
    urls = staff_urls(world["targets"])
    names = {name for name, _url in urls}
    # The walker finds the views this test exists for.
    assert {
        "wagtailsnippets_assessments_question:edit",
        "wagtailsnippets_assessments_question:delete",
        "wagtailsnippets_assessments_accommodation:add",
        "wagtailsnippets_assessments_accommodation:edit",
        "wagtailsnippets_assessments_questioncategory:edit",
        "wagtailsnippetchoosers_assessments_question:create",
        "wagtail_bulk_action",
        "question_regrade",
        "questions_import",
        "questions_import_job",
        "questions_export",
        "assessments:mark",
        "assessments:stats",
        "assessments:task_assess",
        "assessments:task_reassign",
        "assessments:task_release",
    } <= names
    before = snapshot(world)
    client.force_login(world["trainer_a"])
    for name, url in urls:
        get = client.get(url)
        post = client.post(url, _mark_payload(world))
        assert get.status_code not in SERVER_ERRORS, (name, url)
        assert post.status_code not in SERVER_ERRORS, (name, url)
        assert snapshot(world) == before, (name, url, post.status_code)


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("wagtailsnippets_assessments_question:edit", Question),
        ("wagtailsnippets_assessments_questioncategory:edit", QuestionCategory),
        ("wagtailsnippets_assessments_accommodation:edit", Accommodation),
        ("question_regrade", "question_id"),
        ("assessments:mark", "item_id"),
        ("assessments:task_assess", "submission_id"),
    ],
)
def test_the_same_post_by_an_admin_does_change_course_b(world, client, name, target):
    """The walk's POST body is one these views accept: only the scope stops
    trainer A."""
    admin = UserFactory(is_superuser=True)
    value = world["targets"][target]
    pk = value if isinstance(value, int) else value.pk
    url = reverse(name, args=[pk])
    before = snapshot(world)
    client.force_login(admin)
    response = client.post(url, _mark_payload(world))
    assert response.status_code == 302
    assert snapshot(world) != before


def test_trainer_of_course_a_cannot_export_course_b_category(world, client):
    client.force_login(world["trainer_a"])
    response = client.get(
        reverse("questions_export"), {"category": world["cat_b"].pk, "format": "gift"}
    )
    assert response.status_code == 302
    assert "Soal B?" not in response.content.decode()


def test_trainer_sees_no_import_job_of_someone_else(world, client):
    client.force_login(world["trainer_a"])
    job_id = world["targets"]["job_id"]
    response = client.get(reverse("questions_import_job", args=[job_id]))
    assert response.status_code == 404
