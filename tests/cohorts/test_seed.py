import pytest
from django.core.management import call_command

from lms.cohorts.models import Cohort, CohortMembership
from lms.cohorts.selectors import cohort_progress

pytestmark = pytest.mark.django_db


def test_seed_builds_two_demo_cohorts_once_with_varied_stages(settings):
    settings.DEBUG = True
    call_command("load_initial_data")
    members = CohortMembership.objects.count()
    call_command("load_initial_data")
    assert CohortMembership.objects.count() == members == 11
    assert Cohort.objects.count() == 2
    batu_ampar = Cohort.objects.get(code="batu-ampar-2026-1")
    assert batu_ampar.managers.get().email == "manajer@sinau.local"
    assert batu_ampar.trainers.get().email == "pelatih@sinau.local"
    progress = cohort_progress(cohort=batu_ampar)
    first = progress.courses.index(
        next(c for c in progress.courses if c.slug == "cakap-digital")
    )
    finished = [r for r in progress.rows if r.cells[first].completed]
    assert {r.name for r in finished} == {"Sri Wahyuni", "Dwi Lestari"}
    reasons = {r.name: r.reasons for r in progress.at_risk}
    assert "Slamet Riyadi" in reasons
    assert any("kuis wajib" in why or "quiz" in why for why in reasons["Wulan Sari"])


def test_seed_trainees_said_yes_to_whatsapp_and_sms(settings):
    from lms.notifications.models import ChannelConsent

    settings.DEBUG = True
    call_command("load_initial_data")
    from lms.accounts.models import User

    members = set(CohortMembership.objects.values_list("user_id", flat=True))
    # The demo trainee too (lms/notifications/demo.py), who is in no cohort.
    members |= set(
        User.objects.filter(phone__isnull=False, groups__name="Trainees")
        .exclude(cohort_memberships__isnull=False)
        .values_list("pk", flat=True)
    )
    consents = ChannelConsent.objects.filter(allowed=True, source="seed")
    assert sorted(set(consents.values_list("channel", flat=True))) == [
        "sms",
        "whatsapp",
    ]
    assert set(consents.values_list("user_id", flat=True)) == members
