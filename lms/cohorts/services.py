"""Writes for cohorts: membership, the spreadsheet import, exports and
reminders. Views call these after checking staff scope (selectors)."""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessments.models import Submission
from courses.models import Enrollment
from courses.services import enrollment_create, enrollment_create_many
from lms.accounts.models import User
from lms.accounts.names import person_name_clean
from lms.accounts.phone import phone_normalize
from lms.accounts.roles import TRAINEES
from lms.accounts.services import password_links_create, whatsapp_share_url
from lms.common import errors
from lms.common.addresses import public_url
from lms.common.queue import task_enqueue_on_commit
from lms.common.spreadsheets import SpreadsheetError, csv_write, table_read, xlsx_write
from lms.notifications.channels.base import Message
from lms.notifications.models import Notification
from lms.notifications.services import estimate, notify, notify_many

from .models import (
    Announcement,
    Cohort,
    CohortExport,
    CohortImport,
    CohortMembership,
    ReminderOptOut,
    ReminderRun,
)
from .reminders import (
    announcement_message,
    cohort_summary_figures,
    reminder_key,
    reminder_message,
    reminders_due,
    summary_message,
)
from .selectors import (
    cohort_courses,
    cohort_members,
    cohort_progress,
    quiz_results_rows,
)
from .tasks import (
    announcement_send_task,
    cohort_export_task,
    cohort_reminders_run_task,
)

logger = logging.getLogger(__name__)

# -- membership ----------------------------------------------------------------


def cohort_member_add(
    *, cohort: Cohort, user: User, village: str = ""
) -> CohortMembership:
    """Add a trainee to the cohort and enrol them in each of its courses
    (`source="cohort"`, so cohort-only courses too). Idempotent; a withdrawn
    member becomes active again with their history."""
    with transaction.atomic():
        membership, created = CohortMembership.objects.get_or_create(
            cohort=cohort, user=user, defaults={"village": village}
        )
        if not created and membership.status == CohortMembership.Status.WITHDRAWN:
            membership.status = CohortMembership.Status.ACTIVE
            membership.left_at = None
            membership.save(update_fields=["status", "left_at"])
        for course in cohort_courses(cohort=cohort):
            enrollment_create(user=user, course=course, source=Enrollment.Source.COHORT)
    return membership


def cohort_member_remove(*, cohort: Cohort, user: User) -> CohortMembership | None:
    """Withdraw a trainee from the cohort. Nothing is deleted: the
    membership is marked withdrawn with the date, enrolments, lessons,
    attempts and certificates stay. Idempotent."""
    with transaction.atomic():
        membership = (
            CohortMembership.objects.select_for_update()
            .filter(cohort=cohort, user=user)
            .first()
        )
        if membership and membership.status != CohortMembership.Status.WITHDRAWN:
            membership.status = CohortMembership.Status.WITHDRAWN
            membership.left_at = timezone.now()
            membership.save(update_fields=["status", "left_at"])
    return membership


class InvitationInvalid(errors.Refused):
    """No invitation of this person with this id is waiting (a 404: the id
    says nothing about anyone else's invitation)."""

    status = 404


def cohort_invitation_accept(*, user: User, membership_id: int) -> CohortMembership:
    """The owner of an invited account joins the cohort: the membership
    becomes active from now and they are enrolled in its courses. From
    then on the cohort's staff see their progress in the cohort's courses
    (the invitation says so before they accept); certificates earned before
    `joined_at` stay out of the staff's reach (`memberships_covering`).
    Idempotent: accepting an invitation already accepted returns the
    membership. Raises
    InvitationInvalid, changing nothing, for an id that is not an invitation
    of `user` (someone else's, declined, unknown)."""
    Status = CohortMembership.Status
    with transaction.atomic():
        membership = (
            CohortMembership.objects.select_for_update()
            .select_related("cohort")
            .filter(pk=membership_id, user=user)
            .first()
        )
        if membership is None or membership.status not in (
            Status.INVITED,
            *CohortMembership.ACTIVE_STATUSES,
        ):
            raise InvitationInvalid
        if membership.status == Status.INVITED:
            membership.status = Status.ACTIVE
            membership.joined_at = timezone.now()
            membership.left_at = None
            membership.save(update_fields=["status", "joined_at", "left_at"])
            for course in cohort_courses(cohort=membership.cohort):
                enrollment_create(
                    user=user, course=course, source=Enrollment.Source.COHORT
                )
    return membership


def cohort_invitation_decline(*, user: User, membership_id: int) -> CohortMembership:
    """The owner of an invited account says no: the invitation is kept as
    declined, so a later import of the same file does not ask again.
    Idempotent. Raises InvitationInvalid for an id that is not a waiting
    (or already declined) invitation of `user`."""
    Status = CohortMembership.Status
    with transaction.atomic():
        membership = (
            CohortMembership.objects.select_for_update()
            .select_related("cohort")
            .filter(
                pk=membership_id,
                user=user,
                status__in=[Status.INVITED, Status.DECLINED],
            )
            .first()
        )
        if membership is None:
            raise InvitationInvalid
        if membership.status == Status.INVITED:
            membership.status = Status.DECLINED
            membership.save(update_fields=["status"])
    return membership


# -- spreadsheet import --------------------------------------------------------

MAX_IMPORT_ROWS = 5000
TEMPLATE_HEADER = ["nama", "hp", "email", "desa"]
COLUMNS = {
    "name": ("nama", "name", "nama lengkap"),
    "phone": ("hp", "phone", "no hp", "nomor hp", "telepon", "whatsapp", "wa"),
    "email": ("email", "e-mail", "surel"),
    "village": ("desa", "village", "kampung"),
}


class ImportRefused(errors.Refused, ValueError):
    """The file itself cannot be imported (unreadable, no name column...)."""


@dataclass
class ImportRow:
    """One row of an import. What the preview shows is only `errors` (or
    none): whether a phone or email has an account, and whose, is never
    shown (`user_id` and `already_member` stay on the server)."""

    row: int
    name: str
    phone: str
    email: str
    village: str
    user_id: int | None = None  # an account that existed before the import
    already_member: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        """ "error", "new" (an account is created), "existing" (the owner
        is invited) or "member" (nothing to do). Never shown to staff."""
        if self.errors:
            return "error"
        if self.user_id is None:
            return "new"
        return "member" if self.already_member else "existing"


@dataclass
class ImportPlan:
    rows: list[ImportRow]
    upload_id: int | None = None  # the CohortImport this preview recorded

    @property
    def errors(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def token(self, *, cohort: Cohort, user: User) -> str:
        """The plan, signed for this cohort, manager and upload, for the
        confirm form; nothing else is stored between the two steps."""
        data = {
            "upload": self.upload_id,
            "rows": [[r.row, r.name, r.phone, r.email, r.village] for r in self.rows],
        }
        return signing.dumps(data, salt=_salt(cohort, user), compress=True)


def _salt(cohort: Cohort, user: User) -> str:
    return f"cohort-import:{cohort.pk}:{user.pk}"


def _column(keys: set[str], name: str) -> str | None:
    return next((k for k in COLUMNS[name] if k in keys), None)


def _uploads_bound(*, cohort: Cohort, by: User | None) -> CohortImport | None:
    """Record an upload, or refuse it: at most
    `settings.SINAU_IMPORT_FILES_PER_HOUR` uploads per person in any hour
    (counted in the database, so it holds across web workers and without
    the cache). Raises ImportRefused when that many were made."""
    if by is None:
        return None
    limit = settings.SINAU_IMPORT_FILES_PER_HOUR
    since = timezone.now() - timezone.timedelta(hours=1)
    # One person's uploads one at a time: their row is locked while counting
    # (PostgreSQL), so parallel uploads cannot all pass the count.
    list(User.objects.select_for_update().filter(pk=by.pk).values_list("pk"))
    if CohortImport.objects.filter(created_by=by, created_at__gt=since).count() >= (
        limit
    ):
        raise ImportRefused(
            _(
                "You have uploaded %(limit)s files in the last hour, the most "
                "allowed. Wait a while, then upload the file again."
            )
            % {"limit": limit}
        )
    return CohortImport.objects.create(cohort=cohort, created_by=by)


def cohort_import_plan(*, cohort: Cohort, upload, by: User | None = None) -> ImportPlan:
    """Record the upload (`CohortImport`, status checked: every upload
    counts towards the hourly bound, before the file is even read), then
    read and check the CSV or XLSX file. Writes nothing else. Each row is fine
    or has errors: missing name, missing contact (neither phone nor email),
    bad phone, bad email, a control character in any cell, a duplicate in
    the file, or the account of `by` (nobody adds themselves to a cohort
    they manage). Whether a phone or email already has an account, or
    belongs to staff, is never an error and never shown. Raises
    ImportRefused when the file is unreadable, has more than
    MAX_IMPORT_ROWS rows, or `by` has uploaded
    `SINAU_IMPORT_FILES_PER_HOUR` files in the last hour."""
    with transaction.atomic():
        upload_record = _uploads_bound(cohort=cohort, by=by)
    try:
        records = table_read(upload, max_rows=MAX_IMPORT_ROWS)
    except SpreadsheetError as exc:
        if exc.refusal:  # the reader's own translated reason (an XLSX bomb)
            raise ImportRefused(exc.refusal) from exc
        if str(exc) == "too many rows":
            raise ImportRefused(
                _("The file has more than %(max)s rows. Split it into smaller files.")
                % {"max": MAX_IMPORT_ROWS}
            ) from exc
        raise ImportRefused(
            _("This file cannot be read. Upload a CSV or XLSX file like the template.")
        ) from exc
    if not records:
        raise ImportRefused(_("The file has no trainees."))
    keys = set(records[0]) - {"_row"}
    columns = {name: _column(keys, name) for name in COLUMNS}
    if not columns["name"] or not (columns["phone"] or columns["email"]):
        raise ImportRefused(
            _(
                "The first row must name the columns: nama, hp and/or email, "
                "and optionally desa (download the template)."
            )
        )
    rows = [
        ImportRow(
            row=int(r["_row"]),
            name=r.get(columns["name"], ""),
            phone=r.get(columns["phone"], "") if columns["phone"] else "",
            email=r.get(columns["email"], "") if columns["email"] else "",
            village=r.get(columns["village"], "") if columns["village"] else "",
        )
        for r in records
    ]
    plan = _plan_check(cohort=cohort, rows=rows, by=by)
    if upload_record is not None:
        upload_record.rows = len(rows)
        upload_record.save(update_fields=["rows"])
        plan.upload_id = upload_record.pk
    return plan


def _cell_unsafe(value: str) -> bool:
    """Does the cell hold a character no field may store: a control
    character (NUL is refused by PostgreSQL; the others are invisible and
    break names, links and exports) or a lone surrogate?"""
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _plan_check(
    *, cohort: Cohort, rows: list[ImportRow], by: User | None = None
) -> ImportPlan:
    """The checks every row gets, at the preview and again at the confirm
    (the same function, on both databases): see `cohort_import_plan`."""
    seen_phone: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    for r in rows:
        r.errors = []
        r.user_id = None
        r.already_member = False
        for label, value in (
            (_("name"), r.name),
            (_("phone"), r.phone),
            (_("email"), r.email),
            (_("village"), r.village),
        ):
            if _cell_unsafe(value):
                r.errors.append(
                    _("the %(column)s has a control character (for example NUL)")
                    % {"column": label}
                )
        if r.errors:
            # Nothing else is read from a row with such a cell: it never
            # reaches a query (PostgreSQL refuses NUL in any parameter).
            r.name, r.phone, r.email, r.village = (
                _printable(v) for v in (r.name, r.phone, r.email, r.village)
            )
            continue
        # As certificates print it: no bidi overrides or invisible-only names.
        r.name = person_name_clean(r.name)[:150]
        r.village = person_name_clean(r.village)[:120]
        if not r.name:
            r.errors.append(_("missing name"))
        if not r.phone and not r.email:
            r.errors.append(_("missing contact: give a phone number or an email"))
        if r.phone:
            try:
                r.phone = phone_normalize(r.phone)
            except ValidationError:
                r.errors.append(_("bad phone number '%(phone)s'") % {"phone": r.phone})
        if r.email:
            r.email = r.email.lower()
            try:
                validate_email(r.email)
                if len(r.email) > User._meta.get_field("email").max_length:
                    raise ValidationError("too long")
            except ValidationError:
                r.errors.append(_("bad email '%(email)s'") % {"email": r.email})
        if r.phone and r.phone.startswith("+"):
            if r.phone in seen_phone:
                r.errors.append(
                    _("duplicate in the file: same phone as row %(row)s")
                    % {"row": seen_phone[r.phone]}
                )
            else:
                seen_phone[r.phone] = r.row
        if r.email and "@" in r.email:
            if r.email in seen_email:
                r.errors.append(
                    _("duplicate in the file: same email as row %(row)s")
                    % {"row": seen_email[r.email]}
                )
            else:
                seen_email[r.email] = r.row
    by_phone = {
        phone: pk
        for pk, phone in User.objects.filter(phone__in=list(seen_phone)).values_list(
            "pk", "phone"
        )
    }
    by_email = {
        email.lower(): pk
        for pk, email in User.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=list(seen_email))
        .values_list("pk", "email")
    }
    matched: dict[int, ImportRow] = {}
    for r in rows:
        if r.errors:
            continue
        # The account the row names: the phone's, else the email's. When
        # the two belong to different accounts, or an account has other
        # contact details, nothing is said: the phone's owner is invited and
        # no account is changed (an error would tell who has an account).
        found = by_phone.get(r.phone) or by_email.get(r.email)
        if found is not None and by is not None and found == by.pk:
            r.errors.append(_("this is your own account: another manager must add you"))
            continue
        if found is not None:
            r.user_id = found
            if found in matched:
                # Another row names the same account: one invitation; saying
                # so would tell that the two contacts are one person's.
                r.already_member = True
            else:
                matched[found] = r
    members = set(
        CohortMembership.objects.active()
        .filter(cohort=cohort, user_id__in=list(matched))
        .values_list("user_id", flat=True)
    )
    for user_id in members:
        matched[user_id].already_member = True
    return ImportPlan(rows=rows)


def _printable(value: str) -> str:
    """The value with the characters `_cell_unsafe` refuses shown as
    U+FFFD, for the preview's table and error list."""
    return "".join(
        "\ufffd"
        if ord(ch) < 32 or 127 <= ord(ch) < 160 or 0xD800 <= ord(ch) < 0xE000
        else ch
        for ch in value
    )


def cohort_import_plan_from_token(
    *, cohort: Cohort, user: User, token: str
) -> ImportPlan:
    """The plan a preview signed, checked again against the database as it
    is now. Raises ImportRefused when the token is not this manager's for
    this cohort, or is older than a day."""
    try:
        data = signing.loads(token, salt=_salt(cohort, user), max_age=60 * 60 * 24)
        rows = [
            ImportRow(row=row, name=name, phone=phone, email=email, village=village)
            for row, name, phone, email, village in data["rows"]
        ]
        upload_id = data["upload"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ImportRefused(
            _("This preview has expired. Upload the file again.")
        ) from exc
    plan = _plan_check(cohort=cohort, rows=rows, by=user)
    plan.upload_id = upload_id
    return plan


@dataclass
class ImportResult:
    created: list[tuple[User, str, str]]  # user, set-password link, WhatsApp link
    added: int  # new accounts made members
    invited: int  # existing accounts invited (they accept after logging in)
    already: int  # already members, or invitations already sent or declined


def cohort_import_apply(
    *, cohort: Cohort, plan: ImportPlan, by: User, request=None
) -> ImportResult:
    """Write a checked plan, once. New people get an account the programme
    owns (`User.provisioned`, no password, a one-time set-password link
    each), an active membership and enrolment in the cohort's courses.
    Accounts that existed before are only invited
    (`CohortMembership.Status.INVITED`): they join, and are enrolled, when
    their owner accepts (`cohort_invitation_accept`); until then they give
    `by` nothing. Existing members, pending and declined invitations are
    left as they are; a withdrawn member is invited again.

    All or nothing: a plan with any bad row raises ImportRefused and writes
    nothing; so does a plan whose upload was already imported (a second
    confirm, even a parallel one), a race that makes a phone or email taken
    meanwhile, and a `by` who may not give the new people set-password links
    (PermissionDenied). Bulk writes: a few queries per course, not per row
    (2,000 rows in one request). The set-password links start with the
    address `request` came to, unless SINAU_PUBLIC_URL is set
    (lms/common/addresses.py)."""
    if not plan.ok:
        raise ImportRefused(_("The file has errors; nothing was imported."))
    trainees = Group.objects.get(name=TRAINEES)
    new_rows = [r for r in plan.rows if r.action == "new"]
    invite_rows = [r for r in plan.rows if r.action == "existing"]
    Status = CohortMembership.Status
    try:
        with transaction.atomic():
            upload = (
                CohortImport.objects.select_for_update()
                .filter(pk=plan.upload_id, cohort=cohort, created_by=by)
                .first()
            )
            if upload is None or upload.status != CohortImport.Status.CHECKED:
                raise ImportRefused(
                    _(
                        "This file has already been imported. Upload it again "
                        "to import it once more."
                    )
                )
            users = User.objects.bulk_create(
                [
                    User(
                        display_name=r.name,
                        phone=r.phone or None,
                        email=r.email or None,
                        password=make_password(None),
                        provisioned=True,
                    )
                    for r in new_rows
                ]
            )
            for r, u in zip(new_rows, users, strict=True):
                r.user_id = u.pk
            User.groups.through.objects.bulk_create(
                [
                    User.groups.through(user_id=u.pk, group_id=trainees.pk)
                    for u in users
                ],
                ignore_conflicts=True,
            )
            CohortMembership.objects.bulk_create(
                [
                    CohortMembership(
                        cohort=cohort, user_id=r.user_id, village=r.village
                    )
                    for r in new_rows
                ]
            )
            invite_ids = [r.user_id for r in invite_rows]
            existing = dict(
                CohortMembership.objects.filter(
                    cohort=cohort, user_id__in=invite_ids
                ).values_list("user_id", "status")
            )
            CohortMembership.objects.bulk_create(
                [
                    CohortMembership(
                        cohort=cohort,
                        user_id=r.user_id,
                        village=r.village,
                        status=Status.INVITED,
                    )
                    for r in invite_rows
                    if r.user_id not in existing
                ]
            )
            again = [
                pk for pk, status in existing.items() if status == Status.WITHDRAWN
            ]
            CohortMembership.objects.filter(
                cohort=cohort, user_id__in=again, status=Status.WITHDRAWN
            ).update(status=Status.INVITED)
            invited = len(invite_rows) - len(existing) + len(again)
            invited_ids = [
                r.user_id for r in invite_rows if r.user_id not in existing
            ] + again
            if users:
                for course in cohort_courses(cohort=cohort):
                    enrollment_create_many(
                        user_ids=[u.pk for u in users],
                        course=course,
                        source=Enrollment.Source.COHORT,
                    )
            # Inside the transaction: if `by` may not give these people a
            # link (PermissionDenied), no account is left without one.
            paths = password_links_create(users=users, created_by=by) if users else {}
            upload.status = CohortImport.Status.APPLIED
            upload.applied_at = timezone.now()
            upload.accounts_created = len(users)
            upload.invited = invited
            upload.save(
                update_fields=["status", "applied_at", "accounts_created", "invited"]
            )
    except IntegrityError as exc:
        raise ImportRefused(
            _(
                "Someone else registered one of these phones or emails just now; "
                "nothing was imported. Upload the file again."
            )
        ) from exc
    created = []
    items = []
    key = f"invitation:{cohort.pk}:{upload.pk}"
    for u in users:
        link = public_url(paths[u.pk], request=request)
        message = _(
            "Hello %(name)s, you are registered for %(cohort)s on Sinau. "
            "Open this link to choose your password: %(link)s"
        ) % {"name": u.display_name, "cohort": cohort.name, "link": link}
        created.append(
            (
                u,
                link,
                (whatsapp_share_url(phone=u.phone, text=message) if u.phone else ""),
            )
        )
        items.append((u, key, _invitation_message(u, cohort=cohort, link=link)))
    accept_url = public_url(reverse("cohorts:invitations"), request=request)
    for start in range(0, len(invited_ids), INVITE_BATCH):
        for u in User.objects.filter(pk__in=invited_ids[start : start + INVITE_BATCH]):
            items.append(
                (u, key, _invitation_message(u, cohort=cohort, accept_url=accept_url))
            )
    # One message per person and import (`notify_many`: bulk, idempotent);
    # the result page still offers the WhatsApp links to send by hand.
    notify_many(
        kind=Notification.Kind.INVITATION, items=items, cohort=cohort, sender=by
    )
    return ImportResult(
        created=created,
        added=len(users),
        invited=invited,
        already=len(plan.rows) - len(users) - invited,
    )


# People per query when loading the invited accounts of an import.
INVITE_BATCH = 500


def _invitation_message(
    user: User, *, cohort: Cohort, link: str = "", accept_url: str = ""
) -> Message:
    """The invitation of an import, in `user`'s language: with `link`, a
    new account's set-password link; with `accept_url`, an existing
    account's invitation to accept after logging in. WhatsApp template
    `invitation`: {{1}} name, {{2}} cohort, {{3}} the link."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        name = user.get_short_name()
        values = {"name": name, "cohort": cohort.name, "link": link or accept_url}
        if link:
            body = _(
                "Hello %(name)s, you are registered for %(cohort)s on Sinau. "
                "Open this link to choose your password: %(link)s"
            )
            short = _("Sinau: you joined %(cohort)s. Choose your password: %(link)s")
        else:
            body = _(
                "Hello %(name)s, you are invited to join %(cohort)s on Sinau. "
                "Log in and accept the invitation: %(link)s"
            )
            short = _("Sinau: you are invited to join %(cohort)s. %(link)s")
        return Message(
            subject=_("Invitation to %(cohort)s") % values,
            body=body % values,
            url=link or accept_url,
            template="invitation",
            params=(name, cohort.name, link or accept_url),
            short=short % values,
        )


def import_template(*, file_format: str) -> bytes:
    """The template trainees are imported from, with two example rows."""
    rows = [
        TEMPLATE_HEADER,
        ["Siti Aminah", "0812 3456 7890", "", "Batu Ampar"],
        ["Budi Santoso", "", "budi@contoh.id", "Karangreja"],
    ]
    stream = io.BytesIO()
    if file_format == "xlsx":
        xlsx_write(stream, rows, title="peserta")
    else:
        csv_write(stream, rows)
    return stream.getvalue()


# -- exports -------------------------------------------------------------------


def cohort_export_request(
    *, cohort: Cohort, kind: str, file_format: str, by: User
) -> CohortExport:
    """Queue an export of the cohort's matrix or quiz results; a worker
    builds it (`cohort_export_task`) after commit."""
    if (
        kind not in CohortExport.Kind.values
        or file_format not in CohortExport.Format.values
    ):
        raise ValueError("unknown export")
    task_id = str(uuid.uuid4())
    with transaction.atomic():
        export = CohortExport.objects.create(
            cohort=cohort, kind=kind, format=file_format, created_by=by, task_id=task_id
        )
        task_enqueue_on_commit(cohort_export_task, args=(export.pk,), task_id=task_id)
    return export


def _matrix_rows(*, cohort: Cohort):
    progress = cohort_progress(cohort=cohort)
    header = [
        _("Name"),
        _("Phone"),
        _("Email"),
        _("Village"),
        _("Status"),
        _("Last activity"),
        _("At risk"),
        _("Overall progress (%)"),
        _("Courses completed"),
    ]
    for course in progress.courses:
        header += [
            _("%(course)s (%%)") % {"course": course.title},
            _("%(course)s: certificate") % {"course": course.title},
        ]
    for task in progress.tasks:
        header.append(_("Task: %(task)s") % {"task": task.title})
    for gain in progress.gains:
        header += [
            _("%(course)s: pre-test (%%)") % {"course": gain.course.title},
            _("%(course)s: post-test (%%)") % {"course": gain.course.title},
            _("%(course)s: learning gain (points)") % {"course": gain.course.title},
        ]
    # Last, so the columns before it keep their places.
    header.append(_("Quizzes saved offline, not sent back"))
    yes, no = _("yes"), _("no")
    states = {key: str(label) for key, label in Submission.Status.choices}
    not_submitted = _("not submitted")

    members = [
        row for row in progress.rows if row.status in CohortMembership.ACTIVE_STATUSES
    ]

    def rows():
        yield header
        for row in members:
            line = [
                row.name,
                row.phone,
                row.email,
                row.village,
                row.status_label,
                row.last_activity,
                "; ".join(row.reasons) if row.at_risk else no,
                row.percent,
                sum(1 for c in row.cells if c.completed and c.enrolled),
            ]
            for c in row.cells:
                line += [c.percent if c.enrolled else "", yes if c.certificate else no]
            for task in progress.tasks:
                state = row.tasks.get(task.id)
                line.append(states[state.status] if state else not_submitted)
            for gain in row.gain_cells:
                line += (
                    [_blank(gain.pre), _blank(gain.post), _blank(gain.gain)]
                    if gain
                    else ["", "", ""]
                )
            line.append(row.unsynced)
            yield line

    return len(members), rows()


def _blank(value):
    return "" if value is None else value


def _task_rows(*, cohort: Cohort):
    """Per practical task of the cohort's courses: the active members'
    latest versions by state (the dashboard's table)."""
    progress = cohort_progress(cohort=cohort)
    header = [
        _("Course"),
        _("Task"),
        _("Submitted"),
        _("Waiting for assessment"),
        _("Passed"),
        _("Needs revision"),
    ]

    def rows():
        yield header
        for task in progress.tasks:
            yield [
                task.course.title,
                task.title,
                task.submitted,
                task.waiting,
                task.passed,
                task.revision,
            ]

    return len(progress.tasks), rows()


def _feedback_rows(*, cohort: Cohort):
    """Per trainer: assessments that reached trainees and the median time
    from submitting to seeing them, in hours."""
    progress = cohort_progress(cohort=cohort)
    header = [_("Trainer"), _("Assessed"), _("Median time to feedback (hours)")]

    def rows():
        yield header
        for trainer in progress.feedback:
            yield [trainer.name, trainer.assessed, trainer.median_hours]

    return len(progress.feedback), rows()


def _quiz_rows(*, cohort: Cohort):
    count, records = quiz_results_rows(cohort=cohort)
    header = [
        _("Name"),
        _("Phone"),
        _("Email"),
        _("Course"),
        _("Quiz"),
        _("Attempt"),
        _("Submitted"),
        _("Score"),
        _("Maximum"),
        _("Percent"),
        _("Passed"),
    ]
    yes, no, waiting = _("yes"), _("no"), _("waiting for marking")

    def rows():
        yield header
        for r in records:
            percent = (
                round(r["score"] * 100 / r["max_score"])
                if r["score"] is not None and r["max_score"]
                else ""
            )
            yield [
                r["name"],
                r["user__phone"],
                r["user__email"],
                r["course"],
                r["quiz__title"],
                r["number"],
                r["submitted_at"],
                r["score"],
                r["max_score"],
                percent,
                waiting if r["passed"] is None else (yes if r["passed"] else no),
            ]

    return count, rows()


def cohort_export_build(*, export_id: int) -> CohortExport:
    """Build the export's file into private storage, updating `progress` as
    it goes. Idempotent: a finished export is returned unchanged; two
    deliveries in a row or at once leave one file at one name
    (`cohort-exports/<cohort>/<export>/<code>-<kind>-<requested day>.<fmt>`),
    written under the export's row lock by whichever finishes first (the
    other writes nothing). Failures are recorded on the export (unless a twin
    finished it) and re-raised."""
    export = CohortExport.objects.select_related("cohort").get(pk=export_id)
    if export.status == CohortExport.Status.DONE:
        return export
    CohortExport.objects.filter(pk=export.pk).exclude(
        status=CohortExport.Status.DONE
    ).update(status=CohortExport.Status.RUNNING, progress=0, last_error="")
    try:
        build = {
            CohortExport.Kind.MATRIX: _matrix_rows,
            CohortExport.Kind.QUIZ_RESULTS: _quiz_rows,
            CohortExport.Kind.TASKS: _task_rows,
            CohortExport.Kind.FEEDBACK: _feedback_rows,
        }[export.kind]
        total, rows = build(cohort=export.cohort)
        step = max(total // 20, 100)

        def counted():
            for number, row in enumerate(rows):
                if number and number % step == 0:
                    CohortExport.objects.filter(
                        pk=export.pk, status=CohortExport.Status.RUNNING
                    ).update(progress=min(99, number * 100 // max(total, 1)))
                yield row

        stream = io.BytesIO()
        if export.format == CohortExport.Format.XLSX:
            written = xlsx_write(stream, counted(), title=export.cohort.code)
        else:
            written = csv_write(stream, counted())
        day = timezone.localdate(export.created_at).strftime("%Y%m%d")
        name = f"{slugify(export.cohort.code)}-{export.kind}-{day}.{export.format}"
        with transaction.atomic():
            locked = (
                CohortExport.objects.select_for_update()
                .select_related("cohort")
                .get(pk=export_id)
            )
            if locked.status == CohortExport.Status.DONE:
                return locked  # a twin delivery finished first: write nothing
            _export_file_store(locked, name, stream.getvalue())
            locked.status = CohortExport.Status.DONE
            locked.progress = 100
            locked.rows = max(written - 1, 0)
            locked.finished_at = timezone.now()
            locked.last_error = ""
            locked.save(
                update_fields=[
                    "file",
                    "status",
                    "progress",
                    "rows",
                    "finished_at",
                    "last_error",
                ]
            )
    except Exception as exc:
        CohortExport.objects.filter(pk=export.pk).exclude(
            status=CohortExport.Status.DONE
        ).update(status=CohortExport.Status.FAILED, last_error=repr(exc)[:2000])
        raise
    return locked


def _export_file_store(export: CohortExport, filename: str, content: bytes) -> None:
    """Write `content` at the export's one name, replacing a file a crashed
    delivery left there (storage would otherwise add a suffix)."""
    field = export.file
    name = field.field.generate_filename(export, filename)
    if field.storage.exists(name):
        field.storage.delete(name)
    saved = field.storage.save(name, ContentFile(content))
    if saved != name:  # only if a writer raced past the row lock
        field.storage.delete(saved)
        raise RuntimeError(f"storage wrote {saved!r} instead of {name!r}")
    field.name = saved


# -- messages: reminders, announcements, summaries -----------------------------
# Everything goes through the one notification service (lms.notifications):
# one Notification per person and event key, sent down the person's ladder
# of channels by a worker; the Notification rows are the history staff see.


class MessageRefused(errors.Refused):
    """A reminder or announcement that cannot be sent as asked (empty or
    too long text, a control character, a person who asked for no
    reminders); nothing was recorded or sent."""


def cohort_reminders_send(
    *, cohort: Cohort, now=None, sender: User | None = None
) -> list[Notification]:
    """Remind the cohort's members who are due (`reminders.reminders_due`:
    active, inactive for `cohort.reminder_after_days` days, not finished,
    not opted out, no reminder from any cohort within that period) through
    `notify` (kind reminder, key `reminder:<local date>`): a person in two
    cohorts gets one reminder a day, and a second run, or two at once, send
    nothing more (the key is unique per person). Phone-only trainees are
    reminded too: in Sinau and by whatever rung of their ladder reaches them
    (the by-hand list at worst). Returns the notifications recorded by this
    run (an account not yet taken over gets none)."""
    now = now or timezone.now()
    plan = reminders_due(cohort=cohort, now=now)
    if plan.off or not plan.due:
        return []
    key = reminder_key(now=now)
    recorded = []
    for user in User.objects.filter(
        pk__in=[d.user_id for d in plan.due], is_active=True
    ).order_by("pk"):
        notification = notify(
            user=user,
            kind=Notification.Kind.REMINDER,
            key=key,
            message=reminder_message(user=user, cohort=cohort),
            cohort=cohort,
            sender=sender,
            now=now,
        )
        if notification is not None and notification.cohort_id == cohort.pk:
            recorded.append(notification)
    return recorded


def cohorts_reminding(*, now=None, cohort_id: int | None = None) -> QuerySet[Cohort]:
    """The cohorts the beat reminds: started, reminders on (one of them
    with `cohort_id`). `cohort_reminders_send` skips those that ended."""
    today = timezone.localdate(now or timezone.now())
    cohorts = Cohort.objects.filter(starts_on__lte=today, reminder_after_days__gt=0)
    if cohort_id is not None:
        cohorts = cohorts.filter(pk=cohort_id)
    return cohorts.order_by("pk")


def trainee_remind(
    *, cohort: Cohort, user: User, by: User, now=None
) -> tuple[Notification, bool]:
    """One reminder to one active member now ("Ingatkan"), through `notify`
    with the day's reminder key: a second press the same day (or the beat's
    reminder that day) sends nothing more. Returns (the notification,
    whether this call recorded it). The caller checks `by` is staff of the
    cohort and `user` a member. Raises MessageRefused when the person asked
    for no reminders or has not taken over their account yet."""
    if ReminderOptOut.objects.filter(user=user).exists():
        raise MessageRefused(_("This trainee asked for no reminders."))
    if not user.is_active:
        raise MessageRefused(
            _("This account is switched off: nothing can be sent to it.")
        )
    key = reminder_key(now=now)
    existing = Notification.objects.filter(user=user, key=key).first()
    if existing is not None:
        return existing, False
    notification = notify(
        user=user,
        kind=Notification.Kind.REMINDER,
        key=key,
        message=reminder_message(user=user, cohort=cohort),
        cohort=cohort,
        sender=by,
        now=now,
    )
    if notification is None:
        raise MessageRefused(
            _(
                "This trainee has not opened their account yet: send them "
                "their password link instead."
            )
        )
    return notification, True


def cohort_reminders_run_request(*, cohort: Cohort, by: User) -> ReminderRun:
    """Queue the cohort's reminders now ("Kirim sekarang"): a run row the
    reminders page shows, sent to a worker after commit
    (`cohort_reminders_run_task`; the jobs sweep resends a lost message).
    A run of the cohort still queued or sending is returned instead of a
    new one, so pressing twice queues one run."""
    task_id = str(uuid.uuid4())
    with transaction.atomic():
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        waiting = ReminderRun.objects.filter(
            cohort=cohort,
            status__in=[ReminderRun.Status.PENDING, ReminderRun.Status.RUNNING],
        ).first()
        if waiting is not None:
            return waiting
        run = ReminderRun.objects.create(
            cohort=cohort, requested_by=by, task_id=task_id
        )
        task_enqueue_on_commit(
            cohort_reminders_run_task, args=(run.pk,), task_id=task_id
        )
    return run


def cohort_reminders_run(*, run_id: int, now=None) -> ReminderRun:
    """Run one queued reminder run: `cohort_reminders_send` for its cohort,
    by its requester. Idempotent: a finished run is returned unchanged and a
    redelivered one sends nothing twice (the reminder keys). Failures are
    recorded on the run and re-raised."""
    run = ReminderRun.objects.select_related("cohort", "requested_by").get(pk=run_id)
    if run.status in (ReminderRun.Status.DONE, ReminderRun.Status.FAILED):
        return run
    ReminderRun.objects.filter(pk=run.pk).update(status=ReminderRun.Status.RUNNING)
    try:
        recorded = cohort_reminders_send(
            cohort=run.cohort, now=now, sender=run.requested_by
        )
    except Exception:
        ReminderRun.objects.filter(pk=run.pk).update(
            status=ReminderRun.Status.FAILED, finished_at=timezone.now()
        )
        raise
    ReminderRun.objects.filter(pk=run.pk).exclude(
        status=ReminderRun.Status.DONE
    ).update(
        status=ReminderRun.Status.DONE,
        reminded=len(recorded),
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def _unsafe_text(value: str) -> bool:
    """A control character other than a line break or tab (NUL included),
    or a lone surrogate."""
    if any(
        (ord(ch) < 32 and ch not in "\n\r\t") or 127 <= ord(ch) < 160 for ch in value
    ):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def announcement_clean(*, body: str) -> str:
    """The announcement's text as it will be sent: surrounding spaces
    removed, line breaks kept. Raises MessageRefused (field "body") when
    empty, longer than `Announcement.MAX_CHARS`, or holding a control
    character."""
    text = (body or "").replace("\r\n", "\n").strip()
    if _unsafe_text(text):
        raise MessageRefused(
            _("The message has a control character (for example NUL). Remove it."),
            field="body",
        )
    if not text:
        raise MessageRefused(_("Write the message first."), field="body")
    if len(text) > Announcement.MAX_CHARS:
        raise MessageRefused(
            _("The message is longer than %(max)s characters (it has %(count)s).")
            % {"max": Announcement.MAX_CHARS, "count": len(text)},
            field="body",
        )
    return text


def _announcement_audience(cohort: Cohort) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=cohort_members(cohort=cohort, active_only=True), is_active=True
    ).order_by("pk")


def announcement_estimate(*, cohort: Cohort, body: str, by: User) -> dict:
    """What sending `body` to the cohort's active members would take:
    {"channels": {channel: {"count", "cost"}}, "people": n, "cost": rupiah}
    (`lms.notifications.services.estimate`: the first rung each person's
    ladder reaches). Raises MessageRefused for a text `announcement_clean`
    refuses."""
    text = announcement_clean(body=body)
    people = list(_announcement_audience(cohort))
    channels = estimate(
        users=people,
        message=announcement_message(user=by, cohort=cohort, body=text),
        kind=Notification.Kind.ANNOUNCEMENT,
    )
    return {
        "channels": channels,
        "people": sum(row["count"] for row in channels.values()),
        "cost": sum(row["cost"] for row in channels.values()),
    }


def announcement_create(
    *, cohort: Cohort, by: User, body: str, token: str = ""
) -> tuple[Announcement, bool]:
    """Record an announcement from `by` (staff of the cohort: the caller
    checks) with the estimate shown at the confirm step, and queue its
    fan-out (`announcement_send_task`) after commit. `token` (≤ 64
    characters, from the confirm step) makes a second post of the same
    confirm return the first announcement. Returns (announcement, whether
    this call recorded it). Raises MessageRefused for a text
    `announcement_clean` refuses; nothing is recorded then."""
    text = announcement_clean(body=body)
    token = token[:64]
    if token:
        existing = Announcement.objects.filter(cohort=cohort, token=token).first()
        if existing is not None:
            return existing, False
    plan = announcement_estimate(cohort=cohort, body=text, by=by)
    task_id = str(uuid.uuid4())
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(
                cohort=cohort,
                author=by,
                body=text,
                estimate=plan["channels"],
                estimated_cost=plan["cost"],
                recipients=plan["people"],
                task_id=task_id,
                token=token,
            )
            task_enqueue_on_commit(
                announcement_send_task, args=(announcement.pk,), task_id=task_id
            )
    except IntegrityError:  # the same confirm, posted twice at once
        return Announcement.objects.get(cohort=cohort, token=token), False
    return announcement, True


def announcement_send(*, announcement_id: int, now=None) -> Announcement:
    """Fan an announcement out to the cohort's active members: one
    `notify` each (kind announcement, key `announcement:<id>`), so a
    redelivered task or two at once send nothing twice. Members who joined
    after it was written get it too while it is being sent; a finished one
    is returned unchanged."""
    announcement = Announcement.objects.select_related("cohort", "author").get(
        pk=announcement_id
    )
    if announcement.status == Announcement.Status.SENT:
        return announcement
    Announcement.objects.filter(pk=announcement.pk).update(
        status=Announcement.Status.SENDING
    )
    cohort = announcement.cohort
    key = f"announcement:{announcement.pk}"
    count = 0
    for user in _announcement_audience(cohort):
        notification = notify(
            user=user,
            kind=Notification.Kind.ANNOUNCEMENT,
            key=key,
            message=announcement_message(
                user=user, cohort=cohort, body=announcement.body
            ),
            cohort=cohort,
            sender=announcement.author,
            now=now,
        )
        count += notification is not None
    Announcement.objects.filter(pk=announcement.pk).update(
        status=Announcement.Status.SENT, sent_at=timezone.now(), recipients=count
    )
    announcement.refresh_from_db()
    return announcement


def summary_key(*, cohort: Cohort, now=None) -> str:
    """'summary:<cohort id>:<ISO year>-W<ISO week>' of the local date."""
    year, week, _day = timezone.localdate(now or timezone.now()).isocalendar()
    return f"summary:{cohort.pk}:{year}-W{week:02d}"


def cohort_summary_send(*, cohort: Cohort, now=None) -> list[Notification]:
    """The weekly summary (`reminders.cohort_summary_figures`) to each of
    the cohort's managers, once per ISO week (`summary_key`). Returns the
    notifications recorded."""
    managers = list(cohort.managers.filter(is_active=True).order_by("pk"))
    if not managers:
        return []
    figures = cohort_summary_figures(cohort=cohort, now=now)
    key = summary_key(cohort=cohort, now=now)
    recorded = []
    for manager in managers:
        notification = notify(
            user=manager,
            kind=Notification.Kind.SUMMARY,
            key=key,
            message=summary_message(user=manager, cohort=cohort, figures=figures),
            cohort=cohort,
            now=now,
        )
        if notification is not None:
            recorded.append(notification)
    return recorded


def cohort_summaries_send(*, now=None) -> int:
    """Beat, Monday 07:00 WIB: the weekly summary of every running cohort
    (started, not ended more than a week ago) to its managers. Returns how
    many notifications were recorded (again: none new)."""
    today = timezone.localdate(now or timezone.now())
    cohorts = Cohort.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today - timezone.timedelta(days=7))
    )
    return sum(len(cohort_summary_send(cohort=c, now=now)) for c in cohorts)


def reminder_opt_out(*, user: User) -> None:
    """Stop reminders for `user`. Idempotent."""
    ReminderOptOut.objects.get_or_create(user=user)
