"""Trainers add, change, delete and view rubrics (the staff scope limits
which ones: assessments/practice/rubrics.py). lms.accounts.roles lists the
permissions for new installations; this grants them where the Trainers
group already exists."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRAINERS = "Trainers"
CODENAMES = ("add_rubric", "change_rubric", "delete_rubric", "view_rubric")


def forwards(apps, schema_editor):
    config = apps.get_app_config("assessments")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name=TRAINERS).first()
    if group is None:
        return
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="assessments", codename__in=CODENAMES
    )
    group.permissions.add(*permissions)


def backwards(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=TRAINERS).first()
    if group is None:
        return
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="assessments", codename__in=CODENAMES
    )
    group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0017_task_assessment_notified_at"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
