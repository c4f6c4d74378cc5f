"""manage.py reminders_send [--cohort ID] [--dry-run] [--deliver]

Runs what beat runs three times a day (`cohort_reminders_task`: the due
trainees of every running cohort, or of one, each reminded through the
notification service) and prints how many reminders went by which channel.
The sending itself is the worker's (after commit); those it has not sent
yet are counted as queued. `--deliver` sends them in this process instead
(what the worker would do, once each). `--dry-run` prints who would be
reminded, why, and the estimated cost per channel, and changes nothing."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.accounts.models import User
from lms.common.addresses import recorded_origin_once
from lms.notifications.models import Channel, Notification
from lms.notifications.services import estimate, notification_deliver

from ...models import Cohort
from ...reminders import reminder_message, reminders_due
from ...services import cohort_reminders_send, cohorts_reminding


class Command(BaseCommand):
    help = "Remind inactive trainees now, as beat does (or show who, with --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("--cohort", type=int, help="only this cohort (its id)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show who would be reminded and the estimated cost; send nothing",
        )
        parser.add_argument(
            "--deliver",
            action="store_true",
            help="send in this process instead of leaving it to the worker",
        )

    def handle(self, *args, **options):
        with recorded_origin_once():  # one read of the links' address in all
            self._handle(**options)

    def _handle(self, *, cohort=None, dry_run=False, deliver=False, **options):
        if cohort is not None and not Cohort.objects.filter(pk=cohort).exists():
            raise CommandError(f"no cohort with id {cohort}")
        cohorts = list(cohorts_reminding(cohort_id=cohort))
        if dry_run:
            self._dry_run(cohorts)
            return
        recorded = []
        for item in cohorts:
            recorded += cohort_reminders_send(cohort=item)
        if deliver:
            for notification in recorded:
                notification_deliver(notification_id=notification.pk)
        rows = Notification.objects.filter(pk__in=[n.pk for n in recorded])
        counts = Counter()
        for status, channel in rows.values_list("status", "channel"):
            if status == Notification.Status.PENDING:
                counts["queued for the worker"] += 1
            elif status == Notification.Status.BY_HAND:
                counts["waiting to be sent by hand"] += 1
            elif status == Notification.Status.NO_CHANNEL:
                counts["in Sinau only (no channel)"] += 1
            elif status == Notification.Status.FAILED:
                counts["failed on every channel"] += 1
            else:
                counts[f"sent by {channel}"] += 1
        self.stdout.write(f"{len(recorded)} reminder(s) recorded")
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label}: {count}")

    def _dry_run(self, cohorts):
        now = timezone.now()
        seen: set[int] = set()
        total: dict[str, dict[str, int]] = {}
        for item in cohorts:
            plan = reminders_due(cohort=item, now=now)
            due = [d for d in plan.due if d.user_id not in seen]
            seen.update(d.user_id for d in due)
            self.stdout.write(
                f"{item.name} (id {item.pk}): {len(due)} would be reminded"
                f" ({plan.opted_out} opted out, {plan.recently} reminded recently)"
            )
            users = {
                u.pk: u for u in User.objects.filter(pk__in=[d.user_id for d in due])
            }
            for d in due:
                why = "; ".join(d.reasons) or f"no activity for {d.idle_days} days"
                self.stdout.write(f"  - {d.name} {d.phone}: {why}")
            if not users:
                continue
            sample = next(iter(users.values()))
            for channel, row in estimate(
                users=users.values(),
                message=reminder_message(user=sample, cohort=item),
                kind=Notification.Kind.REMINDER,
            ).items():
                into = total.setdefault(channel, {"count": 0, "cost": 0})
                into["count"] += row["count"]
                into["cost"] += row["cost"]
        self.stdout.write("Estimate (first channel each person's ladder reaches):")
        labels = dict(Channel.choices)
        for channel, row in sorted(total.items()):
            self.stdout.write(
                f"  {labels.get(channel, channel)}: {row['count']} message(s),"
                f" Rp{row['cost']}"
            )
        cost = sum(row["cost"] for row in total.values())
        self.stdout.write(f"Total estimated cost: Rp{cost}. Nothing was sent.")
