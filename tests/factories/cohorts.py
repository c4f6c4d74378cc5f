"""Cohorts for tests: a cohort over some courses with its staff, and fast
bulk trainees (hundreds) at chosen stages."""

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import Enrollment, LessonCompletion
from lms.accounts.models import User
from lms.accounts.roles import TRAINEES
from lms.cohorts.models import Cohort, CohortMembership
from tests.factories import UserFactory, program_manager, trainer
from tests.factories.courses import course_tree, lessons_of


def cohort_with(
    *, courses=None, code="angkatan-1", manager=None, teacher=None, **fields
):
    """A cohort with one manager and one trainer over `courses` (two small
    courses when not given)."""
    cohort = Cohort.objects.create(
        name=fields.pop("name", f"Angkatan {code}"),
        code=code,
        starts_on=fields.pop("starts_on", dt.date(2026, 1, 5)),
        **fields,
    )
    courses = courses if courses is not None else [course_tree(), course_tree()]
    cohort.courses.set(courses)
    cohort.managers.add(manager or program_manager())
    cohort.trainers.add(teacher or trainer())
    return cohort


def trainees_bulk(cohort, n: int, *, prefix: str = "b", done_lessons: int = 0):
    """`n` trainees in `cohort`, enrolled in its courses, each having done
    the first `done_lessons` lessons of every course. Bulk inserts."""
    start = User.objects.count() + 1
    users = User.objects.bulk_create(
        User(
            email=f"{prefix}{start + i}@bulk.id",
            phone=f"+62813{start + i:08d}",
            display_name=f"Peserta {prefix}{i:04d}",
            password="!",
        )
        for i in range(n)
    )
    group = Group.objects.get(name=TRAINEES)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=group.pk) for u in users
    )
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=cohort, user=u) for u in users
    )
    now = timezone.now()
    for course in cohort.courses.all():
        Enrollment.objects.bulk_create(
            Enrollment(user=u, course=course, source="cohort", last_activity_at=now)
            for u in users
        )
        lessons = lessons_of(course)[:done_lessons]
        LessonCompletion.objects.bulk_create(
            LessonCompletion(user=u, lesson=lesson) for u in users for lesson in lessons
        )
    return users


def provisioned_member(cohort, **fields) -> User:
    """A trainee the programme created through `cohort` (as an import does:
    no password of their own yet), an active member enrolled in its
    courses."""
    from lms.cohorts.services import cohort_member_add

    fields.setdefault("password", None)
    user = UserFactory(role=TRAINEES, provisioned=True, **fields)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    cohort_member_add(cohort=cohort, user=user)
    return user


def import_through_pages(client, cohort, rows: str):
    """Upload `rows` (CSV lines under the template's header) on the import
    page as `client`, then confirm the preview when it offers to. Returns
    (preview response, done response or None)."""
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile(
        "peserta.csv", ("nama,hp,email,desa\n" + rows).encode(), "text/csv"
    )
    url = reverse("cohorts:import", args=[cohort.pk])
    preview = client.post(url, {"file": upload})
    match = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
    done = client.post(url, {"token": match[1]}) if match else None
    return preview, done
