"""Build what a new installation shows: the site, the seed curriculum and the
demo accounts. Idempotent: a second run changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand

from content.services import site_ensure
from lms.accounts.roles import ROLE_LABELS
from lms.accounts.services import demo_accounts_ensure


class Command(BaseCommand):
    help = "Create the home page, the seed curriculum and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="Create demo accounts even when DEBUG is off.",
        )

    def handle(self, *args, **options):
        self.stdout.write("[1/2] site and home page")
        site_ensure()
        if settings.DEBUG or options["demo_accounts"]:
            self.stdout.write("[2/2] demo accounts")
            accounts = demo_accounts_ensure()
            self.stdout.write("")
            self.stdout.write("Demo accounts (email or phone, then the password):")
            for demo, _user in accounts:
                role = ROLE_LABELS.get(demo.role, "Admin")
                self.stdout.write(
                    f"  {role!s:16} {demo.email:24} {demo.phone:14} "
                    f"{settings.SINAU_DEMO_PASSWORD}"
                )
        else:
            self.stdout.write("[2/2] demo accounts skipped (DEBUG is off)")
        self.stdout.write(self.style.SUCCESS("Initial data ready."))
