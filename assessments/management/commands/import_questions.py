"""Import a question bank: manage.py import_questions FILE --format moodle."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.importers import FORMATS, ImportFailed, parse
from assessments.importers.write import questions_import


class Command(BaseCommand):
    help = (
        "Import questions from Moodle XML, GIFT or a django-quiz-app dumpdata "
        "export. All or nothing: a file with an error imports nothing, and "
        "no category is created, unless --import-rest is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--category",
            help="Put every question in this top category (created if missing) "
            "instead of the categories named in the file.",
        )
        parser.add_argument(
            "--import-rest",
            "--skip-unsupported",
            dest="skip_unsupported",
            action="store_true",
            help="Import the rest of a file that holds questions of types "
            "Sinau does not support or questions with errors (each is left "
            "out whole and listed); without it such a file imports nothing.",
        )

    def handle(self, *args, file: Path, format: str, category: str | None, **opts):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        self.stdout.write(f"reading {file.name} ({len(content)} bytes) as {format}")
        try:
            result = parse(content, format, skip_unsupported=opts["skip_unsupported"])
            self.stdout.write(f"writing {len(result.questions)} questions")
            report = questions_import(
                result=result, category_name=category or "", source=file.name
            )
        except ImportFailed as failed:
            for line in failed.skipped:
                self.stderr.write(f"unsupported: {line}")
            raise CommandError(
                "nothing imported:\n" + "\n".join(failed.errors)
            ) from failed
        for line in report.skipped:
            self.stderr.write(f"skipped: {line}")
        for line in report.refused:
            self.stderr.write(f"refused: {line}")
        for line in report.notes:
            self.stderr.write(f"note: {line}")
        categories = ", ".join(report.categories)
        self.stdout.write(
            self.style.SUCCESS(f"{report.created} questions imported into {categories}")
        )
