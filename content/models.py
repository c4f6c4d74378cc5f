"""Site-wide content: the home page, blocks and snippets."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The root of the site: a welcome and the way in."""

    intro = models.CharField(
        _("intro"),
        max_length=250,
        blank=True,
        help_text=_("One or two sentences under the title."),
    )
    body = RichTextField(
        _("body"),
        blank=True,
        features=["bold", "italic", "link", "ul", "ol"],
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
