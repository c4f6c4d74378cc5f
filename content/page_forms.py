"""The admin form every Sinau page type is edited with."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page


class PageForm(WagtailAdminPageForm):
    """Wagtail's page form, plus: a new page whose slug is taken by a draft
    the same person started under the same parent and never published (an
    abandoned "add page", often saved by the editor's autosave) is not just
    refused with "slug already in use": the title field offers that draft,
    "Continue the draft" (its editor) or, when they may delete it, "Delete it
    and start again" (Wagtail's delete confirmation, coming back here).
    A clash with anything else keeps Wagtail's message."""

    def clean(self):
        slug = self.cleaned_data.get("slug")  # Wagtail's clean drops it on a clash
        cleaned_data = super().clean()
        if self.instance.pk is None and self.has_error("slug"):
            draft = self._own_abandoned_draft(slug)
            if draft is not None:
                self.add_error("title", self._draft_offer(draft))
        return cleaned_data

    def _own_abandoned_draft(self, slug: str | None) -> Page | None:
        """The never-published sibling page with `slug` that this form's
        user owns, or None."""
        user = getattr(self, "for_user", None)
        if not slug or self.parent_page is None or user is None:
            return None
        return (
            self.parent_page.get_children()
            .filter(slug=slug, live=False, first_published_at__isnull=True)
            .filter(owner_id=user.pk)
            .first()
        )

    def _draft_offer(self, draft: Page) -> str:
        here = reverse(
            "wagtailadmin_pages:add",
            args=[
                self.instance._meta.app_label,
                self.instance._meta.model_name,
                self.parent_page.pk,
            ],
        )
        message = format_html(
            '{} <a href="{}">{}</a>',
            _("You already started “%(title)s” here and have not published it yet.")
            % {"title": draft.title},
            reverse("wagtailadmin_pages:edit", args=[draft.pk]),
            _("Continue the draft"),
        )
        if draft.permissions_for_user(self.for_user).can_delete():
            delete = reverse("wagtailadmin_pages:delete", args=[draft.pk])
            message = format_html(
                '{} · <a href="{}?{}">{}</a>',
                message,
                delete,
                urlencode({"next": here}),
                _("Delete it and start again"),
            )
        return message
