"""Export a category: manage.py export_questions "A/Child" --format moodle."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.exporters import questions_export
from assessments.models import QuestionCategory


class Command(BaseCommand):
    help = (
        "Export a question category and all its subcategories as Moodle XML or "
        "GIFT. The category is a path of names from the top, separated by '/' "
        "(e.g. 'Pemasaran/Harga')."
    )

    def add_arguments(self, parser):
        parser.add_argument("category", help="e.g. 'Pemasaran/Harga'")
        parser.add_argument("--format", required=True, choices=["moodle", "gift"])
        parser.add_argument(
            "--output", type=Path, help="Write to this file (default: stdout)."
        )

    def handle(self, *args, category: str, format: str, output, **opts):
        node = None
        for name in [part.strip() for part in category.split("/") if part.strip()]:
            node = QuestionCategory.objects.filter(parent=node, name=name).first()
            if node is None:
                raise CommandError(f"no category {category!r}")
        if node is None:
            raise CommandError("give a category path, e.g. 'Pemasaran/Harga'")
        result = questions_export(category=node, fmt=format)
        for note in result.notes:
            self.stderr.write(f"note: {note}")
        if output:
            output.write_text(result.content, encoding="utf-8")
            self.stderr.write(f"{result.count} questions written to {output}")
        else:
            self.stdout.write(result.content, ending="")
