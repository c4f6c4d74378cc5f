"""Build what a new installation shows: the site, the seed curriculum, the
demo accounts and a demo trainee part-way through a course. Idempotent: a
second run changes nothing.

It lives in `lms` because it touches every app; the seed data itself is in
`content/seed/`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from assessments.demo import demo_attempts_ensure
from assessments.seed import quizzes_load, tasks_load
from content.seed.schema import SeedError, load_seed
from content.services import site_ensure
from courses.demo import demo_progress_ensure
from courses.seed import curriculum_load
from lms.accounts.models import User
from lms.accounts.roles import ROLE_LABELS
from lms.accounts.services import demo_accounts_ensure
from lms.cohorts.demo import demo_cohorts_ensure
from lms.notifications.demo import demo_notifications_ensure

SEED_DIR = Path(settings.BASE_DIR) / "content" / "seed"


class Command(BaseCommand):
    help = "Create the home page, the seed curriculum and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="Create demo accounts even when DEBUG is off.",
        )

    def handle(self, *args, **options):
        try:
            seed = load_seed(SEED_DIR)
        except SeedError as exc:
            raise CommandError("The seed curriculum has errors:\n" + str(exc)) from exc
        demo = settings.DEBUG or options["demo_accounts"]
        steps = 5 if demo else 2
        self.stdout.write(f"[1/{steps}] site and home page")
        home = site_ensure()
        self.stdout.write(
            f"[2/{steps}] curriculum: {len(seed.courses)} courses with their "
            "quizzes and practical tasks"
        )
        index = curriculum_load(seed=seed, home=home, report=self.stdout.write)
        quizzes_load(seed=seed, index=index, report=self.stdout.write)
        tasks_load(seed=seed, index=index, report=self.stdout.write)
        if not demo:
            self.stdout.write("demo accounts skipped (DEBUG is off)")
            self.stdout.write(self.style.SUCCESS("Initial data ready."))
            return
        self.stdout.write(f"[3/{steps}] demo accounts")
        accounts = demo_accounts_ensure()
        self.stdout.write(f"[4/{steps}] demo trainee progress")
        demo_progress_ensure(trainee=accounts[0][1])
        demo_attempts_ensure(trainee=accounts[0][1])
        self.stdout.write(f"[5/{steps}] demo cohorts")
        cohorts = demo_cohorts_ensure(manager=accounts[2][1], trainer=accounts[1][1])
        demo_notifications_ensure(
            trainees=User.objects.filter(
                Q(pk=accounts[0][1].pk) | Q(cohort_memberships__cohort__in=cohorts)
            ).distinct(),
            welcome=accounts[0][1],
        )
        self.stdout.write("")
        self.stdout.write("Demo accounts (log in with the email or the phone number):")
        for account, _user in accounts:
            role = ROLE_LABELS.get(account.role, "Admin")
            self.stdout.write(
                f"  {role!s:16} {account.email:24} {account.phone:14} "
                f"password: {settings.SINAU_DEMO_PASSWORD}"
            )
        self.stdout.write(self.style.SUCCESS("Initial data ready."))
