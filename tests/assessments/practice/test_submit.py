"""Sending work on a practical task (services.submission_create): the
resubmission rule, the parts a task accepts, versions, due dates, the
voice note's transcoding after commit, and allocation to an assessor."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Accommodation, Submission, SubmissionFile, TaskAssessment
from assessments.practice.services import (
    SubmissionRefused,
    submission_create,
    submission_publish,
)
from assessments.practice.uploads import UploadRefused
from courses.models import Enrollment
from courses.services import enrollment_create
from tests.factories import trainee, trainer
from tests.factories.cohorts import cohort_with
from tests.factories.practice import submission, task_in

from .submitting import *  # noqa: F403 (fixtures)
from .submitting import TEXT, course_trainer, photo, stored_files, voice


def assess(sub, decision="revision", *, released=True):
    """What the assessing service (another part) leaves: an assessment
    and the status the trainee sees."""
    TaskAssessment.objects.create(
        submission=sub,
        decision=decision,
        score=2,
        max_score=4,
        released_at=timezone.now() if released else None,
    )
    sub.status = decision
    sub.save(update_fields=["status"])


def test_text_and_photo_make_version_one(learner, task, private_media):
    made = submission_create(user=learner, task=task, text=TEXT, photos=[photo()])

    assert made.number == 1
    assert made.status == Submission.Status.WAITING
    assert made.text == TEXT
    files = list(made.files.all())
    assert [(f.kind, f.position, f.content_type, f.ready) for f in files] == [
        ("photo", 0, "image/jpeg", True)
    ]
    assert len(stored_files(private_media)) == 1


def test_second_version_waits_for_an_assessment(learner, task):
    submission_create(user=learner, task=task, text=TEXT)

    with pytest.raises(SubmissionRefused) as refused:
        submission_create(user=learner, task=task, text=TEXT)

    assert "menunggu penilaian" in refused.value.message
    assert Submission.objects.filter(user=learner, task=task).count() == 1


def test_revision_allows_a_new_version_until_pass(learner, task):
    for number in range(1, 5):
        made = submission_create(user=learner, task=task, text=TEXT)
        assert made.number == number
        assess(made, "revision")

    assert Submission.objects.filter(user=learner, task=task).count() == 4


def test_passed_work_takes_no_new_version(learner, task):
    assess(submission_create(user=learner, task=task, text=TEXT), "passed")

    with pytest.raises(SubmissionRefused) as refused:
        submission_create(user=learner, task=task, text=TEXT)

    assert (
        refused.value.message
        == "Hasil kerja Anda sudah lulus: tidak ada lagi yang perlu dikirim."
    )
    assert Submission.objects.filter(user=learner, task=task).count() == 1


def test_resubmissions_are_counted(learner, course):
    task = task_in(course, resubmissions=1)
    assess(submission_create(user=learner, task=task, text=TEXT), "revision")
    assess(submission_create(user=learner, task=task, text=TEXT), "revision")

    with pytest.raises(SubmissionRefused) as refused:
        submission_create(user=learner, task=task, text=TEXT)

    assert (
        refused.value.message
        == "Anda sudah memakai semua kesempatan kirim ulang untuk tugas ini."
    )
    assert Submission.objects.filter(user=learner, task=task).count() == 2


def test_not_enrolled_is_refused(task):
    outsider = trainee()

    with pytest.raises(SubmissionRefused):
        submission_create(user=outsider, task=task, text=TEXT)

    assert not Submission.objects.exists()


def test_withdrawn_is_refused(learner, task):
    Enrollment.objects.filter(user=learner).update(status=Enrollment.Status.WITHDRAWN)

    with pytest.raises(SubmissionRefused):
        submission_create(user=learner, task=task, text=TEXT)

    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "terlalu pendek"}, "text"),
        ({"text": " ".join(["kata"] * 51)}, "text"),
        ({"text": ""}, "text"),
        ({"text": TEXT, "link": "https://contoh.id/toko"}, "link"),
        ({"text": TEXT, "voice": "later"}, "voice"),
        ({"text": TEXT, "photos": ["a", "b", "c"]}, "photos"),
    ],
)
def test_parts_out_of_bounds_are_refused(learner, task, kwargs, field, private_media):
    if kwargs.get("voice") == "later":
        kwargs["voice"] = voice()
    if "photos" in kwargs:
        kwargs["photos"] = [photo() for _ in kwargs["photos"]]

    with pytest.raises(SubmissionRefused) as refused:
        submission_create(user=learner, task=task, **kwargs)

    assert refused.value.field == field
    assert not Submission.objects.exists()
    assert stored_files(private_media) == []


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "ftp://contoh.id/a",
        "bukan tautan",
        "https://" + "a" * 500 + ".id",
    ],
)
def test_bad_links_are_refused(learner, course, link):
    task = task_in(course, accepts_link=True, accepts_text=False, photos_max=0)

    with pytest.raises(SubmissionRefused) as refused:
        submission_create(user=learner, task=task, link=link)

    assert refused.value.field == "link"
    assert not Submission.objects.exists()


def test_link_only_task_takes_a_link(learner, course):
    task = task_in(course, accepts_link=True, accepts_text=False, photos_max=0)

    made = submission_create(user=learner, task=task, link=" https://contoh.id/toko ")

    assert made.link == "https://contoh.id/toko"


def test_too_few_photos_is_refused(learner, course, private_media):
    task = task_in(course, photos_min=2, photos_max=2)

    with pytest.raises(SubmissionRefused) as refused:
        submission_create(user=learner, task=task, text=TEXT, photos=[photo()])

    assert refused.value.message == "Kirim 2 foto (Anda memilih 1)."
    assert stored_files(private_media) == []


def test_due_date_counts_the_trainees_extra_days(learner, course):
    task = task_in(course, due_days=3)
    Accommodation.objects.create(user=learner, task=task, extra_days=2)
    enrolled_at = Enrollment.objects.get(user=learner).enrolled_at

    made = submission_create(user=learner, task=task, text=TEXT)

    assert made.due_at == enrolled_at + timedelta(days=5)


def test_a_bad_second_photo_stores_nothing(learner, task, private_media):
    bad = photo(name="b.jpg", content=b"<?php system($_GET['c']); ?>")

    with pytest.raises(
        UploadRefused, match=r"Foto 2 bukan foto JPEG, PNG, atau WebP\."
    ):
        submission_create(user=learner, task=task, text=TEXT, photos=[photo(), bad])

    assert not Submission.objects.exists()
    assert not SubmissionFile.objects.exists()
    assert stored_files(private_media) == []


def test_a_write_failure_deletes_the_files_written(
    learner, task, private_media, monkeypatch
):
    """The second file's row cannot be written (say the disk filled up):
    the transaction rolls back and the first file is deleted again."""
    original = SubmissionFile.save
    calls = []

    def save_then_fail(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SubmissionFile, "save", save_then_fail)

    with pytest.raises(OSError, match="disk full"):
        submission_create(user=learner, task=task, text=TEXT, photos=[photo(), photo()])

    assert len(calls) == 2
    assert not Submission.objects.exists()
    assert stored_files(private_media) == []


def test_voice_note_is_transcoded_after_commit(
    learner, course, django_capture_on_commit_callbacks, monkeypatch
):
    from assessments import tasks

    task = task_in(course, accepts_voice=True, accepts_text=False, photos_max=0)
    sent = []
    monkeypatch.setattr(
        tasks.submission_voice_transcode_task,
        "apply_async",
        lambda args, task_id=None: sent.append(args[0]),
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = submission_create(user=learner, task=task, voice=voice())
        assert sent == []  # not before the commit

    note = made.files.get()
    assert (note.kind, note.ready, note.error) == ("voice", False, "")
    assert callbacks  # the transcode (and the trainee's new progress token)
    assert sent == [note.pk]


def test_publish_only_passed_work(learner, task):
    made = submission_create(user=learner, task=task, text=TEXT)

    with pytest.raises(SubmissionRefused):
        submission_publish(user=learner, submission_id=made.pk, public=True)
    assess(made, "passed")
    submission_publish(user=learner, submission_id=made.pk, public=True)
    made.refresh_from_db()
    assert made.public is True
    submission_publish(user=learner, submission_id=made.pk, public=False)
    made.refresh_from_db()
    assert made.public is False


def test_publish_someone_elses_work_is_refused(learner, task):
    made = submission(task, learner, status="passed")
    other = trainee()

    with pytest.raises(SubmissionRefused) as refused:
        submission_publish(user=other, submission_id=made.pk, public=True)

    assert refused.value.status == 404
    made.refresh_from_db()
    assert made.public is False


# -- allocation -----------------------------------------------------------------


@pytest.fixture
def cohort_of(course, learner):
    """A cohort over `course` with `learner` as a member and three
    trainers: two whose scope has the course, one whose scope does not."""
    first, second = course_trainer(course), course_trainer(course)
    outside = trainer()
    cohort = cohort_with(courses=[course], teacher=first)
    cohort.trainers.add(second, outside)
    cohort.memberships.create(user=learner)
    return cohort, first, second, outside


def test_allocation_is_round_robin_among_trainers_in_scope(cohort_of, course, task):
    cohort, first, second, _outside = cohort_of
    others = [trainee() for _ in range(3)]
    for person in others:
        enrollment_create(user=person, course=course)
        cohort.memberships.create(user=person)

    chosen = [
        submission_create(user=person, task=task, text=TEXT).assessor_id
        for person in others
    ]

    low, high = sorted([first.pk, second.pk])
    assert chosen == [low, high, low]


def test_resubmission_goes_to_the_same_assessor(cohort_of, learner, task):
    made = submission_create(user=learner, task=task, text=TEXT)
    # The other trainer now has fewer on this task, yet the revision stays.
    assess(made, "revision")

    again = submission_create(user=learner, task=task, text=TEXT)

    assert again.assessor_id == made.assessor_id


def test_no_cohort_leaves_the_work_unallocated(learner, task):
    made = submission_create(user=learner, task=task, text=TEXT)

    assert made.assessor_id is None


def test_a_trainer_never_assesses_their_own_work(course, task):
    both = course_trainer(course)
    enrollment_create(user=both, course=course)
    cohort = cohort_with(courses=[course], teacher=both)
    cohort.memberships.create(user=both)

    made = submission_create(user=both, task=task, text=TEXT)

    assert made.assessor_id is None


def test_withdrawn_member_has_no_cohort_trainers(cohort_of, learner, task):
    cohort, *_ = cohort_of
    cohort.memberships.filter(user=learner).update(status="withdrawn")

    made = submission_create(user=learner, task=task, text=TEXT)

    assert made.assessor_id is None
