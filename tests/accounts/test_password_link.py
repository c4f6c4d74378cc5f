"""One-time password links for trainees without email
(docs/decisions/0008-accounts-without-email.md): who may make one, and that an expired
or used link is refused."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.models import GroupPagePermission

from lms.accounts.models import PasswordLink
from lms.accounts.roles import TRAINERS
from lms.accounts.services import (
    PasswordLinkInvalid,
    password_link_create,
    password_link_redeem,
    password_links_create,
    whatsapp_share_url,
)
from lms.cohorts.services import cohort_member_add
from tests.factories import UserFactory, program_manager, trainee, trainer
from tests.factories.cohorts import cohort_with, provisioned_member
from tests.factories.courses import course_tree

pytestmark = pytest.mark.django_db

NEW = "/akun/tautan-sandi/"
NEW_PASSWORD = "gula-aren-manis-7"


def course_trainer(course):
    """A trainer whose page permissions cover `course` only."""
    group = Group.objects.create(name=f"Pelatih {course.pk}")
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
def course(db):
    return course_tree(modules=1, lessons=1)


@pytest.fixture
def teacher(db):
    return trainer()


@pytest.fixture
def cohort(course, teacher):
    return cohort_with(courses=[course], teacher=teacher)


@pytest.fixture
def learner(cohort):
    """An account the programme made (no password yet), in the cohort."""
    return provisioned_member(
        cohort, email=None, phone="+6281311112222", display_name="Siti"
    )


def _token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def test_a_trainer_makes_a_link_for_a_member_of_a_cohort_they_teach(teacher, learner):
    path = password_link_create(user=learner, created_by=teacher)
    assert path.startswith("/akun/sandi-baru/")
    link = PasswordLink.objects.get()
    assert (link.user, link.created_by, link.used_at) == (learner, teacher, None)
    assert _token(path) not in link.token_hash
    hours = (link.expires_at - link.created_at).total_seconds() / 3600
    assert round(hours) == 72


@pytest.mark.parametrize(
    "who",
    [
        "trainer of the course, not of the cohort",
        "other cohort's manager",
        "trainee",
        "inactive trainer",
    ],
)
def test_others_may_not_make_a_link(who, course, cohort, learner):
    creator = {
        "trainer of the course, not of the cohort": lambda: course_trainer(course),
        "other cohort's manager": lambda: _manager_of_other_cohort(course),
        "trainee": lambda: provisioned_member(cohort),
        "inactive trainer": lambda: _inactive(_teaching(cohort)),
    }[who]()
    with pytest.raises(PermissionDenied):
        password_link_create(user=learner, created_by=creator)
    assert not PasswordLink.objects.exists()


def _manager_of_other_cohort(course):
    manager = program_manager()
    cohort_with(courses=[course], code="lain", manager=manager)
    return manager


def _teaching(cohort):
    user = trainer()
    cohort.trainers.add(user)
    return user


def _inactive(user):
    user.is_active = False
    user.save()
    return user


def test_a_trainer_may_not_make_a_link_for_staff_in_their_cohort(teacher, cohort):
    for target in (trainer(), UserFactory(is_staff=True, is_superuser=True)):
        cohort_member_add(cohort=cohort, user=target)
        with pytest.raises(PermissionDenied):
            password_link_create(user=target, created_by=teacher)
    assert not PasswordLink.objects.exists()


def test_a_superuser_may_make_a_link_for_any_trainee(learner):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert password_link_create(user=learner, created_by=admin)


def test_the_link_sets_a_password_once(client, teacher, learner):
    path = password_link_create(user=learner, created_by=teacher)
    assert client.get(path).status_code == 200
    response = client.post(
        path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/akun/login/"
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert PasswordLink.objects.get().used_at is not None
    again = client.post(
        path, {"new_password1": "x-lain-123-abc", "new_password2": "x-lain-123-abc"}
    )
    assert again.status_code == 410
    assert "Tautan ini sudah tidak berlaku" in again.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)


def test_opening_the_link_does_not_spend_it(client, teacher, learner):
    path = password_link_create(user=learner, created_by=teacher)
    client.get(path)
    client.get(path)
    assert PasswordLink.objects.get().used_at is None


def test_an_expired_link_is_refused(client, teacher, learner):
    path = password_link_create(user=learner, created_by=teacher)
    PasswordLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(path).status_code == 410
    response = client.post(
        path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    learner.refresh_from_db()
    assert not learner.has_usable_password()


def test_a_new_link_ends_the_earlier_one(teacher, learner):
    first = password_link_create(user=learner, created_by=teacher)
    password_link_create(user=learner, created_by=teacher)
    with pytest.raises(PasswordLinkInvalid):
        password_link_redeem(token=_token(first), password=NEW_PASSWORD)
    learner.refresh_from_db()
    assert not learner.has_usable_password()


def test_an_unknown_token_is_refused(client, learner):
    assert client.get("/akun/sandi-baru/bukan-token/").status_code == 410


def test_a_weak_password_is_refused_and_the_link_kept(client, teacher, learner):
    path = password_link_create(user=learner, created_by=teacher)
    response = client.post(path, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 400
    assert PasswordLink.objects.get().used_at is None
    learner.refresh_from_db()
    assert not learner.has_usable_password()


def test_the_page_lists_only_the_trainers_trainees(client, teacher, learner):
    stranger = trainee(display_name="Orang Asing")
    client.force_login(teacher)
    body = client.get(NEW).content.decode()
    assert "Siti" in body
    assert "Orang Asing" not in body
    response = client.post(NEW, {"trainee": stranger.pk})
    assert response.status_code == 400
    assert not PasswordLink.objects.exists()


def test_the_page_makes_a_whatsapp_link(client, teacher, learner):
    client.force_login(teacher)
    response = client.post(NEW, {"trainee": learner.pk})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode()
    assert 'href="https://wa.me/6281311112222?text=' in body
    assert PasswordLink.objects.filter(user=learner, created_by=teacher).count() == 1


@pytest.mark.parametrize("who", ["trainee", "anonymous"])
def test_trainees_and_strangers_cannot_open_the_link_page(client, who, learner):
    if who == "trainee":
        client.force_login(learner)
    response = client.post(NEW, {"trainee": learner.pk})
    assert response.status_code in {302, 403}
    assert not PasswordLink.objects.exists()


def test_whatsapp_share_url_keeps_only_digits_and_quotes_the_text():
    assert (
        whatsapp_share_url(phone="+62 813-1111", text="Halo & tautan: /a?b=1")
        == "https://wa.me/628131111?text=Halo%20%26%20tautan%3A%20/a%3Fb%3D1"
    )


def test_many_links_are_all_or_nothing(teacher, learner, cohort):
    """`password_links_create` (cohort imports) holds the same rule for
    every person: one outside the creator's scope, and nobody gets a link."""
    outsider = trainee()
    with pytest.raises(PermissionDenied):
        password_links_create(users=[learner, outsider], created_by=teacher)
    assert not PasswordLink.objects.exists()
    second = provisioned_member(cohort)
    paths = password_links_create(users=[learner, second], created_by=teacher)
    assert set(paths) == {learner.pk, second.pk}
    assert len(set(paths.values())) == 2
    assert PasswordLink.objects.filter(used_at=None).count() == 2


def test_many_links_end_each_persons_earlier_unused_link(client, teacher, learner):
    first = password_link_create(user=learner, created_by=teacher)
    password_links_create(users=[learner], created_by=teacher)
    assert client.get(first).status_code != 200
