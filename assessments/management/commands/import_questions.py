"""Import a question bank: manage.py import_questions FILE --format moodle."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.importers import ImportFailed, parse
from assessments.models import QuestionCategory
from assessments.services import questions_import


class Command(BaseCommand):
    help = (
        "Import questions from Moodle XML, GIFT or a django-quiz-app dumpdata "
        "export. All or nothing: a file with an error imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", required=True, choices=["moodle", "gift", "quizapp"]
        )
        parser.add_argument(
            "--category",
            help="Put every question in this category (created if missing) "
            "instead of the categories named in the file.",
        )

    def handle(self, *args, file: Path, format: str, category: str | None, **opts):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        self.stdout.write(f"reading {file.name} ({len(content)} bytes) as {format}")
        target = None
        if category:
            target, _new = QuestionCategory.objects.get_or_create(name=category)
        try:
            result = parse(content, format)
            self.stdout.write(f"writing {len(result.questions)} questions")
            report = questions_import(result=result, category=target, source=file.name)
        except ImportFailed as failed:
            for line in failed.skipped:
                self.stderr.write(f"skipped: {line}")
            raise CommandError(
                "nothing imported:\n" + "\n".join(failed.errors)
            ) from failed
        for line in report.skipped:
            self.stderr.write(f"skipped: {line}")
        categories = ", ".join(report.categories)
        self.stdout.write(
            self.style.SUCCESS(f"{report.created} questions imported into {categories}")
        )
