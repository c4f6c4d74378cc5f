"""Certificate PDFs and credentials move from public media (`MEDIA_ROOT`, served
under `/media/`) to the private storage, which only the download views serve.
The data step moves every existing file (same name); it is safe to run again:
a file already moved is left, a file missing from public media is skipped."""

from django.core.files.storage import storages
from django.db import migrations, models

import lms.storage


def _move(source, target, names) -> None:
    for name in names:
        if not source.exists(name):
            continue
        if not target.exists(name):
            with source.open(name, "rb") as handle:
                saved = target.save(name, handle)
            if saved != name:  # never rename: the row names the file
                target.delete(saved)
                raise RuntimeError(f"could not move {name!r}: stored as {saved!r}")
        source.delete(name)


def _names(apps):
    Certificate = apps.get_model("certificates", "Certificate")
    for pdf, credential in Certificate.objects.values_list("pdf", "credential"):
        yield from (name for name in (pdf, credential) if name)


def to_private(apps, schema_editor):
    _move(storages["default"], storages["private"], _names(apps))


def to_public(apps, schema_editor):
    _move(storages["private"], storages["default"], _names(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="credential",
            field=models.FileField(
                blank=True,
                storage=lms.storage.private_storage,
                upload_to="certificates/",
                verbose_name="signed credential",
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="pdf",
            field=models.FileField(
                blank=True,
                storage=lms.storage.private_storage,
                upload_to="certificates/",
                verbose_name="PDF",
            ),
        ),
        migrations.RunPython(to_private, to_public),
    ]
