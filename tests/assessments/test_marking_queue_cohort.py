"""The marking queue (/penilaian/) with a cohort chosen: every tab lists
only that cohort's trainees, and choosing a cohort or a tab keeps the
other. (Found by a break pass; its probes of the queue's access, hostile
query strings, the release form, the cohort dashboard's kept facts and the
offline sync's reused ids found nothing.)"""

import re

import pytest

from assessments.models import AttemptQuestion
from courses.services import enrollment_create
from lms.cohorts.models import CohortMembership
from tests.assessments.practice.test_assess import task_world
from tests.assessments.test_marking_queue_pages import _marked
from tests.factories import trainee
from tests.factories.cohorts import cohort_with

pytestmark = pytest.mark.django_db

QUEUE = "/penilaian/"


def test_the_marked_tab_honours_the_cohort_filter(client):
    """The other tabs list only the chosen cohort's trainees; the marked tab
    shows the cohort as chosen but lists (and counts) everyone's answers:
    `marking_list` never passes `trainees` to `marked_answers`."""
    w = task_world()
    outsider = w.trainee  # not in the cohort
    member = trainee(display_name="Budi Anggota")
    enrollment_create(user=member, course=w.course)
    cohort = cohort_with(courses=[w.course], code="a", teacher=w.trainer)
    CohortMembership.objects.create(cohort=cohort, user=member)
    _marked(w, 1)  # an essay of the outsider, marked
    assert AttemptQuestion.objects.filter(attempt__user=outsider).exists()
    client.force_login(w.trainer)
    response = client.get(QUEUE + f"?tab=marked&cohort={cohort.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "jawaban sudah dinilai" not in html
    assert outsider.display_name not in html


def test_the_cohort_filter_keeps_the_tab(client):
    """Choosing a cohort on the release (or marked, assessed, offline) tab
    must stay on that tab: the filter form carries no `tab`, so applying
    it always lands on the waiting tab."""
    w = task_world()
    cohort = cohort_with(courses=[w.course], code="a", teacher=w.trainer)
    client.force_login(w.trainer)
    html = client.get(QUEUE + f"?tab=release&cohort={cohort.pk}").content.decode()
    form = html[html.index('<form method="get" class="filters">') :]
    form = form[: form.index("</form>")]
    assert 'name="tab"' in form
    assert 'value="release"' in form


def test_the_tabs_keep_the_cohort(client):
    """Every tab link of the queue keeps the chosen cohort."""
    cohort = cohort_with(code="tabs-keep")
    client.force_login(cohort.trainers.get())
    html = client.get(f"{QUEUE}?cohort={cohort.pk}").content.decode()
    start = html.index('class="tabs"')
    links = re.findall(r'href="([^"]+)"', html[start : html.index("</nav>", start)])
    assert len(links) == 5
    assert all(f"cohort={cohort.pk}" in link for link in links), links
