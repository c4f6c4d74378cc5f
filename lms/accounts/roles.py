"""Roles are Django groups. This module is the one place that says which
permissions each role holds; a data migration creates the groups and a
post-migrate hook keeps them in step as later apps add their permissions."""

import logging

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

TRAINEES = "Trainees"
TRAINERS = "Trainers"
PROGRAM_MANAGERS = "Program managers"

ROLE_LABELS = {
    TRAINEES: _("Trainee"),
    TRAINERS: _("Trainer"),
    PROGRAM_MANAGERS: _("Program manager"),
}

_MEDIA = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]

_COURSE_SNIPPETS = [
    f"{app}.{action}_{model}"
    for app, model in (
        ("content", "practiceproduct"),
        ("courses", "learningpath"),
        ("assessments", "question"),
        ("assessments", "questioncategory"),
        ("assessments", "accommodation"),
        ("assessments", "rubric"),
    )
    for action in ("add", "change", "delete", "view")
]

# "app_label.codename". Page permissions (trainers edit the course tree) are
# granted on the catalogue page when it is created (courses.seed). Trainees
# hold no model permissions: what they may see and do follows from their
# enrollments, checked by the services.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    TRAINEES: [],
    TRAINERS: [
        "wagtailadmin.access_admin",
        *_MEDIA,
        *_COURSE_SNIPPETS,
        "assessments.view_regradejob",
    ],
    PROGRAM_MANAGERS: [
        "wagtailadmin.access_admin",
        "courses.view_learningpath",
        "courses.view_enrollment",
        # Cohorts: create and edit their own (the admin lists only those);
        # no delete, so a cohort's history cannot be lost by accident.
        "cohorts.add_cohort",
        "cohorts.change_cohort",
        "cohorts.view_cohort",
        # Certificates of their cohorts: list, download, retry, revoke,
        # reissue. Not the certificate settings: those print on every
        # certificate of every cohort (superusers only).
        "certificates.view_certificate",
        "certificates.change_certificate",
    ],
}


def roles_sync(*, group_model, permission_model) -> None:
    """Create the role groups and grant each the permissions listed above that
    exist so far. Idempotent; never removes permissions an admin added by hand.
    Takes the models so a migration can pass its historical ones."""
    for name, perms in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is None:
                logger.debug("role %s: permission %s not there yet", name, perm)
            else:
                wanted.append(found)
        group.permissions.add(*wanted)


# Wagtail checks image and document permissions per collection, not per
# model: trainers upload, edit and choose images and documents in the
# "Sinau" collection and its children (the collection they author in; the
# role edits the whole catalogue). A per-course collection for a per-course
# trainers group is granted the same way, in the admin's group settings.
MEDIA_COLLECTION = "Sinau"
ROLE_COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    TRAINERS: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ],
}


def role_collections_sync(*, group_model, permission_model) -> None:
    """Create the "Sinau" media collection under Wagtail's root collection
    and grant each role its collection permissions there. Idempotent; does
    nothing before Wagtail's root collection exists (e.g. after a flush)."""
    from django.db import connection
    from wagtail.models import Collection, GroupCollectionPermission

    if Collection._meta.db_table not in connection.introspection.table_names():
        return
    root = Collection.get_first_root_node()
    if root is None:
        return
    collection = root.get_children().filter(name=MEDIA_COLLECTION).first()
    if collection is None:
        collection = root.add_child(name=MEDIA_COLLECTION)
    for name, perms in ROLE_COLLECTION_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=found
                )


# Wagtail's migration 0046 creates its default workflow and task as
# "Moderators approval": data, so no translation reaches it, and the page
# editor's menu offers "Pengajuan ke Moderators approval".
WAGTAIL_APPROVAL_NAME = "Moderators approval"
APPROVAL_NAME = "Persetujuan moderator"


def approval_workflow_name_sync() -> None:
    """Rename Wagtail's default workflow and its task from
    `WAGTAIL_APPROVAL_NAME` to `APPROVAL_NAME`; names a person chose are
    kept. Idempotent; does nothing before Wagtail's tables exist."""
    from django.db import connection
    from wagtail.models import Task, Workflow

    if Workflow._meta.db_table not in connection.introspection.table_names():
        return
    Workflow.objects.filter(name=WAGTAIL_APPROVAL_NAME).update(name=APPROVAL_NAME)
    Task.objects.filter(name=WAGTAIL_APPROVAL_NAME).update(name=APPROVAL_NAME)


def roles_sync_after_migrate(sender, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    roles_sync(group_model=Group, permission_model=Permission)
    role_collections_sync(group_model=Group, permission_model=Permission)
    approval_workflow_name_sync()
