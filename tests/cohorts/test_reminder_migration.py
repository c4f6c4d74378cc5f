"""ReminderSent rows become the notification history (cohorts 0006), so the
"no reminder while one is younger than the period" rule holds across the
upgrade: a person reminded yesterday is not reminded again today."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import trainee

BEFORE = [
    ("cohorts", "0005_export_kinds_tasks_feedback"),
    ("notifications", "0001_notifications"),
]
AFTER = [("cohorts", "0006_reminders_through_notifications_announcements")]


@pytest.mark.django_db(transaction=True)
def test_reminders_sent_become_notifications():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        Cohort = old.get_model("cohorts", "Cohort")
        ReminderSent = old.get_model("cohorts", "ReminderSent")
        # accounts stays migrated: its current model writes its table
        person, other = trainee(), trainee()
        cohort = Cohort.objects.create(
            name="Angkatan Lama", code="lama", starts_on=dt.date(2026, 1, 1)
        )
        yesterday = timezone.now() - dt.timedelta(days=1)
        sent = ReminderSent.objects.create(
            cohort=cohort,
            user_id=person.pk,
            period=1,
            status="sent",
            sender="EmailSender",
            sent_on=yesterday.date(),
        )
        ReminderSent.objects.filter(pk=sent.pk).update(sent_at=yesterday)
        ReminderSent.objects.create(
            cohort=cohort, user_id=other.pk, period=1, status="skipped", sender="x"
        )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        Notification = new.get_model("notifications", "Notification")
        rows = {n.user_id: n for n in Notification.objects.filter(kind="reminder")}
        assert set(rows) == {person.pk, other.pk}
        assert rows[person.pk].key == f"reminder:{yesterday.date().isoformat()}"
        assert (rows[person.pk].status, rows[person.pk].channel) == ("sent", "email")
        assert rows[person.pk].created_at == yesterday
        assert rows[person.pk].cohort_id == cohort.pk
        assert rows[other.pk].status == "no_channel"
        assert "cohorts_remindersent" not in connection.introspection.table_names()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
