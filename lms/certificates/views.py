"""Public verify pages (with the evidence of assessed work), the trainee's
public portfolio, downloads (owner or staff only) and the trainee's
printed-name form."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from lms.accounts.names import name_change_allowed, name_changes_used_up
from lms.common import ratelimit
from lms.common.http import client_network

from .forms import RecipientNameForm, VerifyCodeForm
from .models import Certificate, CertificateSettings
from .selectors import (
    certificate_can_download,
    certificate_evidence,
    certificate_portfolio,
    certificate_public,
)
from .services import (
    certificate_name_correct,
    certificate_reissued_at,
    certificate_verify_url,
)


def verify_throttled(request: HttpRequest) -> bool:
    """Count this request against its client's per-minute budget
    (`SINAU_VERIFY_RATE_PER_MINUTE`, per `lms.common.http.client_network`, so
    visitors behind a configured proxy are told apart) in the shared cache,
    so every web process agrees. True when the budget is used up."""
    rate = ratelimit.Rate(settings.SINAU_VERIFY_RATE_PER_MINUTE, 60)
    client = client_network(request) or "unknown"
    return ratelimit.hit(f"certificates:verify:{client}", rate) is None


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "certificates/verify_throttled.html", status=429)
    response["Retry-After"] = "60"
    return response


@require_GET
def verify(request: HttpRequest, uuid) -> HttpResponse:
    """The public page a QR code opens: VALID or REVOKED, with the name,
    course, date and issuer and nothing else. Reads the database only."""
    if verify_throttled(request):
        return _too_many(request)
    certificate = certificate_public(uuid=uuid)
    if certificate is None:
        response = render(
            request,
            "certificates/verify_code.html",
            {"form": VerifyCodeForm(), "not_found": True},
            status=404,
        )
        return response
    valid = certificate.status == Certificate.Status.ISSUED
    # A revoked certificate proves nothing: no evidence, no portfolio.
    evidence, has_portfolio = (
        certificate_evidence(certificate=certificate) if valid else (None, False)
    )
    context = {
        "certificate": certificate,
        "valid": valid,
        "evidence": evidence,
        "has_portfolio": has_portfolio,
        "completed_on": certificate.completed_at,
        "reissued_at": certificate_reissued_at(certificate=certificate),
        "issuer": CertificateSettings.load(),
        "verify_url": certificate_verify_url(certificate=certificate, request=request),
    }
    return render(request, "certificates/verify.html", context)


@require_GET
def portfolio(request: HttpRequest, uuid) -> HttpResponse:
    """The trainee's portfolio for the course of an issued certificate: the
    assessed work they chose to publish (public, passed, released), with
    its rubric result. Public, keyed by the certificate's UUID; a revoked
    or unknown certificate has none (404). Reads the database only."""
    if verify_throttled(request):
        return _too_many(request)
    certificate = certificate_public(uuid=uuid)
    if certificate is None or certificate.status != Certificate.Status.ISSUED:
        raise Http404
    context = {
        "certificate": certificate,
        "submissions": certificate_portfolio(certificate=certificate),
    }
    return render(request, "certificates/portfolio.html", context)


@require_GET
def verify_code(request: HttpRequest) -> HttpResponse:
    """The form for the printed code; a known code redirects to its page."""
    if "code" not in request.GET:
        return render(
            request, "certificates/verify_code.html", {"form": VerifyCodeForm()}
        )
    if verify_throttled(request):
        return _too_many(request)
    form = VerifyCodeForm(request.GET)
    if form.is_valid():
        certificate = certificate_public(code=form.cleaned_data["code"])
        if certificate is not None:
            return redirect("certificates:verify", uuid=certificate.uuid)
        form.add_error(
            "code", _("No certificate has this code. Check it and try again.")
        )
    return render(request, "certificates/verify_code.html", {"form": form}, status=404)


def _download(request: HttpRequest, uuid, field: str, suffix: str, content_type: str):
    certificate = get_object_or_404(Certificate, uuid=uuid)
    if not certificate_can_download(user=request.user, certificate=certificate):
        raise Http404
    file = getattr(certificate, field)
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"sertifikat-{certificate.code}.{suffix}",
        content_type=content_type,
    )


@require_GET
@login_required
def download_pdf(request: HttpRequest, uuid) -> FileResponse:
    return _download(request, uuid, "pdf", "pdf", "application/pdf")


@require_GET
@login_required
def download_credential(request: HttpRequest, uuid) -> FileResponse:
    return _download(request, uuid, "credential", "json", "application/json")


def _name_change_allowed(form: RecipientNameForm) -> bool:
    """`name_change_allowed` for the form's name; False, with the form's
    error, when the person's daily allowance is used up."""
    if name_change_allowed(user=form.user, name=form.cleaned_data["name"]):
        return True
    form.add_error("name", name_changes_used_up())
    return False


@require_http_methods(["GET", "POST"])
@login_required
def name_correct(request: HttpRequest) -> HttpResponse:
    """The trainee corrects the name printed on their certificates,
    confirming with their password."""
    form = RecipientNameForm(
        request.POST or None,
        user=request.user,
        initial={"name": request.user.display_name},
    )
    if request.method == "POST" and form.is_valid() and _name_change_allowed(form):
        try:
            reissued = certificate_name_correct(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(request, _("Your name is saved."))
            if reissued:
                messages.info(
                    request,
                    ngettext(
                        "Your certificate is being reissued with this name, "
                        "with the same code and verify link. Download it again "
                        "in a few minutes.",
                        "Your %(n)s certificates are being reissued with this "
                        "name, with the same codes and verify links. Download "
                        "them again in a few minutes.",
                        len(reissued),
                    )
                    % {"n": len(reissued)},
                )
            return redirect(reverse("courses:my_learning") + "#sertifikatku")
    return render(request, "certificates/name_form.html", {"form": form})
