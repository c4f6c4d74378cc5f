"""Give every stored attempt snapshot the opaque form keys the answer forms
now use (choice ids no longer reach the page), and move quizzes still on
the old default review policy (answers after every submission, which lets a
trainee copy them into the retake) to the new default."""

import secrets

from django.db import migrations

BATCH = 500


def _keys(count: int, taken: set[str]) -> list[str]:
    keys: list[str] = []
    while len(keys) < count:
        key = secrets.token_hex(4)
        if key not in taken and key not in keys:
            keys.append(key)
    return keys


def _with_keys(snapshot: dict) -> bool:
    """Add missing keys in place; True if anything changed."""
    changed = False
    choices = snapshot.get("choices") or []
    taken = {c["key"] for c in choices if c.get("key")}
    missing = [c for c in choices if not c.get("key")]
    for choice, key in zip(missing, _keys(len(missing), taken), strict=True):
        choice["key"] = key
        changed = True
    if snapshot.get("kind") == "true_false" and not snapshot.get("value_keys"):
        true_key, false_key = _keys(2, set())
        snapshot["value_keys"] = {"true": true_key, "false": false_key}
        changed = True
    return changed


def snapshots_add_keys(apps, schema_editor):
    AttemptQuestion = apps.get_model("assessments", "AttemptQuestion")
    batch = []
    for item in AttemptQuestion.objects.only("pk", "snapshot").iterator(
        chunk_size=BATCH
    ):
        if _with_keys(item.snapshot):
            batch.append(item)
        if len(batch) >= BATCH:
            AttemptQuestion.objects.bulk_update(batch, ["snapshot"])
            batch = []
    if batch:
        AttemptQuestion.objects.bulk_update(batch, ["snapshot"])


def review_default(apps, schema_editor):
    QuizPage = apps.get_model("assessments", "QuizPage")
    QuizPage.objects.filter(review_policy="after_submit").update(
        review_policy="after_pass_or_last"
    )
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(
        app_label="assessments", model="quizpage"
    ).first()
    if content_type is None:
        return
    revisions = Revision.objects.filter(
        content_type=content_type, content__review_policy="after_submit"
    )
    for revision in revisions:
        revision.content["review_policy"] = "after_pass_or_last"
        revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_review_policy_regrade_counts"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(snapshots_add_keys, migrations.RunPython.noop),
        migrations.RunPython(review_default, migrations.RunPython.noop),
    ]
