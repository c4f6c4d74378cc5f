from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton

import lms.common.converters  # noqa: F401  (registers <id:...>)
from courses.progress import progress_cached
from lms.accounts.services import whatsapp_share_url
from lms.common import staff_scope
from lms.common.forms import NumberFieldsMixin

from . import admin_views
from .models import Certificate
from .selectors import certificates_in_staff_scope, certificates_of
from .services import (
    certificate_name_for,
    certificate_verify_url,
    certificates_rename,
)


class CertificatePolicy(staff_scope.StaffScopePolicy):
    """The staff scope of certificates (`certificates_in_staff_scope`, the
    rule: lms.common.staff_scope), read-only: certificates are never added,
    edited or deleted in forms; they change only through the audited
    actions (retry, revoke, reissue) of `certificates_manage`."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


CERTIFICATE_POLICY = CertificatePolicy(
    Certificate, scope=certificates_in_staff_scope, scoped_actions=("view",)
)
staff_scope.register(CERTIFICATE_POLICY)


class CertificateIndexView(staff_scope.ScopedIndexView):
    """The list shows only the certificates in the person's staff scope and
    links each to its history-and-actions page."""

    def get_edit_url(self, instance):
        return reverse("certificates_manage", args=[instance.pk])

    def get_list_more_buttons(self, instance):
        return [
            ListingButton(
                _("History and actions"),
                reverse("certificates_manage", args=[instance.pk]),
                priority=10,
            )
        ]


class CertificateViewSet(NumberFieldsMixin, staff_scope.ScopedModelViewSet):
    model = Certificate
    index_view_class = CertificateIndexView
    icon = "doc-full"
    menu_label = _("Certificates")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = [
        "code",
        "recipient_name",
        "course",
        "status",
        "tries",
        "issued_at",
        "updated_at",
    ]
    list_filter = ["status", "course"]
    search_fields = ["code", "recipient_name"]
    exclude_form_fields: list[str] = []
    form_fields = ["recipient_name"]


certificate_viewset = CertificateViewSet("certificate_admin")


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return certificate_viewset


@hooks.register("register_admin_urls")
def certificate_admin_urls():
    return [
        path(
            "sertifikat/<id:pk>/kelola/",
            admin_views.certificate_manage,
            name="certificates_manage",
        )
    ]


@hooks.register("sinau_my_learning_panels")
def my_certificates_panel(request):
    """'Sertifikatku' on Belajarku: download, verify and share each issued
    certificate; correct the printed name."""
    items = []
    certificates = progress_cached(
        request.user,
        "certificates",
        lambda: list(certificates_of(user=request.user)),
        request,
    )
    for certificate in certificates:
        verify_url = certificate_verify_url(certificate=certificate, request=request)
        text = _t("My certificate for “%(course)s” from Sinau: %(url)s") % {
            "course": certificate.course.title,
            "url": verify_url,
        }
        items.append(
            {
                "certificate": certificate,
                "completed_on": certificate.completed_at,
                "whatsapp_url": whatsapp_share_url(phone=None, text=text),
            }
        )
    return render_to_string(
        "certificates/includes/my_certificates.html",
        {"items": items, "printed_name": certificate_name_for(user=request.user)},
        request=request,
    )


@hooks.register("sinau_portfolio_open")
def portfolio_open(user_id: int, course_id: int) -> bool:
    """Is the portfolio of `user_id` for `course_id` public? Only while a
    certificate of that course is issued to them (the portfolio page's
    rule: a revoked certificate has no portfolio). One query."""
    return Certificate.objects.filter(
        user_id=user_id, course_id=course_id, status=Certificate.Status.ISSUED
    ).exists()


@hooks.register("after_edit_user")
def certificates_follow_an_admin_name_edit(request, user) -> None:
    """Staff corrected a person's name in the admin's user form: as on the
    account page, their certificates print the new name (idempotent: an
    unchanged name reissues nothing), audited as the staff member's act."""
    certificates_rename(
        user=user, name=certificate_name_for(user=user), actor=request.user
    )


@hooks.register("sinau_display_name_changed")
def certificates_follow_the_name(user) -> None:
    """A person's name changed (account page): their certificates print the
    new name, issued ones by a reissue (same UUID and code)."""
    certificates_rename(user=user, name=certificate_name_for(user=user))
