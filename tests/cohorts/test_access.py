"""Staff scope: a cohort's pages, exports and files are for its managers
and trainers only. The test walks the URL resolver for every cohort view
that takes an id (site and admin), so a new view without a target here
fails `test_every_cohort_view_with_an_id_is_covered`.

For the lead's project-wide URL walk: `restricted_targets(world)` gives,
for each URL name, the kwargs that point at cohort B, and `world` builds
cohort A and B with their staff, a trainee and a finished export."""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lms.cohorts.models import CohortExport, CohortMembership
from tests.factories import program_manager, trainer
from tests.factories.cohorts import cohort_with, trainees_bulk
from tests.factories.practice import task_in

pytestmark = pytest.mark.django_db

# URL name -> (method, needs manage rights rather than view rights)
COHORT_VIEWS = {
    "cohorts:dashboard": ("get", False),
    "cohorts:import": ("get", True),
    "cohorts:cohort_exports": ("get", False),
    "cohorts:trainee": ("get", False),
    "cohorts:member_remove": ("post", True),
    "cohorts:export": ("get", False),
    "cohorts:export_download": ("get", False),
    "cohorts:task_heatmap": ("get", False),
    "cohorts:reminders": ("get", False),
    "cohorts:announcements": ("get", False),
    "cohorts:hand_mark": ("post", False),
    "cohorts:trainee_remind": ("post", False),
    "cohort_admin:edit": ("get", True),
    "cohort_admin:delete": ("get", True),
    "cohort_admin:history": ("get", True),
    "cohort_admin:history_results": ("get", True),
    "cohort_admin:usage": ("get", True),
}
ID_KWARGS = {"cohort_id", "user_id", "export_id", "pk"}


@pytest.fixture
def world(home):
    manager_a, manager_b = program_manager(), program_manager()
    trainer_a, trainer_b = trainer(), trainer()
    a = cohort_with(code="a", manager=manager_a, teacher=trainer_a)
    b = cohort_with(code="b", manager=manager_b, teacher=trainer_b, courses=[])
    b.courses.set(a.courses.all())
    member_b = trainees_bulk(b, 1, prefix="bb")[0]
    trainees_bulk(a, 1, prefix="aa")
    export_b = CohortExport.objects.create(
        cohort=b, kind="matrix", format="csv", status="done", rows=1
    )
    export_b.file.save("b.csv", ContentFile(b"nama\nrahasia-b\n"))
    task = task_in(a.courses.order_by("path").first(), exemplars=False)
    return SimpleNamespace(
        task=task,
        a=a,
        b=b,
        manager_a=manager_a,
        manager_b=manager_b,
        trainer_a=trainer_a,
        trainer_b=trainer_b,
        member_b=member_b,
        export_b=export_b,
        trainee=member_b,
    )


def restricted_targets(world) -> dict[str, dict]:
    """For each URL name, kwargs that point at cohort B's objects."""
    b, member, export = world.b.pk, world.member_b.pk, world.export_b.pk
    return {
        "cohorts:dashboard": {"cohort_id": b},
        "cohorts:import": {"cohort_id": b},
        "cohorts:cohort_exports": {"cohort_id": b},
        "cohorts:trainee": {"cohort_id": b, "user_id": member},
        "cohorts:member_remove": {"cohort_id": b, "user_id": member},
        "cohorts:export": {"export_id": export},
        "cohorts:export_download": {"export_id": export},
        "cohorts:task_heatmap": {"cohort_id": b, "task_id": world.task.pk},
        "cohorts:reminders": {"cohort_id": b},
        "cohorts:announcements": {"cohort_id": b},
        "cohorts:hand_mark": {"cohort_id": b},
        "cohorts:trainee_remind": {"cohort_id": b, "user_id": member},
        "cohort_admin:edit": {"pk": b},
        "cohort_admin:delete": {"pk": b},
        "cohort_admin:history": {"pk": b},
        "cohort_admin:history_results": {"pk": b},
        "cohort_admin:usage": {"pk": b},
    }


def _names_with_ids(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}".strip(":") if ns else namespace
            yield from _names_with_ids(entry, full)
        elif isinstance(entry, URLPattern) and entry.name:
            if set(entry.pattern.regex.groupindex) & ID_KWARGS:
                yield f"{namespace}:{entry.name}".strip(":")


def test_every_cohort_view_with_an_id_is_covered(world):
    walked = {
        name
        for name in _names_with_ids()
        if name.startswith(("cohorts:", "cohort_admin:"))
    }
    assert walked == set(COHORT_VIEWS)
    assert set(restricted_targets(world)) == set(COHORT_VIEWS)


def _refused(response, name) -> bool:
    """404/403; the Wagtail admin sends people without the model permission
    to its home or login page instead."""
    if response.status_code in (403, 404):
        return True
    return (
        name.startswith("cohort_admin:")
        and response.status_code == 302
        and response["Location"].split("?")[0] in ("/admin/", "/admin/login/")
    )


def _call(client, name, kwargs):
    method = COHORT_VIEWS[name][0]
    return getattr(client, method)(reverse(name, kwargs=kwargs))


@pytest.mark.parametrize("who", ["manager_a", "trainer_a", "trainee"])
@pytest.mark.parametrize("name", sorted(COHORT_VIEWS))
def test_outsiders_cannot_reach_cohort_b_by_id(client, world, who, name):
    client.force_login(getattr(world, who))
    response = _call(client, name, restricted_targets(world)[name])
    assert _refused(response, name), (name, who)
    assert b"rahasia-b" not in b"".join(getattr(response, "streaming_content", []))
    assert world.member_b.email not in response.content.decode(errors="ignore")
    membership = CohortMembership.objects.get(cohort=world.b, user=world.member_b)
    assert membership.status == "active"


@pytest.mark.parametrize("name", sorted(COHORT_VIEWS))
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    response = _call(client, name, restricted_targets(world)[name])
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("name", sorted(COHORT_VIEWS))
def test_cohort_b_manager_reaches_every_view(client, world, name):
    client.force_login(world.manager_b)
    response = _call(client, name, restricted_targets(world)[name])
    assert response.status_code in (200, 302), name


@pytest.mark.parametrize("name", sorted(COHORT_VIEWS))
def test_cohort_b_trainer_sees_but_does_not_manage(client, world, name):
    client.force_login(world.trainer_b)
    response = _call(client, name, restricted_targets(world)[name])
    if COHORT_VIEWS[name][1]:
        assert _refused(response, name), name
    else:  # a form's POST answers with a redirect back to its page
        expected = 302 if COHORT_VIEWS[name][0] == "post" else 200
        assert response.status_code == expected, name


def test_cohort_lists_show_only_ones_own_cohorts(client, world):
    client.force_login(world.trainer_a)
    body = client.get(reverse("cohorts:list")).content.decode()
    assert world.a.name in body
    assert world.b.name not in body
    client.force_login(world.manager_a)
    admin_list = client.get("/admin/angkatan/").content.decode()
    assert world.a.name in admin_list
    assert world.b.name not in admin_list
    exports = client.get(reverse("cohorts:exports")).content.decode()
    assert reverse("cohorts:export", args=[world.export_b.pk]) not in exports


def test_trainee_sees_no_cohort(client, world):
    client.force_login(world.trainee)
    body = client.get(reverse("cohorts:list")).content.decode()
    assert world.a.name not in body
    assert world.b.name not in body


def test_download_serves_the_file_to_the_cohorts_staff(client, world):
    client.force_login(world.trainer_b)
    response = client.get(reverse("cohorts:export_download", args=[world.export_b.pk]))
    assert b"".join(response.streaming_content) == b"nama\nrahasia-b\n"
    assert "attachment" in response["Content-Disposition"]


def test_export_file_is_not_under_the_public_media_url(world):
    from django.conf import settings

    assert not world.export_b.file.path.startswith(str(settings.MEDIA_ROOT))


def test_marking_queue_filter_refuses_a_cohort_one_does_not_teach(client, world):
    client.force_login(world.trainer_a)
    ok = client.get(reverse("assessments:marking") + f"?cohort={world.a.pk}")
    assert ok.status_code == 200
    refused = client.get(reverse("assessments:marking") + f"?cohort={world.b.pk}")
    assert refused.status_code == 404


def test_program_managers_group_has_only_cohort_and_read_permissions(db):
    from django.contrib.auth.models import Group

    perms = set(
        Group.objects.get(name="Program managers").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("cohorts", "add_cohort") in perms
    assert ("cohorts", "change_cohort") in perms
    assert ("cohorts", "delete_cohort") not in perms
    assert not {p for p in perms if p[0] in ("wagtailcore", "assessments")}
    # docs/decisions/0005-certificates-exactly-once.md: managers retry, revoke and
    # reissue certificates (the admin and downloads scope them to their cohorts:
    # certificates_in_staff_scope) and set the signatory.
    assert not {p for p in perms if p[1].startswith(("add_", "change_", "delete_"))} - {
        ("cohorts", "add_cohort"),
        ("cohorts", "change_cohort"),
        ("certificates", "change_certificate"),
        ("certificates", "change_certificatesettings"),
    }
    assert not {p for p in perms if p[1].startswith("delete_")}
