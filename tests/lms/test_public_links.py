"""Links that open: every public link (QR codes, WhatsApp shares, import and
single set-password links, reminder links, the credential issuer's did:web)
follows one rule (lms/addresses.py): SINAU_PUBLIC_URL when set, else the
address the request came to, else (workers) the address browsers last
reached Sinau at. Sinau served at http://192.168.1.5:8123 with no
SINAU_PUBLIC_URL hands out links to http://192.168.1.5:8123. Only a staff
visit moves that last address: no visitor or trainee can choose it."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from lms.certificates import credentials
from lms.certificates.services import certificate_ensure, certificate_verify_url
from lms.cohorts.models import CohortMembership
from lms.cohorts.reminders import reminder_message
from lms.cohorts.tasks import cohort_reminders_task
from lms.common import addresses
from lms.models import ServedAddress
from lms.notifications.models import Notification
from tests.factories import trainer
from tests.factories.cohorts import (
    cohort_with,
    import_through_pages,
    provisioned_member,
    trainees_bulk,
)
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

SERVED = "http://192.168.1.5:8123"
SERVED_HOST = "192.168.1.5:8123"


@pytest.fixture(autouse=True)
def no_public_url(settings):
    """As `make run` without SINAU_PUBLIC_URL, serving any host."""
    settings.SINAU_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    addresses._seen.clear()
    yield
    addresses._seen.clear()


def served_client(user=None) -> Client:
    client = Client(HTTP_HOST=SERVED_HOST)
    if user is not None:
        client.force_login(user)
    return client


def staff_visit() -> None:
    """A trainer opens Sinau at SERVED (only staff visits move the address
    workers use: the last tests of this file)."""
    served_client(trainer()).get("/")


def _certificate(user):
    course = course_tree(modules=1, lessons=1, title="Caption Gula Aren")
    enrollment = Enrollment.objects.create(
        user=user,
        course=course,
        status=Enrollment.Status.COMPLETED,
        completed_at=datetime(2026, 11, 2, 3, 4, 5, tzinfo=UTC),
    )
    certificate, _created = certificate_ensure(enrollment=enrollment)
    certificate.recipient_name = "Siti Aminah"
    certificate.status = certificate.Status.ISSUED
    certificate.issued_at = timezone.now()
    certificate.save()
    return certificate


def test_import_password_links_point_where_sinau_is_served(home):
    cohort = cohort_with()
    _preview, done = import_through_pages(
        served_client(cohort.managers.get()), cohort, "Siti,0812 3456 7001,,Desa\n"
    )
    body = done.content.decode()
    link = re.search(r'value="(http[^"]+/akun/sandi-baru/[^"]+)"', body)[1]
    assert link.startswith(f"{SERVED}/akun/sandi-baru/")
    whatsapp = re.search(r'href="(https://wa\.me/[^"]+)"', body)[1]
    assert f"{SERVED}/akun/sandi-baru/" in unquote(whatsapp.replace("&amp;", "&"))


def test_a_single_password_link_follows_an_explicit_public_url(settings, home):
    """Before: a single link used the request's host even when the operator
    had set SINAU_PUBLIC_URL (which imports used)."""
    settings.SINAU_PUBLIC_URL = "https://sinau.desa.id"
    teacher = trainer()
    cohort = cohort_with(courses=[course_tree(modules=1, lessons=1)], teacher=teacher)
    learner = provisioned_member(cohort, email=None, phone="+6281311112222")
    response = served_client(teacher).post(
        reverse("account_password_link_new"), {"trainee": learner.pk}
    )
    assert response.status_code == 200
    assert 'value="https://sinau.desa.id/akun/sandi-baru/' in response.content.decode()


def test_a_worker_makes_qr_links_to_where_browsers_reach_sinau(a_trainee, home):
    """The QR code is made by the worker, with no request: it points at the
    address the last staff browser came to, not at http://127.0.0.1:8000."""
    staff_visit()
    certificate = _certificate(a_trainee)
    assert certificate_verify_url(certificate=certificate) == (
        f"{SERVED}/c/{certificate.uuid}/"
    )


def test_a_loopback_visit_does_not_replace_a_reachable_address(a_trainee, home):
    staff_visit()
    Client(HTTP_HOST="127.0.0.1:8123").get("/")
    assert ServedAddress.objects.get().origin == SERVED
    assert addresses.public_url("/x/") == f"{SERVED}/x/"


def test_the_whatsapp_share_of_a_certificate_points_where_it_was_opened(
    a_trainee, home
):
    certificate = _certificate(a_trainee)
    body = served_client(a_trainee).get(reverse("courses:my_learning")).content.decode()
    whatsapp = re.search(r'href="(https://wa\.me/[^"]+)"', body)[1]
    assert f"{SERVED}/c/{certificate.uuid}/" in unquote(whatsapp.replace("&amp;", "&"))


def test_reminder_links_point_where_browsers_reach_sinau(a_trainee, home):
    staff_visit()
    cohort = cohort_with()
    body = reminder_message(user=a_trainee, cohort=cohort).body
    urls = re.findall(r"https?://\S+", body)
    assert len(urls) == 2
    assert all(url.startswith(f"{SERVED}/") for url in urls)


def test_the_issuer_did_names_where_sinau_is_served(a_trainee, home):
    staff_visit()
    signed = credentials.credential_issue(certificate=_certificate(a_trainee))
    assert signed["issuer"]["id"] == "did:web:192.168.1.5%3A8123"
    assert signed["credentialStatus"]["statusListCredential"] == (
        f"{SERVED}/c/status/1"
    )
    did = json.loads(served_client().get("/.well-known/did.json").content)
    assert did["id"] == "did:web:192.168.1.5%3A8123"
    assert (
        did["verificationMethod"][0]["id"] == signed["proof"][0]["verificationMethod"]
    )
    status = json.loads(served_client().get("/c/status/1").content)
    assert status["id"] == f"{SERVED}/c/status/1"


def test_credentials_issued_under_an_earlier_address_still_verify(
    settings, a_trainee, home
):
    settings.SINAU_PUBLIC_URL = "http://127.0.0.1:8000"
    earlier = credentials.credential_issue(certificate=_certificate(a_trainee))
    assert earlier["issuer"]["id"] == "did:web:127.0.0.1%3A8000"
    settings.SINAU_PUBLIC_URL = ""
    staff_visit()
    result = credentials.credential_verify(earlier)
    assert result.errors == []
    assert result.status == credentials.ACTIVE
    assert earlier["issuer"]["id"] == "did:web:127.0.0.1%3A8000"


def test_a_credential_signed_by_another_key_still_fails(a_trainee, home):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    unsigned = credentials.credential_build(certificate=_certificate(a_trainee))
    forged = credentials.proof_add(
        document=unsigned,
        private_key=Ed25519PrivateKey.generate(),
        verification_method="did:web:192.168.1.5%3A8123#key-1",
    )
    assert credentials.credential_verify(forged).errors != []


def test_an_explicit_public_url_wins_over_the_served_address(settings, home):
    settings.SINAU_PUBLIC_URL = "https://sinau.desa.id/"
    staff_visit()
    assert addresses.public_url("/c/x/") == "https://sinau.desa.id/c/x/"
    assert not ServedAddress.objects.exists()


# Where links were built by hand before: every absolute link now goes
# through lms/addresses.py, so a new one cannot pick its own address.
BY_HAND = re.compile(
    r"build_absolute_uri\(|settings, \"(SINAU_PUBLIC_URL|WAGTAILADMIN_BASE_URL)"
    r"|settings\.(SINAU_PUBLIC_URL|WAGTAILADMIN_BASE_URL)|\.root_url|\.full_url"
)
ALLOWED = {"lms/common/addresses.py", "lms/settings/base.py", "lms/settings/test.py"}


def test_no_code_builds_a_public_link_by_hand():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("lms", "courses", "assessments", "content"):
        for path in (root / folder).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if relative in ALLOWED or "/migrations/" in relative:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if BY_HAND.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


# Before: any request, even an anonymous one with a made-up Host header,
# replaced the recorded address, so the next import's set-password links
# (secrets) pointed at the visitor's server.


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "sinau-login.evil.example"},
        {"HTTP_HOST": "203.0.113.9:80"},
        {"HTTP_HOST": SERVED_HOST, "HTTP_X_FORWARDED_HOST": "evil.example"},
    ],
    ids=["anonymous-host", "anonymous-ip", "forwarded-host"],
)
def test_an_anonymous_visitor_cannot_move_the_recorded_address(home, headers):
    staff_visit()
    Client(**headers).get("/")
    assert ServedAddress.objects.get().origin == SERVED
    assert addresses.public_url("/akun/sandi-baru/x/") == f"{SERVED}/akun/sandi-baru/x/"


def test_a_trainee_account_cannot_move_the_recorded_address(home, a_trainee):
    """Anyone may make a trainee account ("Buat akun")."""
    staff_visit()
    client = Client(HTTP_HOST="evil.example")
    client.force_login(a_trainee)
    client.get("/")
    assert ServedAddress.objects.get().origin == SERVED


def test_staff_still_move_it_when_sinau_moves(home):
    staff_visit()
    client = Client(HTTP_HOST="192.168.1.7:8123")
    client.force_login(trainer())
    client.get("/")
    assert ServedAddress.objects.get().origin == "http://192.168.1.7:8123"


# Before: every link made without a request read the recorded address from
# the database, so a page or a task making a link per person ran a query per
# person. Now one read per request, task run or `recorded_origin_once()`
# block; nothing is kept beyond it (another process may record a newer one).


def _record(origin: str) -> None:
    """As another process (or an earlier request) recorded it."""
    ServedAddress.objects.update_or_create(
        pk=1, defaults={"origin": origin, "seen_at": timezone.now()}
    )


def _serve(view) -> None:
    """Run `view` as an anonymous visitor's request through the middleware."""
    request = RequestFactory().get("/", HTTP_HOST="visitor.example")
    addresses.ServedAddressMiddleware(view)(request)


def test_links_made_in_one_request_read_the_address_once(django_assert_num_queries):
    _record(SERVED)
    links = []

    def view(request):
        links.extend(addresses.public_url(f"/{n}/") for n in range(10))
        return HttpResponse()

    with django_assert_num_queries(1):
        _serve(view)
    assert links == [f"{SERVED}/{n}/" for n in range(10)]


def test_the_next_request_sees_an_address_recorded_meanwhile():
    _record(SERVED)
    seen = []

    def view(request):
        seen.append(addresses.public_url("/x/"))
        return HttpResponse()

    _serve(view)
    _record("http://192.168.1.7:8123")  # by another process, between requests
    _serve(view)
    assert seen == [f"{SERVED}/x/", "http://192.168.1.7:8123/x/"]
    assert addresses.public_url("/x/") == "http://192.168.1.7:8123/x/"


def test_a_request_that_records_an_address_links_to_it_afterwards():
    _record(SERVED)
    seen = []

    def view(request):
        seen.append(addresses.public_url("/x/"))
        addresses.served_origin_record(origin="http://192.168.1.7:8123")
        seen.append(addresses.public_url("/x/"))
        return HttpResponse()

    _serve(view)
    assert seen == [f"{SERVED}/x/", "http://192.168.1.7:8123/x/"]


def test_a_block_reads_the_address_once_and_forgets_it(django_assert_num_queries):
    _record(SERVED)
    with django_assert_num_queries(1), addresses.recorded_origin_once():
        links = {addresses.public_url("/x/") for _ in range(10)}
    assert links == {f"{SERVED}/x/"}
    _record("http://192.168.1.7:8123")
    assert addresses.public_url("/x/") == "http://192.168.1.7:8123/x/"


def test_a_task_reminding_many_reads_the_address_once(home):
    """A task run is one unit (lms/celery.py): the beat's reminders make two
    links per person and read the recorded address once."""
    _record(SERVED)
    cohort = cohort_with(
        courses=[course_tree()], starts_on=date(2020, 1, 1), reminder_after_days=5
    )
    users = trainees_bulk(cohort, 6)
    CohortMembership.objects.filter(user__in=users).update(
        joined_at=timezone.now() - timedelta(days=9)
    )
    with CaptureQueriesContext(connection) as queries:
        assert cohort_reminders_task.apply(args=(cohort.pk,)).get() == 6
    served = [q for q in queries.captured_queries if "lms_servedaddress" in q["sql"]]
    assert len(served) == 1
    assert all(
        f"{SERVED}/belajarku/" in n.body and n.body.count(SERVED) == 2
        for n in Notification.objects.filter(user__in=users)
    )
    _record("http://192.168.1.7:8123")  # the task's read is not kept
    assert addresses.public_url("/x/") == "http://192.168.1.7:8123/x/"
