"""Writes for site-wide content."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME_TITLE = "Sinau"
HOME_INTRO = _(
    "Learn digital marketing from your phone: copywriting, social-media ads, "
    "customer service and money skills, for work or for your village's products."
)


def site_ensure(*, hostname: str = "localhost", port: int = 80) -> HomePage:
    """Make the default site serve a `HomePage` at the top of the tree,
    replacing Wagtail's placeholder welcome page. Idempotent."""
    with transaction.atomic():
        Locale.objects.get_or_create(language_code="id")
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node() or Page.add_root(
                instance=Page(title="Root", slug="root")
            )
            for placeholder in root.get_children().exact_type(Page):
                placeholder.delete()
            root.refresh_from_db()
            home = root.add_child(
                instance=HomePage(title=HOME_TITLE, slug="home", intro=str(HOME_INTRO))
            )
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "hostname": hostname,
                "port": port,
                "root_page": home,
                "site_name": "Sinau",
            },
        )
    return home
