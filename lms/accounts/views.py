"""Wagtail's page and document password forms, behind the password throttle.

The same views as `wagtail.views.authenticate_with_password` and
`wagtail.documents.views.serve.authenticate_with_password` (mounted at the
same URLs and names in `lms/urls.py`), except that each submitted password is
counted per client IP and per restriction (`lms.accounts.throttle`)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

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
