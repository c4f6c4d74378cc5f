from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail import hooks

from lms.common.deletion import deletion_blockers, deletion_refusal


@hooks.register("insert_global_admin_js")
def rich_text_names():
    """Name Draftail's editable areas and tag inputs for screen readers
    (static/js/admin_a11y.js)."""
    return format_html(
        '<script src="{}" data-label="{}" defer></script>',
        static("js/admin_a11y.js"),
        _("Text"),
    )


@hooks.register("insert_global_admin_css")
def admin_css():
    """Touch targets of at least 24 px where Wagtail's are smaller."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


def _refuse_delete(request, objects, fallback_url: str):
    """If deleting `objects` would hit a PROTECT foreign key, say why and go
    back (`next`, or `fallback_url`) instead of failing with a 500."""
    objects = list(objects)
    blockers = deletion_blockers(objects=objects)
    if not blockers:
        return None
    messages.error(request, deletion_refusal(objects=objects, blockers=blockers))
    target = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback_url
    return redirect(target or fallback_url)


@hooks.register("before_delete_user")
def refuse_protected_user_delete(request, user):
    from django.urls import reverse

    return _refuse_delete(
        request, [user], reverse("wagtailusers_users:edit", args=[user.pk])
    )


@hooks.register("before_delete_page")
def refuse_protected_page_delete(request, page):
    from django.urls import reverse

    return _refuse_delete(
        request, [page], reverse("wagtailadmin_pages:edit", args=[page.pk])
    )


@hooks.register("before_delete_snippet")
def refuse_protected_snippet_delete(request, instances):
    from django.urls import reverse

    fallback = reverse("wagtailadmin_home")
    if instances:
        viewset = getattr(type(instances[0]), "snippet_viewset", None)
        if viewset is not None:
            fallback = reverse(viewset.get_url_name("list"))
    return _refuse_delete(request, instances, fallback)


@hooks.register("before_bulk_action")
def refuse_protected_bulk_delete(request, action_type, objects, action_class_instance):
    from django.urls import reverse

    if action_type != "delete":
        return None
    return _refuse_delete(request, objects, reverse("wagtailadmin_home"))
