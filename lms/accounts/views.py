"""Account pages (the profile, one-time password links) and Wagtail's page
and document password forms, behind the password throttle.

The password forms are the same views as `wagtail.views.authenticate_with_password` and
`wagtail.documents.views.serve.authenticate_with_password` (mounted at the
same URLs and names in `lms/urls.py`), except that each submitted password is
counted per client IP and per restriction (`lms.accounts.throttle`)."""

from __future__ import annotations

from allauth.account.views import LogoutView as AllauthLogoutView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from lms.common.addresses import public_url
from lms.common.errors import refusal_response
from lms.common.http import no_compression

from .forms import PasswordLinkCreateForm, PasswordLinkSetForm, ProfileForm
from .names import name_change_allowed, name_changes_used_up
from .selectors import password_link_creators_may, trainees_password_linkable_by
from .services import (
    PasswordLinkInvalid,
    ProfileConflict,
    password_link_create,
    password_link_get,
    password_link_redeem,
    user_profile_update,
    whatsapp_share_url,
)
from .signals import password_link_made
from .throttle import PAGE, password_check


class ThrottledPasswordForm(PasswordViewRestrictionForm):
    """Wagtail's restriction password form; each check is throttled per client
    IP and per restriction, and a throttled client sees why."""

    def __init__(self, *args, request, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        key = f"{self.restriction._meta.label_lower}:{self.restriction.pk}"
        with password_check(request=self.request, key=key, action=PAGE) as check:
            password = super().clean_password()
            check.passed = True
        return password


def _return_url(request, form) -> str:
    return_url = form.cleaned_data["return_url"]
    if not url_has_allowed_host_and_scheme(
        return_url, request.get_host(), request.is_secure()
    ):
        return_url = settings.LOGIN_REDIRECT_URL
    return return_url


@require_http_methods(["GET", "POST"])
def page_password(request, page_view_restriction_id: int, page_id: int):
    """The password form of a password-protected page (and its subtree)."""
    restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
    page = get_object_or_404(Page, id=page_id).specific
    if request.method == "POST":
        form = ThrottledPasswordForm(
            request.POST, instance=restriction, request=request
        )
        if form.is_valid():
            restriction.mark_as_passed(request)
            return redirect(_return_url(request, form))
    else:
        form = ThrottledPasswordForm(instance=restriction, request=request)
    action_url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.id, page.id]
    )
    return page.serve_password_required_response(request, form, action_url)


@require_http_methods(["GET", "POST"])
def document_password(request, restriction_id: int):
    """The password form of a password-protected document collection."""
    restriction = get_object_or_404(CollectionViewRestriction, id=restriction_id)
    if request.method == "POST":
        form = ThrottledPasswordForm(
            request.POST, instance=restriction, request=request
        )
        if form.is_valid():
            restriction.mark_as_passed(request)
            return redirect(_return_url(request, form))
    else:
        form = ThrottledPasswordForm(instance=restriction, request=request)
    action_url = reverse(
        "wagtaildocs_authenticate_with_password", args=[restriction.id]
    )
    template = getattr(
        settings,
        "WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE",
        "wagtaildocs/password_required.html",
    )
    return TemplateResponse(request, template, {"form": form, "action_url": action_url})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The account page: change name, phone and email (confirmed with the
    current password); links to the password change and, for trainers and
    managers, to one-time password links."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid() and not name_change_allowed(
            user=user, name=form.cleaned_data["display_name"]
        ):
            form.add_error("display_name", name_changes_used_up())
        elif form.is_valid():
            data = form.cleaned_data
            try:
                user_profile_update(
                    user=user,
                    display_name=data["display_name"],
                    phone=data["phone"] or None,
                    email=data["email"] or None,
                )
            except ProfileConflict as conflict:
                form.add_error(None, conflict)
            else:
                messages.success(request, _("Your details are saved."))
                return redirect("account_profile")
    else:
        form = ProfileForm(user=user)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "can_make_links": password_link_creators_may(user=user)},
    )


def _share_text(*, name: str, url: str, hours: int) -> str:
    return _(
        "Hello %(name)s, this is your link to set a new password for Sinau. "
        "It works once and for %(hours)s hours: %(url)s "
        "Then log in with your phone number and the new password."
    ) % {"name": name, "url": url, "hours": hours}


@no_compression
@require_http_methods(["GET", "POST"])
@login_required
def password_link_new(request: HttpRequest) -> HttpResponse:
    """A trainer or manager makes a one-time password link for one of their
    trainees. The link is shown once, on the POST's own response, with a
    WhatsApp link to send it by hand; it also goes to the trainee through
    their channels (`password_link_made`: a notification, which holds the
    link until it expires or is used)."""
    if not password_link_creators_may(user=request.user):
        raise PermissionDenied
    trainees = trainees_password_linkable_by(user=request.user)
    form = PasswordLinkCreateForm(request.POST or None, trainees=trainees)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["trainee"]
        try:
            path = password_link_create(user=person, created_by=request.user)
        except PermissionDenied:
            form.add_error(
                "trainee", form.fields["trainee"].error_messages["invalid_choice"]
            )
        else:
            url = public_url(path, request=request)
            hours = settings.SINAU_PASSWORD_LINK_HOURS
            # The trainee's channels carry it too (lms/notifications/receivers.py).
            password_link_made.send(
                sender=None, user=person, created_by=request.user, url=url
            )
            text = _share_text(name=person.get_short_name(), url=url, hours=hours)
            return render(
                request,
                "accounts/password_link_created.html",
                {
                    "person": person,
                    "url": url,
                    "hours": hours,
                    "whatsapp_url": whatsapp_share_url(phone=person.phone, text=text),
                },
            )
    return render(
        request,
        "accounts/password_link_new.html",
        {
            "form": form,
            "has_trainees": trainees.exists(),
            "hours": settings.SINAU_PASSWORD_LINK_HOURS,
        },
        status=400 if form.errors else 200,
    )


LINK_INVALID = "accounts/password_link_invalid.html"


@no_compression
@require_http_methods(["GET", "POST"])
def password_link_use(request: HttpRequest, token: str) -> HttpResponse:
    """The trainee opens the link and sets a new password. Opening it (e.g. a
    chat app's link preview) does not spend it; setting the password does."""
    try:
        link = password_link_get(token=token)
    except PasswordLinkInvalid as invalid:
        return refusal_response(request, invalid, template=LINK_INVALID)
    form = PasswordLinkSetForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_link_redeem(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except PasswordLinkInvalid as invalid:
            return refusal_response(request, invalid, template=LINK_INVALID)
        messages.success(
            request,
            _(
                "Your new password is saved. Log in with your phone number "
                "and the new password."
            ),
        )
        return redirect("account_login")
    return render(
        request,
        "accounts/password_link_use.html",
        {"form": form, "person": link.user},
        status=400 if form.errors else 200,
    )


class LogoutView(AllauthLogoutView):
    """allauth's sign-out, which also tells the browser to forget what Sinau
    stored on it (`Clear-Site-Data: "cache", "storage"`, W3C Clear Site
    Data): the service worker's saved pages and the offline queue of the
    person leaving, so the next person on a shared phone sees none of it.
    The page script warns first when offline work has not been sent."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response


logout = LogoutView.as_view()
