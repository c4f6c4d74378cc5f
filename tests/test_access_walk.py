"""Every URL that takes an id, as every role, on every kind of closed target:
nothing is created or changed, no 500, no closed content shown.

How it works
------------
`url_patterns_with_ids()` walks `get_resolver()` recursively and yields each
pattern that takes an id: an int (a `<int:...>` converter, or a digit group in
a regex) or a UUID (a `<uuid:...>` converter). For each,
`TARGETS[kwarg](world)` gives the values to put in each id kwarg, built on a
*world* (see `World`): a course with a module, a lesson and a quiz (single
choice + essay), trainee A enrolled with a submitted attempt waiting for
marking, an open attempt and an issued certificate, trainee B (not enrolled),
a trainer who may edit only another course, cohort A (trainee A, the closed
course) and cohort B (trainee B, the other course) each with a finished
export, the manager of a third cohort C (which the trainer teaches), and a
superuser. Cohort and certificate targets are closed by staff scope rather
than by the scenario: every role but the superuser is outside them (trainee A
owns the certificate: its files are theirs, nobody else's). The world is then
closed in one way per scenario (SCENARIOS: restricted to a group, protected by
a password, course unpublished, module unpublished) and every URL is called
with GET and POST (POST_DATA gives a valid form for the URL name, so a missing
check would write) as each role. After each call the database must be what it
was (`db_snapshot`: every row of SNAPSHOT_MODELS), the response must not be a
server error, and closed content (SECRETS) must not appear; the certificate's
and the exports' files only to the roles in FILE_SECRETS. The Wagtail page
URLs of the course, module, lesson and quiz are walked the same way.

A pattern with an id kwarg that TARGETS does not know fails the test
(`test_every_id_taking_url_is_known`), so a new view is covered as soon as it
is added, or the test says what to add.

Extending it (certificates, cohorts, exports...)
-----------------------------------------------
- New kwarg (e.g. `certificate_id`, or a `<uuid:...>` one): add
  `TARGETS["certificate_id"] = lambda w: [...]`, creating what it needs in
  `World.__init__` (before the scenario closes the course) and keeping it on
  `self`.
- New models the view could write: add them to SNAPSHOT_MODELS.
- A POST that needs a valid form to write anything: add POST_DATA[url name].
- Staff-only areas covered by their own scope tests: EXCLUDED_PREFIXES, with
  the reason. Never add a route there to silence this test.
- Views open to the superuser by design (a POST there would write):
  SUPERUSER_MAY_WRITE, with the reason; their GETs are still walked."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter
from wagtail.models import GroupPagePermission, PageViewRestriction

from assessments.demo import answer_data, attempt_take
from assessments.models import (
    Accommodation,
    Attempt,
    AttemptQuestion,
    CriterionResult,
    RegradeJob,
    Submission,
    SubmissionFile,
    SyncItem,
    TaskAssessment,
)
from assessments.offline.services import package_make
from assessments.services import attempt_start
from courses.models import Enrollment, LessonCompletion, ModulePage
from courses.services import enrollment_create
from lms.accounts.models import PasswordLink, User
from lms.certificates.models import Certificate, CertificateEvent
from lms.certificates.services import certificate_ensure
from lms.cohorts.models import (
    Announcement,
    Cohort,
    CohortExport,
    CohortImport,
    CohortMembership,
    ReminderOptOut,
    ReminderRun,
)
from lms.cohorts.services import cohort_import_plan
from lms.notifications.models import Delivery, Notification
from tests.factories import UserFactory, program_manager, trainee, trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree, lessons_of
from tests.factories.practice import submission, task_in

pytestmark = pytest.mark.django_db

# Staff areas with their own permission checks and scope tests.
EXCLUDED_PREFIXES = {
    "admin/": "Wagtail admin: Wagtail's permission policies; staff scope tests",
    "django-admin/": "Django admin: superusers only",
}
# Regex routes whose digit groups are not page, course, quiz or attempt ids.
NOT_COURSE_DATA = {
    "wagtaildocs_serve": "a document id, guarded by Wagtail's collection "
    "view restrictions; no course page, attempt or enrolment",
}

SECRETS = (
    "Isi rahasia",
    "Soal single?",
    "Penjelasan single.",
    "Jawaban esai",
    "Karya tugas rahasia",
)
# Files behind an id, and the only roles that may receive them.
CERTIFICATE_FILE = "rahasia-sertifikat-A"
TASK_FILE = "rahasia-tugas-A"
FILE_SECRETS = {
    CERTIFICATE_FILE: {"trainee A (enrolled)", "superuser"},
    # Trainee A's task photo: theirs, and the superuser's (every task is in
    # a superuser's staff scope).
    TASK_FILE: {"trainee A (enrolled)", "superuser"},
    "rahasia-ekspor-A": {"superuser"},
    "rahasia-ekspor-B": {"superuser"},
}
# URL name prefixes the superuser may write through by design (every other
# role is outside them); their GETs are still walked as the superuser.
SUPERUSER_MAY_WRITE = {
    "cohorts:": "a superuser manages every cohort (cohorts_managed_by): "
    "removing a member, importing, requesting an export are theirs to do",
}

SNAPSHOT_MODELS = [
    Enrollment,
    LessonCompletion,
    Attempt,
    AttemptQuestion,
    SyncItem,
    Accommodation,
    RegradeJob,
    User,
    Cohort,
    Cohort.courses.through,
    Cohort.managers.through,
    Cohort.trainers.through,
    CohortMembership,
    CohortExport,
    CohortImport,
    PasswordLink,
    ReminderRun,
    ReminderOptOut,
    Announcement,
    Notification,
    Delivery,
    Certificate,
    CertificateEvent,
    Submission,
    SubmissionFile,
    TaskAssessment,
    CriterionResult,
]


class World:
    """Everything the walked URLs point at, built while the course is open."""

    def __init__(self):
        self.course = course_tree(modules=1, lessons=1, title="Kursus Tertutup")
        self.module = ModulePage.objects.child_of(self.course).get()
        self.lesson = lessons_of(self.course)[0]
        self.quiz = quiz_in(self.course, [question("single"), question("essay")])
        self.trainee_a = trainee()
        enrollment_create(user=self.trainee_a, course=self.course)
        self.marking = attempt_take(user=self.trainee_a, quiz=self.quiz, right=True)
        self.essay = self.marking.items.get(snapshot__kind="essay")
        # An offline attempt held for a trainer's review (assessments/offline):
        # its result page, and the review decision nobody walked may make.
        self.review = package_make(user=self.trainee_a, quiz=self.quiz)
        Attempt.objects.filter(pk=self.review.pk).update(
            status=Attempt.Status.REVIEW, submitted_at=self.now()
        )
        self.open_attempt = attempt_start(user=self.trainee_a, quiz=self.quiz)
        self._task()
        self.trainee_b = trainee()
        other = course_tree(modules=1, lessons=1, title="Kursus Lain")
        self.trainer = trainer()
        editors = Group.objects.create(name="Pelatih Kursus Lain")
        editors.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=editors,
                page=other,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        self.trainer.groups.add(editors)
        self._certificate()
        self._cohorts(other)
        self.superuser = UserFactory(is_superuser=True, is_staff=True)
        self.restriction_ids: list[int] = []
        self.scenario = ""
        self.page_urls = {
            p.url: p
            for p in (self.course, self.module, self.lesson, self.quiz, self.task)
        }

    def _task(self) -> None:
        """A practical task with trainee A's version needing revision (so a
        new version would be taken if a check were missing) and its photo."""
        self.task = task_in(self.course)
        self.submission = submission(
            self.task,
            self.trainee_a,
            text="Karya tugas rahasia trainee A.",
            status=Submission.Status.REVISION,
        )
        self.task_file = SubmissionFile(
            submission=self.submission, kind="photo", content_type="image/jpeg"
        )
        self.task_file.file.save("walk.jpg", ContentFile(TASK_FILE.encode()))

    def _certificate(self) -> None:
        """Trainee A's issued certificate with its files (the course is
        not completed: the walk is about who reaches the row and files)."""
        enrollment = Enrollment.objects.get(user=self.trainee_a, course=self.course)
        Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=self.now())
        enrollment.refresh_from_db()
        self.certificate, _created = certificate_ensure(enrollment=enrollment)
        self.certificate.status = Certificate.Status.ISSUED
        self.certificate.issued_at = self.now()
        name = f"walk-{self.certificate.uuid}"
        self.certificate.pdf.save(
            f"{name}.pdf", ContentFile(f"%PDF-1.4 {CERTIFICATE_FILE}".encode())
        )
        self.certificate.credential.save(
            f"{name}.json", ContentFile(f'{{"x": "{CERTIFICATE_FILE}"}}'.encode())
        )

    def _cohorts(self, other) -> None:
        """Cohort A (trainee A, the closed course) and cohort B (trainee B,
        the other course), each with a finished export and a valid import
        token of its manager; cohort C, managed by `cohort_manager` and
        taught by the trainer, with a member and an export of its own."""
        self.cohort_manager = program_manager()
        self.cohorts = {}
        self.exports = {}
        self.import_tokens = {}
        self.hand_deliveries = {}
        for code, courses, member in (
            ("A", [self.course], self.trainee_a),
            ("B", [other], self.trainee_b),
        ):
            manager = program_manager()
            cohort = cohort_with(
                code=f"walk-{code.lower()}", courses=courses, manager=manager
            )
            CohortMembership.objects.create(cohort=cohort, user=member)
            export = CohortExport.objects.create(
                cohort=cohort, kind="matrix", format="csv", status="done", rows=1
            )
            export.file.save(
                "walk.csv", ContentFile(f"nama\nrahasia-ekspor-{code}\n".encode())
            )
            upload = SimpleUploadedFile(
                "peserta.csv",
                b"nama,telepon,email,desa\nSiti Walk,0812 5555 0001,,Batu\n",
                content_type="text/csv",
            )
            plan = cohort_import_plan(cohort=cohort, upload=upload, by=manager)
            assert plan.ok, plan
            self.import_tokens[cohort.pk] = plan.token(cohort=cohort, user=manager)
            self.cohorts[code] = cohort
            self.exports[code] = export
            # A reminder waiting in the cohort's by-hand list ("Tandai
            # terkirim" would mark it sent if a check were missing).
            waiting = Notification.objects.create(
                user=member,
                kind="reminder",
                key=f"reminder:walk-{code}",
                subject="Pengingat",
                body="Ayo belajar lagi.",
                cohort=cohort,
                status="by_hand",
                channel="hand",
            )
            self.hand_deliveries[cohort.pk] = Delivery.objects.create(
                notification=waiting, channel="hand", status="waiting"
            ).pk
        own = cohort_with(
            code="walk-c",
            courses=[other],
            manager=self.cohort_manager,
            teacher=self.trainer,
        )
        CohortMembership.objects.create(cohort=own, user=trainee())
        # Invitations no walked role may answer (only the invitee may:
        # tests/test_cohort_trust.py): to cohort A, and to cohort C, which
        # the walked manager and trainer run.
        self.invitations = [
            CohortMembership.objects.create(
                cohort=self.cohorts["A"], user=trainee(), status="invited"
            ),
            CohortMembership.objects.create(
                cohort=own, user=trainee(), status="invited"
            ),
        ]
        CohortExport.objects.create(
            cohort=own, kind="matrix", format="csv", status="done", rows=1
        )

    @staticmethod
    def now():
        from django.utils import timezone

        return timezone.now()

    @property
    def course_closed(self) -> bool:
        return self.scenario != "unpublished module"

    def closed_pages(self) -> dict[str, object]:
        """The page URLs the scenario closes (an unpublished module leaves
        its course open, without the module's steps in the outline)."""
        if not self.course_closed:
            return {u: p for u, p in self.page_urls.items() if p != self.course}
        return self.page_urls

    def roles(self, scenario: str) -> dict[str, User | None]:
        roles = {
            "anonymous": None,
            "trainee A (enrolled)": self.trainee_a,
            "trainee B": self.trainee_b,
            "trainer of another course": self.trainer,
            "manager of another cohort": self.cohort_manager,
        }
        if scenario.startswith("unpublished"):
            # Superusers pass view restrictions by design; nobody passes an
            # unpublished ancestor.
            roles["superuser"] = self.superuser
        return roles


# kwarg name -> the values to try, from the world.
TARGETS: dict[str, Callable[[World], list[int | uuid.UUID]]] = {
    # An unpublished module leaves its course open: no closed course then.
    "course_id": lambda w: [w.course.pk] if w.course_closed else [],
    "lesson_id": lambda w: [w.lesson.pk],
    # "Simpan untuk offline" and its manifest.
    "module_id": lambda w: [w.module.pk],
    "quiz_id": lambda w: [w.quiz.pk],
    "attempt_id": lambda w: [w.open_attempt.pk, w.marking.pk, w.review.pk],
    "order": lambda w: [1],
    "item_id": lambda w: [w.essay.pk],
    "page_id": lambda w: [p.pk for p in w.closed_pages().values()],
    "page_view_restriction_id": lambda w: w.restriction_ids or [0],
    "restriction_id": lambda w: w.restriction_ids or [0],
    # Staff scope: cohort A (the closed course) and B; nobody walked but the
    # superuser manages or teaches them (manager and trainer: cohort C).
    "cohort_id": lambda w: [c.pk for c in w.cohorts.values()],
    "user_id": lambda w: [w.trainee_a.pk, w.trainee_b.pk],
    "export_id": lambda w: [e.pk for e in w.exports.values()],
    # Invitations of people not walked: every answer is a 404.
    "membership_id": lambda w: [m.pk for m in w.invitations],
    # Certificates by UUID: trainee A's.
    "uuid": lambda w: [w.certificate.uuid],
    # Practical tasks: the task (its page actions and its heatmap in cohort
    # A), trainee A's version and its photo.
    "task_id": lambda w: [w.task.pk],
    "submission_id": lambda w: [w.submission.pk],
    "file_id": lambda w: [w.task_file.pk],
}


def _answer(world: World, kwargs: dict) -> dict:
    attempt = Attempt.objects.get(pk=kwargs["attempt_id"])
    item = attempt.items.get(order=kwargs["order"])
    return dict(answer_data(item.snapshot, right=True).lists())


# URL name -> valid POST data, so that a missing check would write.
POST_DATA: dict[str, Callable[[World, dict], dict]] = {
    "assessments:question": _answer,
    "assessments:mark": lambda w, kw: {"points": "1", "feedback": "Bagus."},
    "assessments:offline_review": lambda w, kw: {"decision": "accept"},
    "assessments:task_assess": lambda w, kw: {
        f"level_{c.pk}": "1" for c in w.task.rubric.criteria.all()
    },
    "assessments:task_reassign": lambda w, kw: {"assessor": w.trainer.pk},
    "wagtailcore_authenticate_with_password": lambda w, kw: {
        "password": "salah",
        "return_url": "/",
    },
    "assessments:task_submit": lambda w, kw: {
        "text": "Gula semut asli Batu Ampar, manis legit dan harum."
    },
    "assessments:task_publish": lambda w, kw: {"public": "1"},
    "cohorts:cohort_exports": lambda w, kw: {"kind": "matrix", "format": "csv"},
    # Confirmed announcements, by-hand marks: each would write.
    "cohorts:announcements": lambda w, kw: {"body": "Pengumuman", "confirm": "1"},
    "cohorts:hand_mark": lambda w, kw: {"delivery": w.hand_deliveries[kw["cohort_id"]]},
    # A token its manager got from the preview: confirming it imports.
    "cohorts:import": lambda w, kw: {"token": w.import_tokens[kw["cohort_id"]]},
}


def _close(world: World, scenario: str) -> None:
    course = world.course
    world.scenario = scenario
    if scenario == "restricted to a group":
        restriction = PageViewRestriction.objects.create(
            page=course, restriction_type="groups"
        )
        restriction.groups.set([Group.objects.create(name="Kelompok Desa A")])
        world.restriction_ids = [restriction.pk]
    elif scenario == "password-protected":
        restriction = PageViewRestriction.objects.create(
            page=course, restriction_type="password", password="kopi-desa"
        )
        world.restriction_ids = [restriction.pk]
    elif scenario == "unpublished course":
        course.unpublish()
    elif scenario == "unpublished module":
        world.module.unpublish()
    else:
        raise AssertionError(scenario)


SCENARIOS = [
    "restricted to a group",
    "password-protected",
    "unpublished course",
    "unpublished module",
]

_DIGITS = re.compile(r"\((?:\?P<(\w+)>)?\\d\+?\)")


def url_patterns_with_ids() -> Iterator[tuple[str, str, list[str]]]:
    """(route, qualified URL name, id kwarg names) of every pattern that
    takes an int or a UUID, outside EXCLUDED_PREFIXES."""

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{ns}:{entry.namespace}" if ns else entry.namespace
                yield from walk(entry, prefix + str(entry.pattern), ns)
                continue
            assert isinstance(entry, URLPattern)
            yield prefix + str(entry.pattern), namespace, entry

    for route, namespace, entry in walk(get_resolver(), "", None):
        if route.startswith(tuple(EXCLUDED_PREFIXES)):
            continue
        converters = getattr(entry.pattern, "converters", {})
        ints = [
            k
            for k, c in converters.items()
            if c.regex == "[0-9]+" or isinstance(c, UUIDConverter)
        ]
        if not converters:
            ints = [
                m.group(1) or f"<positional {i}>"
                for i, m in enumerate(_DIGITS.finditer(str(entry.pattern)))
            ]
        if not ints:
            continue
        name = f"{namespace}:{entry.name}" if namespace else entry.name
        yield route, name, ints


def _urls(world: World) -> Iterator[tuple[str, str]]:
    """(URL name, URL, kwargs) for every id-taking pattern and every
    combination of target values."""
    import itertools

    for _route, name, ints in url_patterns_with_ids():
        if name in NOT_COURSE_DATA:
            continue
        for values in itertools.product(*(TARGETS[k](world) for k in ints)):
            kwargs = dict(zip(ints, values, strict=True))
            yield name, reverse(name, kwargs=kwargs), kwargs


def db_snapshot() -> dict[str, list[tuple]]:
    return {
        model.__name__: sorted(
            tuple(row) for row in model.objects.order_by("pk").values_list()
        )
        for model in SNAPSHOT_MODELS
    }


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def test_every_id_taking_url_is_known():
    found = list(url_patterns_with_ids())
    unknown = [
        (route, name, k)
        for route, name, ints in found
        if name not in NOT_COURSE_DATA
        for k in ints
        if k not in TARGETS
    ]
    assert not unknown, (
        "URL patterns take ids this test cannot fill; add them to TARGETS "
        f"(see the module docstring): {unknown}"
    )
    names = {name for _r, name, _i in found}
    assert {
        "courses:enroll",
        "assessments:question",
        "assessments:mark",
        "assessments:offline_review",
        "cohorts:member_remove",
        "cohorts:export_download",
        "certificates:pdf",
        "certificates:credential",
        "certificates:verify",
    } <= names


# The one change a closed target allows: an enrolled trainee leaves a course
# that is still published, even one they may no longer open (restricted since
# they joined, or its password not given). Leaving only removes; see
# course_withdraw. An unpublished course stays a 404.
LEAVING_SCENARIOS = ("restricted to a group", "password-protected")


def _may_leave(scenario: str, role: str, name: str, method: str) -> bool:
    return (
        name == "courses:withdraw"
        and method == "post"
        and role == "trainee A (enrolled)"
        and scenario in LEAVING_SCENARIOS
    )


def _assert_only_left_and_rejoin(world, before, saved: dict, where: str) -> None:
    """The withdrawal changed trainee A's enrolment only, to withdrawn; put
    it back as it was for the rest of the walk."""
    after = db_snapshot()
    assert {k for k in after if after[k] != before[k]} == {"Enrollment"}, where
    enrollment = Enrollment.objects.get(user=world.trainee_a, course=world.course)
    assert enrollment.status == Enrollment.Status.WITHDRAWN, where
    Enrollment.objects.filter(pk=saved["id"]).update(
        **{k: v for k, v in saved.items() if k != "id"}
    )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_role_changes_anything_through_an_id_on_a_closed_target(client, scenario):
    world = World()
    _close(world, scenario)
    client.raise_request_exception = True
    calls = 0
    for role, user in world.roles(scenario).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, url, kwargs in _urls(world):
            data = POST_DATA.get(name, lambda w, kw: {})(world, kwargs)
            methods = ("get", "post")
            if role == "superuser" and name.startswith(tuple(SUPERUSER_MAY_WRITE)):
                methods = ("get",)
            for method in methods:
                before = db_snapshot()
                payload = data if method == "post" else {}
                leaving = _may_leave(scenario, role, name, method)
                if leaving:
                    saved = Enrollment.objects.filter(
                        user=world.trainee_a, course=world.course
                    ).values()[0]
                response = getattr(client, method)(url, payload)
                calls += 1
                where = f"{scenario} · {role} · {method.upper()} {url}"
                assert response.status_code < 500, where
                if leaving:
                    _assert_only_left_and_rejoin(world, before, saved, where)
                assert db_snapshot() == before, where
                body = _body(response)
                for secret in SECRETS:
                    assert secret not in body, f"{where} shows {secret!r}"
                for secret, allowed in FILE_SECRETS.items():
                    if role not in allowed:
                        assert secret not in body, f"{where} serves {secret!r}"
        if scenario == "unpublished module":
            body = client.get(world.course.url).content.decode()
            for step in (world.lesson, world.quiz):
                assert step.title not in body, f"{scenario} · {role} · outline"
        for url in world.closed_pages():
            response = client.get(url)
            where = f"{scenario} · {role} · page {url}"
            assert response.status_code in (302, 403, 404) or (
                scenario == "password-protected"
                and 'name="password"' in response.content.decode()
            ), (where, response.status_code)
            for secret in SECRETS:
                assert secret not in response.content.decode(), where
    assert calls > 50


def _cohort_b_urls(world: World) -> Iterator[tuple[str, str, dict]]:
    for name, url, kwargs in _urls(world):
        cohort_id = kwargs.get("cohort_id")
        export_id = kwargs.get("export_id")
        if cohort_id == world.cohorts["B"].pk or export_id == world.exports["B"].pk:
            yield name, url, kwargs


def test_cohort_a_manager_gets_nothing_of_cohort_b(client):
    """A manager with a real cohort of their own (A), on every id of B."""
    world = World()
    manager_a = world.cohorts["A"].managers.get()
    client.force_login(manager_a)
    client.raise_request_exception = True
    walked = set()
    for name, url, kwargs in _cohort_b_urls(world):
        data = POST_DATA.get(name, lambda w, kw: {})(world, kwargs)
        for method in ("get", "post"):
            before = db_snapshot()
            response = getattr(client, method)(url, data if method == "post" else {})
            where = f"manager of cohort A · {method.upper()} {url}"
            assert response.status_code in (404, 405), (where, response.status_code)
            assert db_snapshot() == before, where
            body = _body(response)
            assert "rahasia-ekspor-B" not in body, where
            assert world.trainee_b.email not in body, where
        walked.add(name)
    assert walked == {
        n
        for _r, n, _i in url_patterns_with_ids()
        # Invitations are the invitee's, not staff's (by membership id).
        if n.startswith("cohorts:") and not n.startswith("cohorts:invitation_")
    }
    # The same manager does reach cohort A: the 404s above are scope, not a
    # broken view.
    own = reverse("cohorts:dashboard", args=[world.cohorts["A"].pk])
    assert client.get(own).status_code == 200


@pytest.mark.parametrize("what", ["pdf", "credential"])
def test_only_the_owner_downloads_a_certificate_of_an_open_course(client, what):
    """Trainee A's certificate on an open course: trainee B, anonymous, the
    trainer of another course and the manager of another cohort get no file."""
    world = World()
    url = reverse(f"certificates:{what}", args=[world.certificate.uuid])
    for role, user in world.roles("open").items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        body = _body(response)
        if role == "trainee A (enrolled)":
            assert response.status_code == 200, role
            assert CERTIFICATE_FILE in body
        else:
            assert response.status_code in (302, 404), (role, response.status_code)
            assert CERTIFICATE_FILE not in body, role


def test_public_verify_page_shows_only_name_course_date_and_issuer(client):
    """Public by design: anyone with the QR URL sees the printed name, the
    course, the date, the issuer (and the code they typed), nothing else
    about the trainee, however closed the course is."""
    world = World()
    _close(world, "unpublished course")
    certificate = world.certificate
    url = reverse("certificates:verify", args=[certificate.uuid])
    personal = [
        world.trainee_a.email,
        world.trainee_a.phone,
        world.cohorts["A"].name,
        world.cohorts["A"].code,
        CERTIFICATE_FILE,
        *SECRETS,
    ]
    for role, user in world.roles("unpublished course").items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, role
        html = response.content.decode()
        facts = html[html.index('<dl class="facts">') : html.index("</dl>")]
        assert facts.count("<dt>") == 5, role  # name, course, date, issuer, code
        assert certificate.recipient_name in facts
        assert world.course.title in facts
        assert certificate.code in facts
        for value in personal:
            if value:
                assert value not in html, (role, value)


@pytest.mark.parametrize("number", [10**20, 2**63, 2**31])
def test_ids_past_any_column_are_refused_not_a_server_error(client, number):
    """Every int-id URL, with an id no database column holds, as a trainee
    and as the superuser, GET and POST: never a 500, nothing written (the
    kind of /10**20/ on mark-done and quiz start, which raised
    OverflowError on SQLite; lms/converters.py)."""
    from django.urls import NoReverseMatch

    world = World()
    for user in (world.trainee_a, world.superuser):
        client.force_login(user)
        before = db_snapshot()
        for _route, name, ints in url_patterns_with_ids():
            if any(k.startswith("<positional") for k in ints):
                continue
            try:
                url = reverse(name, kwargs=dict.fromkeys(ints, number))
            except NoReverseMatch:  # a UUID route
                continue
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code < 500, (name, url)
        assert db_snapshot() == before
