"""Pages for program managers and trainers. Every view finds its cohort,
trainee or export through the staff-scope selectors (`cohorts_visible_to`,
`cohorts_managed_by`), so anything outside the person's cohorts is a 404,
whatever id is guessed. Plain server-rendered pages and form posts: no
JavaScript needed."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.accounts.models import User
from lms.accounts.services import whatsapp_share_url
from lms.common.errors import refusal_response
from lms.notifications.channels.base import Message
from lms.notifications.models import Channel, Notification
from lms.notifications.selectors import last_notifications
from lms.notifications.services import by_hand_reachable, estimate, hand_mark_sent

from .forms import AnnouncementForm, ExportForm, ImportForm
from .models import (
    Announcement,
    CohortExport,
    CohortMembership,
    ReminderOptOut,
    ReminderRun,
)
from .reminders import (
    OPT_OUT_SALT,
    announcement_statuses,
    cohort_hand_list,
    cohort_message_history,
    estimate_for,
    next_reminder_run,
    reminder_message,
    reminder_whatsapp_url,
    reminders_due,
)
from .selectors import (
    FILTERS,
    SORTS,
    cohort_exports_visible_to,
    cohort_invitations_of,
    cohort_progress,
    cohort_task,
    cohort_task_heatmap,
    cohort_trainee_detail,
    cohorts_managed_by,
    cohorts_visible_to,
    collection_paused,
    progress_rows,
)
from .services import (
    MAX_IMPORT_ROWS,
    ImportRefused,
    InvitationInvalid,
    MessageRefused,
    announcement_create,
    announcement_estimate,
    cohort_export_request,
    cohort_import_apply,
    cohort_import_plan,
    cohort_import_plan_from_token,
    cohort_invitation_accept,
    cohort_invitation_decline,
    cohort_member_remove,
    cohort_reminders_run_request,
    import_template,
    reminder_opt_out,
    trainee_remind,
)

PAGE_SIZE = 50


def _visible(request, cohort_id: int):
    return get_object_or_404(cohorts_visible_to(user=request.user), pk=cohort_id)


def _managed(request, cohort_id: int):
    return get_object_or_404(cohorts_managed_by(user=request.user), pk=cohort_id)


def _can_manage(request, cohort) -> bool:
    return cohorts_managed_by(user=request.user).filter(pk=cohort.pk).exists()


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    cohorts = (
        cohorts_visible_to(user=request.user)
        .annotate(
            trainees=Count(
                "memberships",
                filter=Q(memberships__status__in=CohortMembership.ACTIVE_STATUSES),
            )
        )
        .order_by("-starts_on", "name")
    )
    managed = set(cohorts_managed_by(user=request.user).values_list("pk", flat=True))
    return render(
        request,
        "cohorts/cohort_list.html",
        {"cohorts": cohorts, "managed": managed},
    )


@login_required
@collection_paused()
def cohort_dashboard(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _visible(request, cohort_id)
    progress = cohort_progress(cohort=cohort)
    rows = progress_rows(progress=progress, params=request.GET)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cohorts/cohort_dashboard.html",
        {
            "cohort": cohort,
            "progress": progress,
            "page_obj": page,
            "show": request.GET.get("show", "all"),
            "sort": request.GET.get("sort", "name"),
            "q": request.GET.get("q", ""),
            "filters": _filter_choices(),
            "sorts": _sort_choices(),
            "query_string": params.urlencode(),
            "can_manage": _can_manage(request, cohort),
            "at_risk_preview": _with_last_messages(cohort, progress.at_risk[:10]),
        },
    )


def _with_last_messages(cohort, rows):
    """Each row with `last_message` (the newest notification to the
    person, or None) and `wa_url` (the reminder as a wa.me link)."""
    ids = [r.user_id for r in rows]
    last = last_notifications(user_ids=ids, cohort=cohort)
    reachable = by_hand_reachable(user_ids=ids)
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    stopped = set(
        ReminderOptOut.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
    )
    for row in rows:
        row.last_message = last.get(row.user_id)
        user = users.get(row.user_id)
        row.wa_url = (
            user is not None
            and row.user_id in reachable
            and row.user_id not in stopped
            and whatsapp_share_url(
                phone=user.phone, text=reminder_message(user=user, cohort=cohort).body
            )
        )
    return rows


def _filter_choices():
    labels = {
        "all": _("Everyone"),
        "at_risk": _("At risk"),
        "completed": _("Finished every course"),
        "not_started": _("Not started"),
        "withdrawn": _("Withdrawn"),
    }
    return [(key, labels[key]) for key in FILTERS]


def _sort_choices():
    labels = {
        "name": _("Name (A-Z)"),
        "-name": _("Name (Z-A)"),
        "progress": _("Progress (lowest first)"),
        "-progress": _("Progress (highest first)"),
        "activity": _("Last activity (oldest first)"),
        "-activity": _("Last activity (newest first)"),
    }
    return [(key, labels[key]) for key in SORTS]


@login_required
def trainee_detail(request: HttpRequest, cohort_id: int, user_id: int) -> HttpResponse:
    cohort = _visible(request, cohort_id)
    membership = get_object_or_404(
        CohortMembership.objects.members().select_related("user"),
        cohort=cohort,
        user_id=user_id,
    )
    context = cohort_trainee_detail(cohort=cohort, membership=membership)
    context.update(
        {
            "cohort": cohort,
            "membership": membership,
            "trainee": membership.user,
            "can_manage": _can_manage(request, cohort),
            "remind_url": membership.status == CohortMembership.Status.ACTIVE
            and reminder_whatsapp_url(user=membership.user, cohort=cohort),
            "last_message": last_notifications(
                user_ids=[membership.user_id], cohort=cohort
            ).get(membership.user_id),
        }
    )
    return render(request, "cohorts/trainee_detail.html", context)


@login_required
def task_heatmap(request: HttpRequest, cohort_id: int, task_id: int) -> HttpResponse:
    """Criteria x levels of one task across the cohort, for its staff; a
    task outside the cohort's courses is a 404 like another cohort."""
    cohort = _visible(request, cohort_id)
    task = cohort_task(cohort=cohort, task_id=task_id)
    if task is None:
        raise Http404
    return render(
        request,
        "cohorts/task_heatmap.html",
        {
            "cohort": cohort,
            "task": task,
            "heatmap": cohort_task_heatmap(cohort=cohort, task=task),
            "can_manage": _can_manage(request, cohort),
        },
    )


@require_POST
@login_required
def member_remove(request: HttpRequest, cohort_id: int, user_id: int) -> HttpResponse:
    cohort = _managed(request, cohort_id)
    user = get_object_or_404(
        User.objects.filter(
            cohort_memberships__in=CohortMembership.objects.members().filter(
                cohort=cohort
            )
        ),
        pk=user_id,
    )
    cohort_member_remove(cohort=cohort, user=user)
    messages.success(
        request,
        _("%(name)s left the cohort. Their history is kept.") % {"name": user},
    )
    return redirect("cohorts:trainee", cohort.pk, user.pk)


@require_http_methods(["GET", "POST"])
@login_required
def cohort_import(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Upload -> preview (writes nothing) -> confirm (writes everything or
    nothing). The preview carries the checked rows in a signed field."""
    cohort = _managed(request, cohort_id)
    context = {
        "cohort": cohort,
        "form": ImportForm(),
        "max_rows": MAX_IMPORT_ROWS,
        "files_per_hour": settings.SINAU_IMPORT_FILES_PER_HOUR,
    }
    status = 200
    if request.method == "POST" and "token" in request.POST:
        try:
            plan = cohort_import_plan_from_token(
                cohort=cohort, user=request.user, token=request.POST["token"]
            )
            result = cohort_import_apply(
                cohort=cohort, plan=plan, by=request.user, request=request
            )
        except ImportRefused as refused:
            context["error"] = refused.message
            status = 400
        else:
            return render(
                request,
                "cohorts/cohort_import_done.html",
                {"cohort": cohort, "result": result},
            )
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            try:
                plan = cohort_import_plan(
                    cohort=cohort, upload=form.cleaned_data["file"], by=request.user
                )
            except ImportRefused as refused:
                context["error"] = refused.message
                status = 400
            else:
                context["plan"] = plan
                if plan.ok:
                    context["token"] = plan.token(cohort=cohort, user=request.user)
                else:
                    status = 400
        else:
            status = 400
    return render(request, "cohorts/cohort_import.html", context, status=status)


@login_required
def import_template_download(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx") or (
        not cohorts_managed_by(user=request.user).exists()
        and not request.user.has_perm("cohorts.add_cohort")
    ):
        raise Http404
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(import_template(file_format=file_format), content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="templat-peserta.{file_format}"'
    )
    return response


@require_http_methods(["GET", "POST"])
@login_required
def cohort_exports(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _visible(request, cohort_id)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        export = cohort_export_request(
            cohort=cohort,
            kind=form.cleaned_data["kind"],
            file_format=form.cleaned_data["format"],
            by=request.user,
        )
        return redirect("cohorts:export", export.pk)
    return render(
        request,
        "cohorts/cohort_exports.html",
        {
            "cohort": cohort,
            "form": form,
            "exports": cohort_exports_visible_to(user=request.user).filter(
                cohort=cohort
            )[:50],
        },
        status=400 if form.errors else 200,
    )


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cohorts/export_list.html",
        {"exports": cohort_exports_visible_to(user=request.user)[:100]},
    )


@login_required
def export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    export = get_object_or_404(
        cohort_exports_visible_to(user=request.user), pk=export_id
    )
    waiting = export.status in (
        CohortExport.Status.PENDING,
        CohortExport.Status.RUNNING,
    )
    return render(
        request,
        "cohorts/export_detail.html",
        {"export": export, "cohort": export.cohort, "waiting": waiting},
    )


@login_required
def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    export = get_object_or_404(
        cohort_exports_visible_to(user=request.user),
        pk=export_id,
        status=CohortExport.Status.DONE,
    )
    if not export.file:
        raise Http404
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.file.name.rsplit("/", 1)[-1],
    )


@require_http_methods(["GET", "POST"])
def reminder_opt_out_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every reminder: confirm with one button, no login."""
    try:
        user_id = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    user = get_object_or_404(User, pk=user_id)
    done = False
    if request.method == "POST":
        reminder_opt_out(user=user)
        done = True
    return render(request, "cohorts/reminder_opt_out.html", {"done": done})


# -- reminders and announcements (staff) ----------------------------------------


def _channel_rows(channels: dict) -> list[dict]:
    """An estimate's {channel: {"count", "cost"}} as rows with labels, in
    the ladder's order (Sinau only last)."""
    labels = dict(Channel.choices)
    order = [*settings.SINAU_NOTIFICATION_LADDER, "sinau"]
    return [
        {"channel": key, "label": labels.get(key, key), **channels[key]}
        for key in sorted(channels, key=lambda k: order.index(k) if k in order else 99)
    ]


@require_http_methods(["GET", "POST"])
@login_required
def cohort_reminders(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Who the next reminder run reaches and why, its estimated cost per
    channel, "send now" (queued for a worker), the next scheduled run, the
    history with delivery status, and the by-hand list. For the cohort's
    trainers and managers."""
    cohort = _visible(request, cohort_id)
    if request.method == "POST":
        cohort_reminders_run_request(cohort=cohort, by=request.user)
        messages.success(
            request,
            _("The reminders are queued. This page shows when they are sent."),
        )
        return redirect("cohorts:reminders", cohort.pk)
    plan = reminders_due(cohort=cohort)
    costs = estimate_for(
        cohort=cohort,
        user_ids=[d.user_id for d in plan.due],
        message_of=lambda user: reminder_message(user=user, cohort=cohort),
    )
    run = ReminderRun.objects.filter(cohort=cohort).first()
    waiting = run is not None and run.status in (
        ReminderRun.Status.PENDING,
        ReminderRun.Status.RUNNING,
    )
    return render(
        request,
        "cohorts/cohort_reminders.html",
        {
            "cohort": cohort,
            "can_manage": _can_manage(request, cohort),
            "plan": plan,
            "channels": _channel_rows(costs["channels"]),
            "cost": costs["cost"],
            "run": run,
            "waiting": waiting,
            "next_run": next_reminder_run(),
            "history": cohort_message_history(cohort=cohort),
            "hand": cohort_hand_list(cohort=cohort),
        },
    )


@require_POST
@login_required
def hand_mark(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """ "Tandai terkirim": a by-hand message of this cohort was sent from the
    staff member's own phone. Only a waiting by-hand delivery of this
    cohort; anything else changes nothing."""
    cohort = _visible(request, cohort_id)
    back = reverse("cohorts:reminders", args=[cohort.pk]) + "#by-hand"
    try:
        delivery_id = int(request.POST.get("delivery", ""))
    except ValueError:
        delivery_id = 0
    ids = {item.delivery_id for item in cohort_hand_list(cohort=cohort)}
    if delivery_id not in ids:
        messages.info(request, _("That message is no longer waiting to be sent."))
        return redirect(back)
    hand_mark_sent(delivery_id=delivery_id, by=request.user)
    messages.success(request, _("Marked as sent."))
    return redirect(back)


REMIND_BACK = {"dashboard": "cohorts:dashboard", "reminders": "cohorts:reminders"}


@require_POST
@login_required
def trainee_remind_view(
    request: HttpRequest, cohort_id: int, user_id: int
) -> HttpResponse:
    """ "Ingatkan": one reminder to one active member now, through the
    notification service; a second press the same day sends nothing more."""
    cohort = _visible(request, cohort_id)
    membership = get_object_or_404(
        CohortMembership.objects.active().select_related("user"),
        cohort=cohort,
        user_id=user_id,
    )
    back_name = REMIND_BACK.get(request.POST.get("back", ""))
    back = (
        reverse(back_name, args=[cohort.pk])
        if back_name
        else reverse("cohorts:trainee", args=[cohort.pk, user_id])
    )
    name = str(membership.user)
    try:
        _notification, created = trainee_remind(
            cohort=cohort, user=membership.user, by=request.user
        )
    except MessageRefused as refused:
        return refusal_response(request, refused, redirect_to=back)
    reach = estimate(
        users=[membership.user],
        message=Message(subject="", body="", template="reminder_inactive"),
        kind=Notification.Kind.REMINDER,
    )
    if created and set(reach) == {"sinau"}:
        messages.info(
            request,
            _(
                "%(name)s will see the reminder in Sinau only: they have no "
                "phone or email Sinau may use, or they stopped every channel."
            )
            % {"name": name},
        )
    elif created:
        messages.success(
            request, _("A reminder to %(name)s is on its way.") % {"name": name}
        )
    else:
        messages.info(
            request,
            _("%(name)s was already reminded today; nothing more was sent.")
            % {"name": name},
        )
    return redirect(back)


@require_http_methods(["GET", "POST"])
@login_required
def cohort_announcements(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Write -> confirm (how many messages by which channel, the estimated
    cost) -> send (queued for a worker). Past announcements with their
    delivery counts per status. For the cohort's trainers and managers."""
    cohort = _visible(request, cohort_id)
    form = AnnouncementForm(request.POST or None)
    context = {"cohort": cohort, "can_manage": _can_manage(request, cohort)}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            body = form.cleaned_data["body"]
            token = request.POST.get("token", "")[:64]
            if request.POST.get("confirm") == "1" and token:
                _announcement, created = announcement_create(
                    cohort=cohort,
                    by=request.user,
                    body=body,
                    token=token,
                )
                if created:
                    messages.success(
                        request,
                        _("The announcement is queued; the counts below follow it."),
                    )
                else:
                    messages.info(
                        request,
                        _("This announcement was already sent; once is enough."),
                    )
                return redirect("cohorts:announcements", cohort.pk)
            plan = announcement_estimate(cohort=cohort, body=body, by=request.user)
            context.update(
                {
                    "confirm": True,
                    "body": body,
                    "token": uuid.uuid4().hex,
                    "channels": _channel_rows(plan["channels"]),
                    "people": plan["people"],
                    "cost": plan["cost"],
                }
            )
        else:
            status = 400
    announcements = list(
        Announcement.objects.filter(cohort=cohort).select_related("author")[:50]
    )
    counts = announcement_statuses(announcements=announcements)
    labels = dict(Notification.Status.choices)
    for item in announcements:
        item.counts = [
            (labels.get(key, key), n) for key, n in sorted(counts[item.pk].items())
        ]
        item.channel_rows = _channel_rows(item.estimate or {})
    waiting = any(
        item.status in (Announcement.Status.PENDING, Announcement.Status.SENDING)
        or Notification.Status.PENDING in counts[item.pk]
        for item in announcements
    )
    context.update({"form": form, "announcements": announcements, "waiting": waiting})
    return render(request, "cohorts/cohort_announcements.html", context, status=status)


# -- invitations (trainees) ----------------------------------------------------


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    """The cohorts that invited this person, to accept or decline. An
    account that existed before an import joins only from here."""
    return render(
        request,
        "cohorts/invitation_list.html",
        {"invitations": cohort_invitations_of(user=request.user)},
    )


def _invitation_answer(request, membership_id: int, service, level, text):
    """Run `service` on one's own invitation and say `text` (with the
    cohort's name); anyone else's id is a 404 and changes nothing."""
    try:
        membership = service(user=request.user, membership_id=membership_id)
    except InvitationInvalid as exc:
        raise Http404 from exc
    messages.add_message(request, level, text % {"cohort": membership.cohort.name})
    return redirect("courses:my_learning")


@require_POST
@login_required
def invitation_accept(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Accept one's own invitation."""
    return _invitation_answer(
        request,
        membership_id,
        cohort_invitation_accept,
        messages.SUCCESS,
        _("You joined %(cohort)s. Its courses are on My learning."),
    )


@require_POST
@login_required
def invitation_decline(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Decline one's own invitation."""
    return _invitation_answer(
        request,
        membership_id,
        cohort_invitation_decline,
        messages.INFO,
        _("You declined the invitation to %(cohort)s."),
    )
