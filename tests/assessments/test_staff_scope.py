"""Trainers act only where they teach: a trainer who may edit course A
cannot change, delete, regrade, accommodate, import into or mark anything of
course B, and nobody marks their own work
(docs/decisions/0002-staff-act-where-they-teach.md)."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import GroupPagePermission

from assessments.demo import attempt_take
from assessments.models import (
    Accommodation,
    Attempt,
    AttemptQuestion,
    Choice,
    Question,
    QuestionCategory,
    QuizQuestion,
    RegradeJob,
)
from assessments.selectors import (
    marking_queue,
    question_categories_editable_by,
    questions_editable_by,
)
from assessments.services import Refused, essay_mark
from courses.services import enrollment_create, lesson_complete
from lms.accounts.roles import TRAINERS
from tests.factories import UserFactory, trainee
from tests.factories.assessments import category, question, quiz_in
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db

EDIT = "/admin/snippets/assessments/question/edit/{}/"
DELETE = "/admin/snippets/assessments/question/delete/{}/"
CATEGORY_EDIT = "/admin/snippets/assessments/questioncategory/edit/{}/"
ACCOMMODATION_ADD = "/admin/snippets/assessments/accommodation/add/"
ACCOMMODATION_EDIT = "/admin/snippets/assessments/accommodation/edit/{}/"
REGRADE = "/admin/bank-soal/{}/nilai-ulang/"
IMPORT = "/admin/bank-soal/impor/"
REFUSED = "Maaf, Anda tidak memiliki izin untuk mengakses area ini."


def course_trainer(course):
    """A trainer (the Trainers role's model permissions) whose page
    permissions cover `course` only."""
    group = Group.objects.create(name=f"Pelatih {course.title} {Group.objects.count()}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=course,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = UserFactory(role=TRAINERS)
    user.groups.add(group)
    return user


@pytest.fixture
def world(db):
    """Course A (taught by `trainer_a`) and course B, each with a quiz, a
    category and an enrolled trainee; quiz B also draws from category B."""
    course_a = course_tree(modules=1, lessons=1, title="Kursus A")
    course_b = course_tree(modules=1, lessons=1, title="Kursus B")
    cat_a, cat_b = category("Kategori A"), category("Kategori B")
    question_a = question("single", cat=cat_a, text="Soal A?")
    question_b = question("single", cat=cat_b, text="Soal B?")
    quiz_a = quiz_in(course_a, [question_a], slug="kuis-a")
    quiz_b = quiz_in(
        course_b, [question_b], slug="kuis-b", random_category=cat_b, random_count=0
    )
    trainee_a, trainee_b = trainee(), trainee()
    enrollment_create(user=trainee_a, course=course_a)
    enrollment_create(user=trainee_b, course=course_b)
    accommodation_b = Accommodation.objects.create(
        quiz=quiz_b, user=trainee_b, extra_minutes=5, extra_attempts=1
    )
    return {
        "course_a": course_a,
        "course_b": course_b,
        "cat_a": cat_a,
        "cat_b": cat_b,
        "question_a": question_a,
        "question_b": question_b,
        "quiz_a": quiz_a,
        "quiz_b": quiz_b,
        "trainee_a": trainee_a,
        "trainee_b": trainee_b,
        "accommodation_b": accommodation_b,
        "trainer_a": course_trainer(course_a),
    }


def _question_form(q: Question, *, correct: int, **extra) -> dict:
    """The edit form of `q` with choice number `correct` as the right one."""
    choices = list(q.choices.order_by("sort_order"))
    data = {
        "category": q.category_id,
        "kind": q.kind,
        "text": q.text,
        "points": str(q.points),
        "explanation": q.explanation,
        "numeric_tolerance": "0",
        "numeric_unit": "",
        "rubric": "",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(len(choices)),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for i, choice in enumerate(choices):
        data[f"choices-{i}-id"] = str(choice.pk)
        data[f"choices-{i}-text"] = choice.text
        data[f"choices-{i}-feedback"] = ""
        data[f"choices-{i}-ORDER"] = str(i + 1)
        data[f"choices-{i}-fraction"] = "100" if i == correct else "0"
    data.update(extra)
    return data


def _key(q: Question) -> list[tuple[str, bool]]:
    return [(c.text, c.is_correct) for c in q.choices.order_by("sort_order")]


def _messages(response) -> list[str]:
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


# -- the examples of the issue ----------------------------------------------


def test_trainer_of_course_a_cannot_edit_the_answer_key_of_a_course_b_question(
    world, client
):
    q = world["question_b"]
    before = _key(q)
    client.force_login(world["trainer_a"])
    assert client.get(EDIT.format(q.pk)).status_code == 302
    response = client.post(EDIT.format(q.pk), _question_form(q, correct=2))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert REFUSED in _messages(response)
    assert _key(q) == before
    assert Choice.objects.filter(question=q, fraction=100).count() == 1


def test_trainer_of_course_a_edits_their_own_question(world, client):
    q = world["question_a"]
    client.force_login(world["trainer_a"])
    response = client.post(EDIT.format(q.pk), _question_form(q, correct=2))
    assert response.status_code == 302
    assert [c for _t, c in _key(q)] == [False, False, True]


def test_trainer_of_course_a_cannot_delete_a_course_b_question(world, client):
    q = world["question_b"]
    client.force_login(world["trainer_a"])
    response = client.post(DELETE.format(q.pk))
    assert response.status_code == 302
    assert REFUSED in _messages(response)
    assert Question.objects.filter(pk=q.pk).exists()


def test_trainer_of_course_a_cannot_regrade_a_course_b_question(world, client):
    q = world["question_b"]
    client.force_login(world["trainer_a"])
    response = client.post(REGRADE.format(q.pk))
    assert response.status_code == 302
    assert (
        "Anda hanya boleh menilai ulang soal yang hanya dipakai di kuis yang "
        "boleh Anda sunting." in _messages(response)
    )
    assert not RegradeJob.objects.exists()
    assert client.get(REGRADE.format(q.pk)).status_code == 302


def test_trainer_of_course_a_regrades_their_own_question(world, client):
    client.force_login(world["trainer_a"])
    client.post(REGRADE.format(world["question_a"].pk))
    assert RegradeJob.objects.filter(question=world["question_a"]).count() == 1


def test_trainer_of_course_a_cannot_grant_an_accommodation_in_course_b(world, client):
    client.force_login(world["trainer_a"])
    response = client.post(
        ACCOMMODATION_ADD,
        {
            "quiz": world["quiz_b"].pk,
            "user": world["trainee_b"].pk,
            "extra_minutes": "30",
            "extra_attempts": "5",
            "extra_days": "0",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert Accommodation.objects.count() == 1
    existing = world["accommodation_b"]
    response = client.post(
        ACCOMMODATION_EDIT.format(existing.pk),
        {
            "quiz": world["quiz_b"].pk,
            "user": world["trainee_b"].pk,
            "extra_minutes": "30",
            "extra_attempts": "5",
            "extra_days": "0",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert REFUSED in _messages(response)
    existing.refresh_from_db()
    assert (existing.extra_minutes, existing.extra_attempts) == (5, 1)


def test_accommodation_choices_are_scoped_and_in_scope_grants_work(world, client):
    client.force_login(world["trainer_a"])
    form = client.get(ACCOMMODATION_ADD).context["form"]
    assert list(form.fields["quiz"].queryset) == [world["quiz_a"]]
    assert list(form.fields["user"].queryset) == [world["trainee_a"]]
    listing = client.get("/admin/snippets/assessments/accommodation/")
    assert list(listing.context["object_list"]) == []
    response = client.post(
        ACCOMMODATION_ADD,
        {
            "quiz": world["quiz_a"].pk,
            "user": world["trainee_a"].pk,
            "extra_minutes": "30",
            "extra_attempts": "1",
            "extra_days": "0",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert Accommodation.objects.filter(quiz=world["quiz_a"]).count() == 1


def test_question_cannot_be_moved_into_a_category_course_b_draws_from(world, client):
    q = world["question_a"]
    client.force_login(world["trainer_a"])
    response = client.post(
        EDIT.format(q.pk), _question_form(q, correct=0, category=world["cat_b"].pk)
    )
    assert response.status_code == 200
    q.refresh_from_db()
    assert q.category == world["cat_a"]


def test_category_used_by_course_b_cannot_be_renamed_or_deleted(world, client):
    cat = world["cat_b"]
    client.force_login(world["trainer_a"])
    response = client.post(
        CATEGORY_EDIT.format(cat.pk), {"name": "Diganti", "description": ""}
    )
    assert response.status_code == 302
    assert REFUSED in _messages(response)
    client.post(f"/admin/snippets/assessments/questioncategory/delete/{cat.pk}/")
    cat.refresh_from_db()
    assert cat.name == "Kategori B"


def test_import_into_a_category_course_b_draws_from_is_refused(world, client):
    client.force_login(world["trainer_a"])
    gift = "$CATEGORY: Kategori B\n\n::S1:: Ibu kota Jawa Tengah? {=Semarang ~Solo}\n"
    response = client.post(
        IMPORT,
        {
            "file": SimpleUploadedFile("bank.txt", gift.encode()),
            "format": "gift",
        },
    )
    assert response.status_code == 400
    assert "Kategori “Kategori B” dipakai" in response.content.decode()
    response = client.post(
        IMPORT,
        {
            "file": SimpleUploadedFile("bank.txt", gift.encode()),
            "format": "gift",
            "category": world["cat_b"].pk,
        },
    )
    assert response.status_code == 200
    assert Question.objects.count() == 2
    response = client.post(
        IMPORT,
        {
            "file": SimpleUploadedFile("bank.txt", gift.encode()),
            "format": "gift",
            "category": world["cat_a"].pk,
        },
    )
    assert response.status_code == 302
    assert Question.objects.filter(category=world["cat_a"]).count() == 2


def test_statistics_of_course_b_are_hidden_from_trainer_a(world, client):
    client.force_login(world["trainer_a"])
    assert (
        client.get(reverse("assessments:stats", args=[world["quiz_b"].pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("assessments:stats", args=[world["quiz_a"].pk])).status_code
        == 200
    )


# -- the rule itself -----------------------------------------------------------


def test_question_answered_in_course_b_stays_out_of_scope_after_removal(world):
    """The regrade would change course B's scores, so recorded attempts count
    as use even once the question left quiz B."""
    quiz_b, q = world["quiz_b"], world["question_b"]
    lesson_complete(user=world["trainee_b"], lesson=lessons_of(world["course_b"])[0])
    attempt_take(user=world["trainee_b"], quiz=quiz_b, right=True)
    QuizQuestion.objects.filter(quiz=quiz_b).delete()
    quiz_b.random_category = None
    quiz_b.save()
    user = world["trainer_a"]
    assert not questions_editable_by(user=user).filter(pk=q.pk).exists()
    AttemptQuestion.objects.filter(question=q).delete()
    assert questions_editable_by(user=user).filter(pk=q.pk).exists()


def test_unused_questions_and_categories_are_any_trainers(world):
    user = world["trainer_a"]
    spare = category("Cadangan")
    unused = question("true_false", cat=spare)
    assert set(questions_editable_by(user=user)) == {world["question_a"], unused}
    assert set(question_categories_editable_by(user=user)) == {world["cat_a"], spare}


def test_shared_question_is_editable_only_by_whoever_may_edit_every_quiz(world):
    QuizQuestion.objects.create(quiz=world["quiz_b"], question=world["question_a"])
    assert not questions_editable_by(user=world["trainer_a"]).exists()


# -- nobody marks their own work --------------------------------------------


@pytest.fixture
def own_essay(world):
    """Trainer A takes the essay quiz of their own course."""
    user = world["trainer_a"]
    course = world["course_a"]
    enrollment_create(user=user, course=course)
    lesson_complete(user=user, lesson=lessons_of(course)[0])
    quiz = quiz_in(course, [question("essay", points=4)], slug="kuis-esai")
    attempt = attempt_take(user=user, quiz=quiz, right=True)
    return attempt.items.get(snapshot__kind="essay")


def test_trainer_cannot_mark_their_own_essay(world, own_essay, client):
    user = world["trainer_a"]
    assert marking_queue(user=user) == []
    with pytest.raises(Refused, match="Tidak seorang pun boleh menilai jawabannya"):
        essay_mark(marker=user, item_id=own_essay.pk, points="4", feedback="")
    client.force_login(user)
    url = reverse("assessments:mark", args=[own_essay.pk])
    assert url not in client.get(reverse("assessments:marking")).content.decode()
    assert client.get(url).status_code == 404
    assert client.post(url, {"points": "4", "feedback": ""}).status_code == 404
    own_essay.refresh_from_db()
    assert own_essay.points is None
    assert Attempt.objects.get(pk=own_essay.attempt_id).status == "marking"


def test_superuser_cannot_mark_their_own_essay_either(world, own_essay):
    user = world["trainer_a"]
    user.is_superuser = True
    user.save()
    assert marking_queue(user=user) == []
    with pytest.raises(Refused):
        essay_mark(marker=user, item_id=own_essay.pk, points="4", feedback="")


def test_colleague_marks_the_trainers_essay(world, own_essay):
    colleague = course_trainer(world["course_a"])
    assert marking_queue(user=colleague) == [own_essay]
    essay_mark(marker=colleague, item_id=own_essay.pk, points="4", feedback="")
    own_essay.refresh_from_db()
    assert own_essay.points == 4


def test_question_listing_offers_actions_only_in_scope(world, client):
    client.force_login(world["trainer_a"])
    page = client.get("/admin/snippets/assessments/question/").content.decode()
    a, b = world["question_a"].pk, world["question_b"].pk
    assert EDIT.format(a) in page
    assert REGRADE.format(a) in page
    assert EDIT.format(b) not in page
    assert DELETE.format(b) not in page
    assert REGRADE.format(b) not in page


def test_question_listing_queries_do_not_grow_with_rows(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["trainer_a"])
    url = "/admin/snippets/assessments/question/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        extra = question("single", cat=world["cat_b"], text=f"Soal tambahan {i}?")
        QuizQuestion.objects.create(
            quiz=world["quiz_b"], question=extra, sort_order=i + 5
        )
        question("true_false", cat=world["cat_a"], text=f"Soal bebas {i}?")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def _quiz_form(quiz, user, question_ids, random_category=""):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    form_class = quiz.get_edit_handler().get_form_class()
    data = nested_form_data(
        {
            "title": quiz.title,
            "slug": quiz.slug,
            "intro": "",
            "quiz_questions": inline_formset([{"question": pk} for pk in question_ids]),
            "random_category": random_category,
            "random_count": "0",
            "pass_mark": "70",
            "review_policy": quiz.review_policy,
            "required": "on",
        }
    )
    return form_class(data, instance=quiz, for_user=user, parent_page=quiz.get_parent())


def test_quiz_asks_only_questions_its_editor_may_edit(world):
    quiz, user = world["quiz_a"], world["trainer_a"]
    assert _quiz_form(quiz, user, [world["question_a"].pk]).is_valid()
    stolen = _quiz_form(quiz, user, [world["question_a"].pk, world["question_b"].pk])
    assert not stolen.is_valid()
    drawn = _quiz_form(
        quiz, user, [world["question_a"].pk], random_category=world["cat_b"].pk
    )
    assert not drawn.is_valid()
    assert "random_category" in drawn.errors


# -- nested categories (docs/decisions/0007-moodle-question-bank.md) -------------------


def test_a_draw_from_subcategories_keeps_them_in_the_other_trainers_scope(world):
    from assessments.admin.forms import QuizPageForm
    from assessments.models import QuestionCategory, QuizPage

    top = QuestionCategory.objects.create(name="Induk B")
    child = QuestionCategory.objects.create(name="Anak", parent=top)
    in_child = question("single", cat=child, text="Soal anak B?")
    quiz_b = world["quiz_b"]
    QuizPage.objects.filter(pk=quiz_b.pk).update(
        random_category=top, random_include_subcategories=True
    )
    trainer_a = world["trainer_a"]
    # quiz B draws from the child category through its parent: both are B's
    assert not questions_editable_by(user=trainer_a).filter(pk=in_child.pk).exists()
    assert (
        not question_categories_editable_by(user=trainer_a).filter(pk=child.pk).exists()
    )
    # and trainer A cannot pull B's subcategory into a draw of their own
    QuizPage.objects.filter(pk=quiz_b.pk).update(
        random_category=world["cat_b"], random_include_subcategories=False
    )
    QuestionCategory.objects.filter(pk=child.pk).update(parent=world["cat_a"])
    QuizQuestion.objects.create(quiz=quiz_b, question=in_child, sort_order=5)
    form_class = QuizPage.get_edit_handler().get_form_class()
    quiz_a = world["quiz_a"]
    form = form_class(
        instance=quiz_a,
        for_user=trainer_a,
        data={
            "title": quiz_a.title,
            "slug": quiz_a.slug,
            "random_category": world["cat_a"].pk,
            "random_include_subcategories": "on",
            "random_count": "1",
            "pass_mark": "70",
            "review_policy": quiz_a.review_policy,
            "quiz_questions-TOTAL_FORMS": "0",
            "quiz_questions-INITIAL_FORMS": "0",
        },
    )
    assert isinstance(form, QuizPageForm)
    assert not form.is_valid()
    assert "random_include_subcategories" in form.errors


def test_a_trainer_cannot_grant_themselves_an_accommodation(world, client):
    """Self-dealing, like marking one's own work: the trainer is enrolled in
    the course they teach, yet is not offered, and a posted own id is an
    invalid choice; an accommodation someone else gave them is not theirs
    to change either."""
    from assessments.selectors import (
        accommodations_managed_by,
        trainees_accommodatable_by,
    )

    me = world["trainer_a"]
    enrollment_create(user=me, course=world["course_a"])
    assert me not in trainees_accommodatable_by(user=me)
    client.force_login(me)
    form = client.get(ACCOMMODATION_ADD).context["form"]
    assert me not in form.fields["user"].queryset
    response = client.post(
        ACCOMMODATION_ADD,
        {
            "quiz": world["quiz_a"].pk,
            "user": me.pk,
            "extra_minutes": "30",
            "extra_attempts": "5",
            "extra_days": "0",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert not Accommodation.objects.filter(user=me).exists()
    given = Accommodation.objects.create(quiz=world["quiz_a"], user=me)
    assert given not in accommodations_managed_by(user=me)
    response = client.post(
        ACCOMMODATION_EDIT.format(given.pk),
        {
            "quiz": world["quiz_a"].pk,
            "user": me.pk,
            "extra_minutes": "30",
            "extra_attempts": "5",
            "extra_days": "0",
            "note": "",
        },
    )
    given.refresh_from_db()
    assert (given.extra_minutes, given.extra_attempts) == (0, 0)


# Copying questions is switched off (the bank keeps one type per question).
@pytest.mark.parametrize("view", ["history", "usage", "edit", "delete"])
def test_no_view_of_one_question_opens_outside_the_trainers_scope(world, client, view):
    """The copy form is pre-filled with the answer key; every view of one
    question is limited to `questions_editable_by` (a new one added to the
    viewset without the scope fails here when listed)."""
    client.force_login(world["trainer_a"])
    foreign = world["question_b"]
    url = f"/admin/snippets/assessments/question/{view}/{foreign.pk}/"
    response = client.get(url)
    assert response.status_code == 302
    assert REFUSED in _messages(response)
    own = world["question_a"]
    response = client.get(f"/admin/snippets/assessments/question/{view}/{own.pk}/")
    assert response.status_code == 200


@pytest.mark.parametrize("model", [Question, QuestionCategory, Accommodation])
def test_every_view_of_one_object_in_the_bank_is_scoped(model):
    """The next instance of the kind: every URL of the model's admin
    viewset that takes an object's id goes through the staff scope
    (`ScopedObjectMixin`), read from the URL patterns themselves."""
    from assessments.admin.permissions import ScopedObjectMixin

    patterns = model.snippet_viewset.get_urlpatterns()
    by_id = [p for p in patterns if "pk" in p.pattern.converters]
    assert len(by_id) >= 4
    unscoped = [
        str(p.pattern)
        for p in by_id
        if not issubclass(p.callback.view_class, ScopedObjectMixin)
    ]
    assert unscoped == []


def test_exporting_a_category_course_b_draws_from_is_refused_with_a_reason(
    world, client
):
    """A function view with its own reason answers the refusal as every such
    view does (lms.common.errors.refusal_response): its message, then back
    to the export form; nothing is downloaded."""
    client.force_login(world["trainer_a"])
    export = reverse("questions_export")
    response = client.get(export, {"category": world["cat_b"].pk, "format": "gift"})
    assert response.status_code == 302
    assert response["Location"] == export
    assert _messages(response) == [
        "Kategori ini berisi soal yang dipakai di kuis yang tidak boleh Anda ubah, "
        "jadi Anda tidak bisa mengekspornya."
    ]
    response = client.get(export, {"category": world["cat_a"].pk, "format": "gift"})
    assert response.status_code == 200
    assert "Soal A?" in response.content.decode()


@pytest.mark.parametrize("raw", ["abc", "99999999999999999999", "1\x00", "-1"])
def test_a_chooser_answers_an_id_that_is_no_whole_number_as_unknown(world, client, raw):
    """The scoped chooser reads an id as the access rule reads every id: not
    a whole number is an object that does not exist (404), never a 500; the
    multiple-choice view gives no object for it."""
    client.force_login(world["trainer_a"])
    chosen = f"/admin/snippets/choose/assessments/question/chosen/{quote(raw)}/"
    assert client.get(chosen).status_code == 404
    multiple = "/admin/snippets/choose/assessments/question/chosen-multiple/"
    ids = [raw, world["question_a"].pk, world["question_b"].pk]
    response = client.get(multiple, {"id": ids})
    assert response.status_code == 200
    chosen_ids = [row["id"] for row in response.json()["result"]]
    assert chosen_ids == [str(world["question_a"].pk)]
