from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks


@hooks.register("insert_editor_js")
def rich_text_names():
    """Name Draftail's editable areas for screen readers (static/js/admin_a11y.js)."""
    return format_html(
        '<script src="{}" data-label="{}" defer></script>',
        static("js/admin_a11y.js"),
        _("Text"),
    )
