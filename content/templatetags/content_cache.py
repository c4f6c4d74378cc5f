"""`{% content_cache %}`: the one way templates cache a rendered fragment.

    {% load content_cache %}
    {% content_cache "lesson_body" page %}...{% endcontent_cache %}
    {% content_cache "lesson_nav" page enrolled progress.signature %}...
    {% content_cache "my_courses" "site" signature %}...   (not a page's)

The key names what was rendered: the fragment's name and its own text (so
a second fragment that happens to share the name, or an edited one, never
gets another's rendering; a deploy also changes the content version, whose
code fingerprint covers what the fragment includes), the page, the page's
live revision, the language and the content version
(`content.cache.cached`), and any further values given after the page, for
fragments that also show state (e.g. which steps are done:
`progress.signature`). Such a fragment must render nothing that is not in
its key: it is shared by every request whose values are equal (so never a
CSRF token or a name).
A fragment may not hold a `{% block %}`: a child template's override would
be served to every template sharing the key (and Django's `{% extends %}`,
which looks for blocks on every render, does not descend into a fragment).
Previews, drafts and pages that are not live are rendered every time and
never stored: Django's `{% cache %}` tag is not used in Sinau's templates
(tests/content/test_preview_caches.py checks)."""

import hashlib

from django import template
from django.template.loader_tags import BlockNode
from django.utils import translation

from content.cache import cached, shared_caches_usable

register = template.Library()
# In place of a page: a fragment of a view that is not a page (Belajarku),
# built from content (under the content version) and the values given.
SITE_WIDE = "site"


class ContentCacheNode(template.Node):
    # Not walked by get_nodes_by_type: no block can be inside (see above),
    # and `{% extends %}` walks the base template's nodes on every render.
    child_nodelists = ()

    def __init__(self, nodelist, name, page, vary_on=(), source="") -> None:
        self.nodelist = nodelist
        self.name = name
        self.page = page
        self.vary_on = vary_on
        self.source = source

    def render(self, context) -> str:
        page = self.page.resolve(context)
        name = self.name.resolve(context)
        request = context.get("request")
        if page == SITE_WIDE:
            of_page = ["site"]
        elif page is not None and getattr(page, "live", False):
            of_page = [str(page.pk), str(page.live_revision_id)]
        else:
            of_page = None
        if of_page is None or not shared_caches_usable(request):
            return self.nodelist.render(context)
        key = ":".join(
            [
                "fragment",
                str(name),
                self.source,
                *of_page,
                translation.get_language() or "",
            ]
        )
        if self.vary_on:
            values = "\x1f".join(str(v.resolve(context)) for v in self.vary_on)
            key += ":" + hashlib.md5(values.encode(), usedforsecurity=False).hexdigest()
        return cached(key, lambda: self.nodelist.render(context))


@register.tag("content_cache")
def content_cache(parser, token):
    """`{% content_cache "name" page [value ...] %}…{% endcontent_cache %}`"""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' takes a fragment name, a page and values to vary on"
        )
    # The parser pops tokens off the end of its (reversed) list: what the
    # fragment consumed is what is gone from the copy's end.
    pending = list(parser.tokens)
    nodelist = parser.parse(("endcontent_cache",))
    inside = reversed(pending[len(parser.tokens) :])
    source = hashlib.md5(
        "\x1e".join(f"{t.token_type.value}{t.contents}" for t in inside).encode(),
        usedforsecurity=False,
    ).hexdigest()[:12]
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' may not hold a {{% block %}}: the fragment is shared"
            " by every template that renders it"
        )
    return ContentCacheNode(
        nodelist,
        parser.compile_filter(bits[1]),
        parser.compile_filter(bits[2]),
        [parser.compile_filter(bit) for bit in bits[3:]],
        source,
    )
