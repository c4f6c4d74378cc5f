"""Attacks on the cohort dashboard's kept facts (lms/cohorts/facts.py):
write paths of the application that change what the dashboard (or a
cohort export) shows, each followed by a comparison of the kept figures
with a fresh count (the shared cache as unreachable: nothing kept).

Written by a break pass (a reviewer who did not write facts.py). Two
groups, kept apart:
- BREAKS (`test_break_*`): writes after which the kept figures differed
  from a fresh count, each fixed as a kind: an offline package opened
  online (an update() covered only in another branch: the walk in
  tests/courses/test_progress_snapshot.py now checks blocks), an assessor
  deleted (the names are read live and only existing assessors count),
  and a publish landing while a task counts (the version is read before
  the outline). They pass now and stay as regression tests.
- HOLDS (`test_holds_*`): writes and situations that were followed
  correctly from the start; regression tests."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from assessments.models import QuizPage, Submission, TaskPage
from assessments.offline.services import package_make, package_release
from assessments.services.attempts import attempt_start
from courses.models import Enrollment, LearningPath, LearningPathCourse
from courses.services import enrollment_create_many, lesson_complete
from lms.certificates.models import Certificate
from lms.certificates.services import certificate_revoke
from lms.cohorts import facts, selectors
from lms.cohorts.models import CohortMembership
from lms.cohorts.selectors import cohort_progress
from lms.cohorts.services import cohort_member_add, cohort_member_remove
from tests.cohorts.test_dashboard_facts import NOW, World, _certificate, _figures
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def _shown(progress) -> dict:
    """`_figures` and what else a row shows: name, village, status label,
    joining date."""
    shown = _figures(progress)
    shown["people"] = [
        (r.user_id, r.name, r.phone, r.email, r.village, r.status_label, r.joined_at)
        for r in progress.rows
    ]
    shown["courses"] = [c.pk for c in progress.courses]
    return shown


@pytest.fixture
def fresh(monkeypatch):
    """`fresh(cohort, now=NOW)`: the figures counted from the database (as
    with the shared cache unreachable: nothing read or stored)."""

    def count(cohort, now=NOW) -> dict:
        with monkeypatch.context() as patch:
            patch.setattr(facts, "content_version", lambda: "")
            return _shown(cohort_progress(cohort=cohort, now=now))

    return count


def kept(cohort, now=NOW) -> dict:
    return _shown(cohort_progress(cohort=cohort, now=now))


def _follows(w, fresh, write, prepare=None, cohorts=None) -> None:
    """Keep the facts (and check them), write, and compare the kept figures
    with a fresh count, for `w.cohort` (and any `cohorts`)."""
    cohorts = [w.cohort, *(cohorts or [])]
    if prepare:
        prepare(w)
    before = [kept(c) for c in cohorts]
    assert [kept(c) for c in cohorts] == before == [fresh(c) for c in cohorts]
    write(w)
    after = [fresh(c) for c in cohorts]
    assert after != before, "the write must change what the dashboard shows"
    assert [kept(c) for c in cohorts] == after


def _publish(page_model, pk, **fields) -> None:
    page = page_model.objects.get(pk=pk).specific
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


# == BREAKS ====================================================================


def test_break_offline_package_opened_online(home, fresh):
    """A quiz saved for offline, then opened online on the same quiz: the
    attempt goes `downloaded` -> `in_progress` by update() with no
    progress_changed (assessments/services/attempts.py `_attempt_resume`,
    online branch; the walk in test_progress_snapshot.py passes because
    the offline branch of the same function calls progress_changed). The
    dashboard keeps "1 quiz unsynced" (and, after three days, the at-risk
    reason "offline answers unsynced")."""
    _follows(
        World(),
        fresh,
        prepare=lambda w: package_make(user=w.c, quiz=w.quiz),
        write=lambda w: attempt_start(user=w.c, quiz=w.quiz),
    )


def test_break_offline_package_opened_online_at_risk_later(home, fresh):
    """The same write seen through the at-risk list three days on: the
    kept facts still say a package waits since the save."""
    w = World()
    package_make(user=w.c, quiz=w.quiz)
    later = timezone.now() + dt.timedelta(days=4)
    assert kept(w.cohort, later) == fresh(w.cohort, later)
    attempt_start(user=w.c, quiz=w.quiz)
    assert kept(w.cohort, later)["at_risk"] == fresh(w.cohort, later)["at_risk"]


def test_break_assessor_deleted(home, fresh):
    """A trainer who assessed a version is deleted (Wagtail's user admin):
    TaskAssessment.assessor is SET_NULL by the deletion collector's UPDATE,
    which sends no signal, so no token changes. The kept facts still hold
    (assessor id, delay): the "time to feedback" table keeps a row with no
    name, counted against nobody; a fresh count has no row."""
    _follows(
        World(),
        fresh,
        prepare=lambda w: w.assess(w.version, "passed"),
        write=lambda w: w.assessor.delete(),
    )


def test_break_content_change_while_counting_outside_a_request(
    home, fresh, monkeypatch
):
    """Outside a request (the export task, reminders, the daily summary run
    in Celery) the content version is not pinned: `cohort_progress` reads
    the outlines under version V1, a publish elsewhere makes V2, then
    `member_facts` reads V2 and stores facts counted with V1's outline
    under V2's stamp. Here the quiz stops being required between the two:
    the kept facts still say "failed a required quiz twice" under the
    current version, until the trainee's token changes (up to 24 hours)."""
    w = World()
    w.attempt(w.b, w.quiz, 2, 10)  # b failed the required quiz twice
    assert kept(w.cohort) == fresh(w.cohort)
    outlines = selectors.course_outlines

    def outlines_then_publish(**kwargs):
        found = outlines(**kwargs)
        _publish(QuizPage, w.quiz.pk, required=False)  # lands meanwhile
        return found

    monkeypatch.setattr(selectors, "course_outlines", outlines_then_publish)
    cohort_progress(cohort=w.cohort, now=NOW)  # e.g. the export task
    monkeypatch.setattr(selectors, "course_outlines", outlines)
    assert kept(w.cohort) == fresh(w.cohort)


# == HOLDS (regression) ========================================================


def _second_cohort(w: World):
    """Another cohort over the first course with trainee a in it too."""
    other = cohort_with(courses=[w.first], code="angkatan-2")
    cohort_member_add(cohort=other, user=w.a)
    return other


def _path_with(w: World, course) -> LearningPath:
    path = LearningPath.objects.create(title="Jalur", slug="jalur", role="advertiser")
    LearningPathCourse.objects.create(path=path, course=course, sort_order=0)
    return path


def _regrade(w: World) -> None:
    from django.http import QueryDict

    from assessments.models import Choice
    from assessments.services import (
        attempt_answer,
        attempt_submit,
    )
    from tests.factories.assessments import question, quiz_in

    numeric = question("numeric", numeric_answer="9.8", numeric_tolerance="0")
    quiz = quiz_in(w.first, [numeric], slug="angka", pass_mark=40)
    attempt = attempt_start(user=w.a, quiz=quiz)
    data = QueryDict(mutable=True)
    data["value"] = "9,80665"
    attempt_answer(user=w.a, attempt_id=attempt.pk, order=1, data=data)
    attempt_submit(user=w.a, attempt_id=attempt.pk)
    w.regraded = (numeric, Choice)


def _regrade_run(w: World) -> None:
    from decimal import Decimal

    from assessments.services import question_regrade, regrade_request

    numeric, Choice = w.regraded
    Choice.objects.create(
        question=numeric,
        number=Decimal("9.80665"),
        tolerance=Decimal("0.00001"),
        fraction=100,
        sort_order=1,
    )
    question_regrade(job_id=regrade_request(question=numeric, user=None).pk)


def _rename(user, name) -> None:
    user.display_name = name
    user.save()


def _enrolment_readded(w: World) -> None:
    Enrollment.objects.filter(user=w.a, course=w.first).update(
        status=Enrollment.Status.WITHDRAWN
    )  # as withdrawn earlier (then the token was replaced)
    from courses.progress import progress_changed

    progress_changed(w.a.pk)


HOLDS = {
    "a trainee renamed": lambda w: _rename(w.a, "Siti Baru"),
    "an assessor renamed": (
        lambda w: w.assess(w.version, "passed"),
        lambda w: _rename(w.assessor, "Pelatih Baru"),
    ),
    "a membership's village edited": lambda w: CohortMembership.objects.filter(
        user=w.a
    ).update(village="Sukamaju"),
    "a member graduated (admin save)": lambda w: CohortMembership.objects.filter(
        user=w.b
    ).update(status=CohortMembership.Status.GRADUATED),
    "a member removed then added again": (
        lambda w: lesson_complete(user=w.c, lesson=lessons_of(w.first)[1]),
        lambda w: (
            cohort_member_remove(cohort=w.cohort, user=w.c),
            kept(w.cohort),
            cohort_member_add(cohort=w.cohort, user=w.c),
            lesson_complete(user=w.c, lesson=lessons_of(w.first)[2]),
        ),
    ),
    "a course removed from the cohort": lambda w: w.cohort.courses.remove(w.second),
    "every course removed from the cohort": lambda w: w.cohort.courses.clear(),
    "a course removed and added back after work in it": lambda w: (
        w.cohort.courses.remove(w.second),
        kept(w.cohort),
        [lesson_complete(user=w.a, lesson=lesson) for lesson in lessons_of(w.second)],
        w.cohort.courses.add(w.second),
    ),
    "a learning path given to the cohort": lambda w: (
        setattr(
            w.cohort,
            "learning_path",
            _path_with(w, course_tree(modules=1, lessons=1, slug="jalur-kursus")),
        ),
        w.cohort.save(),
    ),
    "a course added to the cohort's learning path": (
        lambda w: (
            setattr(w.cohort, "learning_path", _path_with(w, w.second)),
            w.cohort.save(),
        ),
        lambda w: LearningPathCourse.objects.create(
            path=w.cohort.learning_path,
            course=course_tree(modules=1, lessons=1, slug="tambahan"),
            sort_order=1,
        ),
    ),
    "the courses reordered in the tree": lambda w: w.second.move(w.first, pos="left"),
    "a quiz unpublished": lambda w: QuizPage.objects.get(pk=w.quiz.pk).unpublish(),
    "a task unpublished": lambda w: TaskPage.objects.get(pk=w.task.pk).unpublish(),
    "a course unpublished": lambda w: w.second.specific.unpublish(),
    "a quiz made optional": lambda w: _publish(QuizPage, w.quiz.pk, required=False),
    "a lesson made optional": lambda w: _publish(
        type(lessons_of(w.first)[0]), lessons_of(w.first)[0].pk, required=False
    ),
    "a pre-test role given": lambda w: _publish(QuizPage, w.quiz.pk, test_role="pre"),
    "a submission deleted (admin)": lambda w: Submission.objects.filter(
        pk=w.version.pk
    ).delete(),
    "a certificate revoked": (
        _certificate,
        lambda w: certificate_revoke(
            certificate=Certificate.objects.get(user=w.c),
            actor=w.assessor,
            reason="salah",
        ),
    ),
    "a trainee's account deleted": lambda w: w.b.delete(),
    "an offline package given back": (
        lambda w: setattr(w, "package", package_make(user=w.c, quiz=w.quiz)),
        lambda w: package_release(user=w.c, attempt_id=w.package.pk),
    ),
    "an enrolment reactivated by an import": (
        _enrolment_readded,
        lambda w: enrollment_create_many(
            user_ids=[w.a.pk], course=w.first, source=Enrollment.Source.COHORT
        ),
    ),
    "a question regraded": (_regrade, _regrade_run),
}


@pytest.mark.parametrize("write", HOLDS, ids=list(HOLDS))
def test_holds_kept_figures_follow(home, fresh, write):
    entry = HOLDS[write]
    prepare, write = entry if isinstance(entry, tuple) else (None, entry)
    _follows(World(), fresh, write, prepare=prepare)


def test_holds_two_cohorts_sharing_a_trainee(home, fresh):
    """Work in a shared course shows in both cohorts; a certificate counts
    only where the membership covers it; leaving one cohort changes
    nothing in the other."""
    w = World()
    other = _second_cohort(w)
    _follows(
        w,
        fresh,
        lambda w: lesson_complete(user=w.a, lesson=lessons_of(w.first)[1]),
        cohorts=[other],
    )
    cohort_member_remove(cohort=other, user=w.a)
    assert [kept(w.cohort), kept(other)] == [fresh(w.cohort), fresh(other)]
    for lesson in lessons_of(w.first):
        lesson_complete(user=w.a, lesson=lesson)
    assert [kept(w.cohort), kept(other)] == [fresh(w.cohort), fresh(other)]


def test_holds_shared_cache_flushed_while_the_memo_holds(home, fresh):
    """Redis flushed between two views (tokens and version gone) while this
    process's memo still holds every member: new tokens, nothing stale."""
    w = World()
    assert kept(w.cohort) == fresh(w.cohort)
    assert facts._memo
    cache.clear()
    lesson_complete(user=w.a, lesson=lessons_of(w.first)[1])
    assert kept(w.cohort) == fresh(w.cohort)
    cache.clear()
    assert kept(w.cohort) == fresh(w.cohort)


def test_holds_unreachable_then_back(home, fresh, monkeypatch):
    """Views while the shared cache is unreachable count everyone; a write
    meanwhile (its token written) shows once it is back."""
    w = World()
    assert kept(w.cohort) == fresh(w.cohort)
    with monkeypatch.context() as patch:
        patch.setattr(facts, "content_version", lambda: "")
        lesson_complete(user=w.b, lesson=lessons_of(w.first)[1])
        assert kept(w.cohort) == fresh(w.cohort)
    assert kept(w.cohort) == fresh(w.cohort)


@pytest.mark.parametrize("days", [3, 8, 30])
def test_holds_the_clock_per_view(home, fresh, days):
    """At-risk reasons and "active in 7 days" from kept facts on a later
    day are those of a fresh count on that day."""
    w = World()
    package_make(user=w.c, quiz=w.quiz)
    w.assess(w.version, "revision")
    assert kept(w.cohort) == fresh(w.cohort)
    later = timezone.now() + dt.timedelta(days=days)
    assert kept(w.cohort, later) == fresh(w.cohort, later)


def test_holds_export_matches_a_fresh_count(home, fresh, monkeypatch):
    """The matrix export built from kept facts after a write equals one
    built from a fresh count."""
    from lms.cohorts import services

    w = World()

    def rows(counted: bool):
        with monkeypatch.context() as patch:
            if counted:
                patch.setattr(facts, "content_version", lambda: "")
            _count, lines = services._matrix_rows(cohort=w.cohort)
            return [[str(cell) for cell in line] for line in lines]

    rows(False)
    lesson_complete(user=w.a, lesson=lessons_of(w.first)[1])
    assert rows(False) == rows(True)


def _sync(client, user, items: list) -> None:
    import json

    from django.urls import reverse

    client.force_login(user)
    response = client.post(
        reverse("assessments:offline_sync"),
        json.dumps({"items": items}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content[:300]


def test_holds_offline_work_synced(client, home, fresh):
    """A phone sends back a saved quiz and a lesson done offline (the sync
    endpoint): both show at once."""
    from tests.support.offline import lesson_item, submit_item

    w = World()
    package = package_make(user=w.c, quiz=w.quiz)
    assert kept(w.cohort) == fresh(w.cohort)
    before = fresh(w.cohort)
    _sync(
        client,
        w.c,
        [submit_item(package), lesson_item(lessons_of(w.first)[2])],
    )
    assert fresh(w.cohort) != before
    assert kept(w.cohort) == fresh(w.cohort)


def test_holds_withdrawn_member_invited_again_by_an_import(home, fresh):
    """An import names a withdrawn member again: the membership becomes an
    invitation by update() and the row leaves the dashboard at once."""
    w = World()
    cohort_member_remove(cohort=w.cohort, user=w.c)
    assert kept(w.cohort) == fresh(w.cohort)
    before = fresh(w.cohort)
    CohortMembership.objects.filter(cohort=w.cohort, user=w.c).update(
        status=CohortMembership.Status.INVITED
    )  # what cohort_import_apply writes for such a row
    assert fresh(w.cohort) != before
    assert kept(w.cohort) == fresh(w.cohort)
