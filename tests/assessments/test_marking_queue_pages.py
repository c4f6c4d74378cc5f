"""Every list on the marking queue (`/penilaian/`) that grows with trainees
is paginated in SQL, QUEUE_PER_PAGE (50) rows a page: the waiting tab's
practical tasks, offline reviews and essays (each with its own page
parameter), and the release, assessed, marked and offline tabs. Per list:
the page takes as many queries for 3 rows as for 60, shows 50 rows, the
total and a link to page 2, and page 2 shows the other 10. Page links
keep the tab, the cohort and the other lists' pages; a bad page number
shows the nearest page; releasing from page 2 comes back to page 2."""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.demo import attempt_take
from assessments.models import Attempt, AttemptQuestion, SyncItem
from assessments.views import QUEUE_PER_PAGE
from lms.cohorts.models import CohortMembership
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.practice import submission

from .practice.test_assess import assess, task_world

pytestmark = pytest.mark.django_db

QUEUE = "/penilaian/"


def _submissions(world, n):
    return [submission(world.task, trainee()) for _ in range(n)]


def _attempts(world, n, kind):
    """`n` more submitted attempts of world.trainee at one quiz of `kind`
    ("essay": waiting for a mark; "single": graded)."""
    if not hasattr(world, "quiz"):
        world.quiz = quiz_in(
            world.course, [question(kind, points=4)], slug=f"kuis-{kind}"
        )
    return [
        attempt_take(user=world.trainee, quiz=world.quiz, right=True) for _ in range(n)
    ]


def _tasks_waiting(world, n):
    _submissions(world, n - (0 if getattr(world, "started", False) else 1))
    world.started = True


def _tasks_unreleased(world, n):
    # world from task_world(release_marks=True): assessed, not released.
    if not getattr(world, "started", False):
        assess(world, 2, 2)
        n -= 1
        world.started = True
    for s in _submissions(world, n):
        assess(world, 2, 2, submission_=s)


def _essays(world, n):
    _attempts(world, n, "essay")


def _marked(world, n):
    attempts = _attempts(world, n, "essay")
    AttemptQuestion.objects.filter(attempt__in=attempts).update(
        points=2, marked_by=world.trainer, marked_at=timezone.now()
    )
    Attempt.objects.filter(pk__in=[a.pk for a in attempts]).update(
        status=Attempt.Status.GRADED
    )


def _reviews(world, n):
    attempts = _attempts(world, n, "single")
    Attempt.objects.filter(pk__in=[a.pk for a in attempts]).update(
        status=Attempt.Status.REVIEW
    )


def _not_counted(world, n):
    attempts = _attempts(world, n, "single")
    SyncItem.objects.bulk_create(
        SyncItem(
            user=world.trainee,
            client_id=uuid.uuid4(),
            kind=SyncItem.Kind.ATTEMPT_SUBMIT,
            attempt=a,
            payload={},
            outcome=SyncItem.Outcome.NOT_COUNTED,
            reason=SyncItem.Reason.ALREADY_SUBMITTED,
        )
        for a in attempts
    )


@dataclass
class QueueList:
    name: str
    url: str  # the tab
    param: str  # its page parameter
    row: str  # a pattern each row shows once
    total: str  # the total line, "{n}" for the number
    add: Callable
    release_marks: bool = False


LISTS = [
    QueueList(
        "tasks",
        QUEUE,
        "page",
        r'href="/penilaian/tugas/(\d+)/"',
        "{n} tugas praktik menunggu",
        _tasks_waiting,
    ),
    QueueList(
        "essays",
        QUEUE,
        "essays",
        r'href="/penilaian/jawaban/(\d+)/"',
        "{n} esai menunggu",
        _essays,
    ),
    QueueList(
        "reviews",
        QUEUE,
        "reviews",
        r'action="/penilaian/luring/(\d+)/tinjau/"',
        "{n} percobaan perlu ditinjau",
        _reviews,
    ),
    QueueList(
        "release",
        QUEUE + "?tab=release",
        "page",
        r'name="assessment" value="(\d+)"',
        "{n} penilaian menunggu dirilis",
        _tasks_unreleased,
        release_marks=True,
    ),
    QueueList(
        "assessed",
        QUEUE + "?tab=assessed",
        "page",
        r'href="/penilaian/tugas/(\d+)/"',
        "{n} tugas praktik sudah dinilai",
        _tasks_unreleased,
    ),
    QueueList(
        "marked",
        QUEUE + "?tab=marked",
        "page",
        r'href="/penilaian/jawaban/(\d+)/"',
        "{n} jawaban sudah dinilai",
        _marked,
    ),
    QueueList(
        "offline",
        QUEUE + "?tab=offline",
        "page",
        r'<li class="mark-card">()',
        "{n} jawaban offline disimpan",
        _not_counted,
    ),
]


def _with(url, **params):
    return (
        url
        + ("&" if "?" in url else "?")
        + "&".join(f"{k}={v}" for k, v in params.items())
    )


def _rows(html, pattern):
    return re.findall(pattern, html)


def test_the_row_patterns_name_the_queue_urls():
    # The patterns above are the queue's own URLs (a moved URL fails here,
    # not as a confusing count).
    assert reverse("assessments:task_assess", args=[7]) == "/penilaian/tugas/7/"
    assert reverse("assessments:mark", args=[7]) == "/penilaian/jawaban/7/"
    assert (
        reverse("assessments:offline_review", args=[7]) == "/penilaian/luring/7/tinjau/"
    )
    assert QUEUE_PER_PAGE == 50


@pytest.mark.parametrize("queue_list", LISTS, ids=[q.name for q in LISTS])
def test_each_list_is_paged_50_rows_at_a_constant_query_count(client, queue_list):
    world = task_world(release_marks=queue_list.release_marks)
    if queue_list.name in ("essays", "reviews", "marked", "offline"):
        world.submission.delete()  # only this list on its tab
    client.force_login(world.trainer)
    queue_list.add(world, 3)
    client.get(queue_list.url)  # warm the page rules' cache (a quiz was added)
    with CaptureQueriesContext(connection) as few:
        html = client.get(queue_list.url).content.decode()
    assert len(_rows(html, queue_list.row)) == 3
    assert queue_list.total.format(n=3) in html
    assert 'aria-current="page"><span class="visually-hidden">' not in html

    queue_list.add(world, 57)
    with CaptureQueriesContext(connection) as many:
        response = client.get(queue_list.url)
    html = response.content.decode()
    assert len(many) == len(few)
    first = _rows(html, queue_list.row)
    assert len(first) == 50
    assert queue_list.total.format(n=60) in html
    # A relative link keeping the tab: "?tab=release&amp;page=2".
    next_link = _with(queue_list.url, **{queue_list.param: 2})
    assert 'href="' + next_link.removeprefix(QUEUE).replace("&", "&amp;") in html
    assert 'rel="next"' in html
    assert re.search(
        r'<nav class="pager pager--numbers" aria-label="Halaman[^"]*">', html
    )
    assert re.search(
        r'aria-current="page"><span class="visually-hidden">Halaman </span>1</a>', html
    )

    html = client.get(_with(queue_list.url, **{queue_list.param: 2})).content.decode()
    second = _rows(html, queue_list.row)
    assert len(second) == 10
    assert 'rel="prev"' in html
    assert 'rel="next"' not in html
    assert re.search(
        r'aria-current="page"><span class="visually-hidden">Halaman </span>2</a>', html
    )
    if queue_list.name != "offline":  # its rows carry no id
        assert len(set(first) | set(second)) == 60


@pytest.mark.parametrize(
    "url",
    [
        QUEUE + "?page=",
        QUEUE + "?essays=",
        QUEUE + "?reviews=",
        QUEUE + "?tab=release&page=",
        QUEUE + "?tab=assessed&page=",
        QUEUE + "?tab=marked&page=",
        QUEUE + "?tab=offline&page=",
    ],
)
def test_a_bad_page_number_shows_the_nearest_page(client, url):
    world = task_world()
    client.force_login(world.trainer)
    task = reverse("assessments:task_assess", args=[world.submission.pk])
    for page in ("0", "-1", "999999", "abc", "%00", "1e3", "2%00", "", "%20"):
        response = client.get(url + page)
        assert response.status_code == 200, page
        if "tab=" not in url:
            assert task in response.content.decode(), page


def test_each_pager_on_the_waiting_tab_keeps_the_others_page(client):
    world = task_world()
    _tasks_waiting(world, 60)
    _essays(world, 55)
    client.force_login(world.trainer)
    html = client.get(QUEUE + "?page=2").content.decode()
    assert len(_rows(html, r'href="/penilaian/tugas/(\d+)/"')) == 10
    assert len(_rows(html, r'href="/penilaian/jawaban/(\d+)/"')) == 50
    assert 'href="?page=2&amp;essays=2#essays"' in html
    assert 'href="?page=1#tasks"' in html
    assert 'aria-label="Halaman: tugas praktik"' in html
    assert 'aria-label="Halaman: esai"' in html
    html = client.get(QUEUE + "?page=2&essays=2").content.decode()
    assert len(_rows(html, r'href="/penilaian/tugas/(\d+)/"')) == 10
    assert len(_rows(html, r'href="/penilaian/jawaban/(\d+)/"')) == 5


def test_the_release_tab_pages_within_a_cohort_and_releases_one_page(client):
    world = task_world(release_marks=True)
    cohort = cohort_with(code="desa-b", courses=[world.course], teacher=world.trainer)
    _tasks_unreleased(world, 60)
    for s in world.task.submissions.all():
        CohortMembership.objects.get_or_create(cohort=cohort, user=s.user)
    outsider = trainee()  # not in the cohort: never listed in it
    assess(world, 2, 2, submission_=submission(world.task, outsider))
    client.force_login(world.trainer)
    url = f"{QUEUE}?tab=release&cohort={cohort.pk}"
    html = client.get(url).content.decode()
    assert "60 penilaian menunggu dirilis" in html
    assert f'href="?tab=release&amp;cohort={cohort.pk}&amp;page=2"' in html

    html = client.get(url + "&page=2").content.decode()
    ids = _rows(html, r'name="assessment" value="(\d+)"')
    assert len(ids) == 10
    release = f"/penilaian/tugas/rilis/?tab=release&cohort={cohort.pk}&page=2"
    action = 'action="' + release.replace("&", "&amp;") + '"'
    assert action in html
    response = client.post(
        release,
        {"assessment": ids},
    )
    assert response.status_code == 302
    assert response["Location"] == url + "&page=2"
    html = client.get(response["Location"]).content.decode()
    assert "50 penilaian menunggu dirilis" in html  # the page released, no more
    assert len(_rows(html, r'name="assessment" value="(\d+)"')) == 50
    assert not set(ids) & set(_rows(html, r'name="assessment" value="(\d+)"'))
    html = client.get(f"{QUEUE}?tab=release").content.decode()
    assert "51 penilaian menunggu dirilis" in html  # the outsider's is kept
