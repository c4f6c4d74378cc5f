"""Site-wide content: the home page, blocks and snippets."""

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail.url_routing import RouteResult

from lms.common.limits import PRICE_MAX, at_most

from .cache import cached
from .page_forms import PageForm
from .pages import OneQueryViewRestrictions


class HomePage(OneQueryViewRestrictions, Page):
    """The root of the site: a welcome and the way in."""

    base_form_class = PageForm

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

    def get_context(self, request, *args, **kwargs):
        """Adds `panels`: the signed-in person's start page, one HTML piece
        per role they hold, from the apps that know the role (hook
        `sinau_home_panels`, called with the request; "" for a role the
        person does not hold): the staff's work (lms.cohorts) before the
        trainee's courses (courses). Empty for visitors."""
        context = super().get_context(request, *args, **kwargs)
        panels = []
        if request.user.is_authenticated:
            panels = [
                html
                for panel in hooks.get_hooks("sinau_home_panels")
                if (html := panel(request))
            ]
        context["panels"] = panels
        return context

    def route(self, request, path_components):
        """Find a page below the home page (e.g. /kursus/<course>/<module>/
        <lesson>/) by its URL path, from the content cache (one query when
        not cached; a path with no page is never cached) instead of
        Wagtail's two queries per level. Anything not found that way (a
        page's own sub-routes) goes through Wagtail's usual walk, with the
        same rule: the page itself must be live."""
        if path_components:
            url_path = f"{self.url_path}{'/'.join(path_components)}/"

            def find():
                page = Page.objects.filter(
                    path__startswith=self.path,
                    depth=self.depth + len(path_components),
                    url_path=url_path,
                ).first()
                return page.specific if page is not None else None

            # Only pages that exist are kept: the key holds the visitor's
            # path, so caching misses would let anyone add keys at will.
            page = cached(
                f"route:{self.pk}:{url_path}", find, keep=lambda p: p is not None
            )
            if page is not None:
                if not page.live:
                    raise Http404
                return RouteResult(page)
        return super().route(request, path_components)


@register_snippet
class PracticeProduct(index.Indexed, models.Model):
    """A village product used in exercises ("write a PAS caption for this")."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    price = models.PositiveIntegerField(
        _("price (whole rupiah)"), validators=at_most(PRICE_MAX)
    )
    unit = models.CharField(
        _("unit"), max_length=60, help_text=_("e.g. 'per 500 gram'")
    )
    producer = models.CharField(_("producer"), max_length=160)
    story = models.TextField(_("story"), help_text=_("Who makes it and how."))

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("photo"),
        FieldPanel("price"),
        FieldPanel("unit"),
        FieldPanel("producer"),
        FieldPanel("story"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("producer")]

    class Meta:
        verbose_name = _("practice product")
        verbose_name_plural = _("practice products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
