"""A trainer reviews an offline attempt held for review in the marking queue
(plain POST forms), the trainee sees what became of it on the result and
quiz pages, and the cohort's manager on the trainee page; every page passes
axe."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Attempt
from assessments.offline.services import package_make
from courses.seed import course_index_ensure
from courses.services import enrollment_create
from lms.cohorts.models import CohortMembership
from tests.assessments.offline.conftest import sync_post
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, course_trainer, program_manager, trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.cohorts import cohort_with
from tests.factories.courses import course_tree
from tests.support.offline import saved_at, submit_item


def test_trainer_refuses_an_offline_attempt_and_the_trainee_sees_it(page, site):
    course = course_tree(title="Copywriting Jualan", modules=1, lessons=1)
    course_index_ensure(home=site)
    learner = trainee(display_name="Siti Aminah", phone="+6281234567890")
    enrollment_create(user=learner, course=course)
    quiz = quiz_in(
        course,
        [question("single"), question("true_false")],
        title="Kuis AIDA",
        time_limit_minutes=10,
    )
    attempt = package_make(user=learner, quiz=quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        **saved_at(timezone.now() - timedelta(hours=3))
    )
    phone = Client()
    phone.force_login(learner)
    assert sync_post(phone, [submit_item(attempt)])["items"][0]["outcome"] == ("review")
    staff = course_trainer(course)
    staff.phone = "+6281234567891"
    staff.save()

    log_in(page, "081234567891", PASSWORD)
    page.goto("/penilaian/")
    page.axe.check("marking queue with an offline attempt to review")
    expect(page.get_by_text("Percobaan offline yang perlu ditinjau")).to_be_visible()
    expect(page.get_by_text("Nilai di server")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Tolak")).click()
    expect(
        page.get_by_text("Percobaan ini disimpan dan tidak dihitung.")
    ).to_be_visible()
    page.get_by_role("link", name="Offline, tidak dihitung").click()
    page.axe.check("offline answers kept, not counted")
    expect(page.get_by_text("Siti Aminah")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, "081234567890", PASSWORD)
    page.goto(f"/kuis/percobaan/{attempt.pk}/hasil/")
    page.axe.check("result of an offline attempt not counted")
    expect(page.get_by_text("Nilai di server: 2 dari 2 poin")).to_be_visible()
    expect(page.get_by_text(re.compile("tidak menerimanya"))).to_be_visible()
    page.goto(quiz.url)
    page.axe.check("quiz page with an offline attempt not counted")
    expect(page.get_by_role("link", name="Tidak dihitung")).to_be_visible()

    # The cohort's manager sees it, and a quiz saved and not sent back.
    package_make(user=learner, quiz=quiz)
    manager = program_manager(phone="+6281234567892")
    cohort = cohort_with(courses=[course], manager=manager)
    CohortMembership.objects.create(cohort=cohort, user=learner)
    page.context.clear_cookies()
    log_in(page, "081234567892", PASSWORD)
    page.goto(f"/angkatan/{cohort.pk}/peserta/{learner.pk}/")
    page.axe.check("trainee page with offline work")
    expect(page.get_by_role("heading", name="Pekerjaan saat offline")).to_be_visible()
    expect(page.get_by_text(re.compile("1 kuis yang disimpan"))).to_be_visible()
