"""Reminders now go through lms.notifications: the history is the
Notification rows (kind "reminder", key "reminder:<local date>"). Each
ReminderSent row becomes one (the newest per person and day), so the "no
reminder while one is younger than the period" rule holds across the
upgrade; then ReminderSent is dropped. Backwards: the table comes back
empty (the history stays in notifications)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def reminders_to_notifications(apps, schema_editor):
    ReminderSent = apps.get_model("cohorts", "ReminderSent")
    Notification = apps.get_model("notifications", "Notification")
    seen = set()
    rows = []
    stamps = {}
    for old in ReminderSent.objects.select_related("cohort").order_by("-sent_at"):
        day = old.sent_on or old.sent_at.date()
        key = f"reminder:{day.isoformat()}"
        if (old.user_id, key) in seen:
            continue
        seen.add((old.user_id, key))
        sent = old.status == "sent"
        rows.append(
            Notification(
                user_id=old.user_id,
                kind="reminder",
                key=key,
                subject=f"Pengingat: {old.cohort.name}"[:200],
                body="",
                cohort_id=old.cohort_id,
                status="sent" if sent else "no_channel",
                channel="email" if sent else "",
            )
        )
        stamps[(old.user_id, key)] = old.sent_at
    existing = set(
        Notification.objects.filter(kind="reminder").values_list("user_id", "key")
    )
    rows = [r for r in rows if (r.user_id, r.key) not in existing]
    Notification.objects.bulk_create(rows, batch_size=500)
    # created_at is auto_now_add: set it to when the reminder was sent.
    for (user_id, key), sent_at in stamps.items():
        if (user_id, key) not in existing:
            Notification.objects.filter(user_id=user_id, key=key).update(
                created_at=sent_at
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0005_export_kinds_tasks_feedback"),
        ("notifications", "0001_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(reminders_to_notifications, migrations.RunPython.noop),
        migrations.CreateModel(
            name="Announcement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("body", models.TextField(max_length=500, verbose_name="message")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="written at"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Queued"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "recipients",
                    models.PositiveIntegerField(
                        default=0,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(2147483647),
                        ],
                        verbose_name="recipients",
                    ),
                ),
                (
                    "estimate",
                    models.JSONField(blank=True, default=dict, verbose_name="estimate"),
                ),
                (
                    "estimated_cost",
                    models.PositiveIntegerField(
                        default=0,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(2147483647),
                        ],
                        verbose_name="estimated cost (Rp)",
                    ),
                ),
                (
                    "sent_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
                ),
                ("task_id", models.CharField(blank=True, max_length=64)),
                (
                    "token",
                    models.CharField(
                        blank=True,
                        help_text="The confirm step's one-time token: the same confirm posted twice (a double tap, a reload) records one announcement.",
                        max_length=64,
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="author",
                    ),
                ),
                (
                    "cohort",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="announcements",
                        to="cohorts.cohort",
                    ),
                ),
            ],
            options={
                "verbose_name": "announcement",
                "verbose_name_plural": "announcements",
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("token", ""), _negated=True),
                        fields=("cohort", "token"),
                        name="announcement_once_per_confirm",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ReminderRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Queued"),
                            ("running", "Sending"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "reminded",
                    models.PositiveIntegerField(
                        default=0,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(2147483647),
                        ],
                        verbose_name="reminders recorded",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True, verbose_name="requested at"
                    ),
                ),
                (
                    "finished_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="finished at"
                    ),
                ),
                ("task_id", models.CharField(blank=True, max_length=64)),
                (
                    "cohort",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminder_runs",
                        to="cohorts.cohort",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "reminder run",
                "verbose_name_plural": "reminder runs",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.DeleteModel(
            name="ReminderSent",
        ),
    ]
