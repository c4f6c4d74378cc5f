"""Every `{% content_cache %}` fragment in Sinau's templates is shared by
every request whose key is equal, so it may show something that belongs to
one request or person (a CSRF token, the path, the user, their messages or
form) only if that very value is in its key. This reads every template
(and what a fragment includes) and fails on the next fragment that does."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import TextNode
from django.template.defaulttags import IfNode
from django.template.loader_tags import IncludeNode
from django.templatetags.i18n import BlockTranslateNode

from content.templatetags.content_cache import ContentCacheNode

ROOT = Path(settings.BASE_DIR) / "templates"
# The request and what the context processors give per request or person
# (lms.context_processors.site: whether they reach the admin, which header
# link is the page shown, where the language switch returns to).
PER_REQUEST = re.compile(
    r"(?<![\w.])(?:request|user|csrf_token|messages|perms|form|marking_link"
    r"|nav_current|language_next|unread_count|offline_user_key)\b(?:\.\w+)*"
)


def _nodes(nodelist, engine, seen=()):
    """Every node under `nodelist`, into fragments and constant includes."""
    for node in nodelist:
        yield node
        if isinstance(node, ContentCacheNode):
            yield from _nodes(node.nodelist, engine, seen)
        if isinstance(node, IncludeNode) and node.template.is_var is False:
            name = node.template.var
            if isinstance(name, str) and name not in seen:
                included = engine.get_template(name).template
                yield from _nodes(included.nodelist, engine, (*seen, name))
        for attr in node.child_nodelists:
            child = getattr(node, attr, None)
            if child:
                yield from _nodes(child, engine, seen)


def _fragments():
    engine = engines["django"]
    for path in sorted(ROOT.rglob("*.html")):
        name = str(path.relative_to(ROOT))
        if "{% content_cache" not in path.read_text():
            continue
        template = engine.get_template(name).template
        for node in _nodes(template.nodelist, engine):
            if isinstance(node, ContentCacheNode):
                yield name, node, engine


def test_the_scan_sees_the_fragments():
    names = {node.name.var for _t, node, _e in _fragments()}
    assert {"header", "footer", "lesson_head", "lesson_nav"} <= names


def _texts(node) -> list[str]:
    """The template text a node reads: its own tag, and what its tag does
    not hold (the conditions of `{% elif %}`, the variables inside
    `{% blocktranslate %}`)."""
    texts = [node.token.contents] if node.token is not None else []
    if isinstance(node, IfNode):
        texts += [_condition_text(c) for c, _nodelist in node.conditions_nodelists]
    if isinstance(node, BlockTranslateNode):
        texts += [t.contents for t in [*node.singular, *(node.plural or [])]]
    return texts


def _condition_text(condition) -> str:
    if condition is None:  # {% else %}
        return ""
    if hasattr(condition, "text"):  # a literal or variable
        return str(condition.text)
    parts = (getattr(condition, "first", None), getattr(condition, "second", None))
    return " ".join(_condition_text(p) for p in parts if p is not None)


def _offenders(name, fragment, engine) -> list[str]:
    key = {v.token for v in fragment.vary_on} | {fragment.page.token}
    offenders = []
    for node in _nodes(fragment.nodelist, engine):
        if isinstance(node, TextNode):
            continue
        for text in _texts(node):
            for used in PER_REQUEST.findall(text):
                if used not in key:
                    offenders.append(f"{name}: {fragment.name.var}: {used}")
    return offenders


def test_no_fragment_shows_a_per_request_value_missing_from_its_key():
    offenders = []
    for name, fragment, engine in _fragments():
        offenders += _offenders(name, fragment, engine)
    assert offenders == []


@pytest.mark.parametrize(
    "inside",
    [
        "{{ user.display_name }}",
        "{% if x %}a{% elif user.is_staff %}b{% endif %}",
        "{% if x %}a{% elif not x and perms.y %}b{% endif %}",
        "{% blocktranslate %}Hi {{ user }}{% endblocktranslate %}",
        "{% blocktranslate count n=x %}{{ n }} {{ user }}{% plural %}{{ n }}"
        "{% endblocktranslate %}",
        "{% if marking_link %}M{% endif %}",
        '{% if nav_current == "account" %}A{% endif %}',
    ],
)
def test_the_scan_sees_a_per_request_value_anywhere_in_a_fragment(inside):
    engine = engines["django"]
    template = engine.from_string(
        "{% load i18n content_cache %}"
        f'{{% content_cache "probe" "site" x %}}{inside}{{% endcontent_cache %}}'
    ).template
    (fragment,) = [n for n in _nodes(template.nodelist, engine) if _is_fragment(n)]
    assert _offenders("probe", fragment, engine) != []


def _is_fragment(node) -> bool:
    return isinstance(node, ContentCacheNode)


# What the site context processor gives that is the same for every request
# (settings, content under the content version). Anything else it gives is
# this request's or person's, and the scan above must know its name.
SHARED_SITE_VALUES = {"help_url", "help_label", "catalogue_url", "content_version"}


def test_the_scan_knows_every_per_request_value_of_the_site_context(rf):
    from django.contrib.auth.models import AnonymousUser

    from lms.context_processors import site

    request = rf.get("/")
    request.user = AnonymousUser()
    per_request = set(site(request)) - SHARED_SITE_VALUES
    unknown = {name for name in per_request if not PER_REQUEST.fullmatch(name)}
    assert unknown == set()
