"""Verify a signed certificate credential file offline.

    manage.py verify_credential FILE.json   (or - for standard input)

Checks the eddsa-rdfc-2022 signature against Sinau's issuer key and the
OpenBadgeCredential shape, and, when the database can be reached, the
revocation bit in Sinau's status list. Prints VALID, REVOKED or INVALID with
the reasons. Exit status: 0 VALID, 1 INVALID, 2 REVOKED.
"""

import json
import sys

from django.core.management.base import BaseCommand

from lms.certificates.credentials import credential_verify

EXIT = {"VALID": 0, "INVALID": 1, "REVOKED": 2}


class Command(BaseCommand):
    help = "Verify a signed credential (JSON file): signature, shape and status."
    # A verifier needs the key and (optionally) the database, not a project
    # that passes every system check: run anywhere the settings load.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="The credential JSON file, or - for stdin.")
        parser.add_argument(
            "--no-status",
            action="store_true",
            help="Do not look up the revocation status in the database.",
        )

    def handle(self, *args, **options):
        try:
            if options["file"] == "-":
                doc = json.load(sys.stdin)
            else:
                with open(options["file"], encoding="utf-8") as handle:
                    doc = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._finish("INVALID", [f"Cannot read the credential: {exc}"])
            return
        result = credential_verify(doc, check_status=not options["no_status"])
        reasons = [*result.errors, *result.shape_errors]
        if result.signature_valid:
            reasons.append(f"Status: {result.status} ({result.status_detail})")
        self._finish(result.verdict, reasons)

    def _finish(self, verdict: str, reasons: list[str]) -> None:
        style = self.style.SUCCESS if verdict == "VALID" else self.style.ERROR
        self.stdout.write(style(verdict))
        for reason in reasons:
            self.stdout.write(f"- {reason}")
        if EXIT[verdict]:
            sys.exit(EXIT[verdict])
