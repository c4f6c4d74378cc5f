"""Every `{% content_cache %}` fragment in Sinau's templates is shared by
every request whose key is equal, so it may show something that belongs to
one request or person (a CSRF token, the path, the user, their messages or
form) only if that very value is in its key. This reads every template
(and what a fragment includes) and fails on the next fragment that does."""

import re
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.base import TextNode
from django.template.loader_tags import IncludeNode

from content.templatetags.content_cache import ContentCacheNode

ROOT = Path(settings.BASE_DIR) / "templates"
PER_REQUEST = re.compile(
    r"(?<![\w.])(?:request|user|csrf_token|messages|perms|form)\b(?:\.\w+)*"
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


def test_no_fragment_shows_a_per_request_value_missing_from_its_key():
    offenders = []
    for name, fragment, engine in _fragments():
        key = {v.token for v in fragment.vary_on} | {fragment.page.token}
        for node in _nodes(fragment.nodelist, engine):
            if isinstance(node, TextNode) or node.token is None:
                continue
            for used in PER_REQUEST.findall(node.token.contents):
                if used not in key:
                    offenders.append(f"{name}: {fragment.name.var}: {used}")
    assert offenders == []
