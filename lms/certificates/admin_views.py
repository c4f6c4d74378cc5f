"""Wagtail admin: one page per certificate with its audit trail and the
staff actions (retry, revoke with a reason, reissue)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import RevokeForm
from .models import Certificate
from .selectors import certificate_can_manage, certificates_in_staff_scope
from .services import (
    certificate_name_for,
    certificate_reissue,
    certificate_retry,
    certificate_revoke,
)

ACTIONS = {
    "retry": (certificate_retry, _("Retry queued: the worker will issue it shortly.")),
    "reissue": (
        certificate_reissue,
        _("Reissue queued: a new file with the same code will replace the old one."),
    ),
}


@require_http_methods(["GET", "POST"])
def certificate_manage(request, pk: int):
    """GET: the certificate, its trail and the actions its status allows.
    POST action=retry|reissue|revoke(+reason): do it, back to this page."""
    if not request.user.has_perm("certificates.view_certificate"):
        raise PermissionDenied
    # The staff scope's one refusal (lms.common.staff_scope, rule 3): an id
    # that does not exist is a 404, one outside the scope a PermissionDenied.
    certificate = get_object_or_404(
        Certificate.objects.select_related("user", "course", "revoked_by"), pk=pk
    )
    if not certificates_in_staff_scope(user=request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = RevokeForm()
    status = 200
    if request.method == "POST":
        if not certificate_can_manage(user=request.user):
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "revoke":
                form = RevokeForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Give a reason for revoking."))
                certificate_revoke(
                    certificate=certificate,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
                message = _("The certificate is revoked.")
            elif action in ACTIONS:
                service, message = ACTIONS[action]
                service(certificate=certificate, actor=request.user)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        else:
            messages.success(request, message)
            return redirect("certificates_manage", pk=certificate.pk)
    current_name = certificate_name_for(user=certificate.user)
    return TemplateResponse(
        request,
        "certificates/admin/manage.html",
        {
            "certificate": certificate,
            "events": certificate.events.select_related("actor"),
            "form": form,
            "can_manage": certificate_can_manage(user=request.user),
            "current_name": current_name,
            "name_changed": current_name != certificate.recipient_name,
            "header_title": _("Certificate %(code)s") % {"code": certificate.code},
            "page_title": _("Certificate %(code)s") % {"code": certificate.code},
            "header_icon": "doc-full",
        },
        status=status,
    )
