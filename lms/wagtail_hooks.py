from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks


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
