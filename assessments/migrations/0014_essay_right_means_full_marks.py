"""A marked essay counts as right (`is_correct`) only with full marks, as
every automatically graded kind does; before, half the points sufficed."""

from django.db import migrations
from django.db.models import F


def essays_right_at_full_marks(apps, schema_editor):
    AttemptQuestion = apps.get_model("assessments", "AttemptQuestion")
    essays = AttemptQuestion.objects.filter(
        snapshot__kind="essay", points__isnull=False
    )
    essays.filter(points__lt=F("max_points")).update(is_correct=False)
    essays.filter(points__gte=F("max_points")).update(is_correct=True)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0013_choice_numbers_wider")]

    operations = [
        migrations.RunPython(essays_right_at_full_marks, migrations.RunPython.noop)
    ]
