"""Sinau's search backend (`WAGTAILSEARCH_BACKENDS["default"]`): Wagtail's
database backend for the database in use (PostgreSQL full text, SQLite FTS5,
or the plain `icontains` fallback), with two guards every search passes
through, in the admin listings, the choosers and anywhere else:

1. The query is bounded before it reaches the backend (`query_bounded`):
   control characters (a NUL byte, which PostgreSQL refuses) become spaces,
   and only the first MAX_QUERY_CHARS characters and MAX_QUERY_TERMS words
   are searched. The backends build one nested expression per word, so a
   query of a few hundred words exceeded Python's recursion limit (a 500).
2. On SQLite, a search restricted to some fields (`fields=["text"]`, as a
   viewset's `search_fields` asks) goes to the fallback backend
   (`icontains` on those fields). SQLite's FTS5 backend takes the field
   names as columns of its index table, which has only `title`, `body` and
   `autocomplete`: "no such column: text", a 500 in the question bank.
   PostgreSQL's backend restricts to fields itself.

`tests/lms/test_admin_search_walk.py` walks every admin listing with such
queries on both databases."""

from __future__ import annotations

import copy
import functools

from django.db import connection
from wagtail.search.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText

MAX_QUERY_CHARS = 255
MAX_QUERY_TERMS = 32


def query_bounded(query):
    """`query` as searched. A string loses its control characters and is cut
    to MAX_QUERY_CHARS characters and MAX_QUERY_TERMS words. A parsed query
    (`modelsearch.query`, as the page search builds with
    `parse_query_string`) keeps its shape, with MAX_QUERY_TERMS words in all
    across its texts and phrases; a part past that budget is dropped."""
    if isinstance(query, str):
        return _text_bounded(query, MAX_QUERY_TERMS)
    bounded = _query_bounded(query, [MAX_QUERY_TERMS])
    return bounded if bounded is not None else MatchAll()


def _text_bounded(text: str, terms: int) -> str:
    text = "".join(char if char.isprintable() else " " for char in text)
    return " ".join(text[:MAX_QUERY_CHARS].split()[:terms])


def _query_bounded(query, budget: list[int]):
    """`query` within `budget[0]` words (spent as it goes), or None when the
    budget is spent. And/Or trees are balanced (`balanced_reduce`), so the
    recursion is as deep as the tree's logarithm."""
    if isinstance(query, PlainText | Phrase | Fuzzy):
        if budget[0] <= 0:
            return None
        text = _text_bounded(query.query_string, budget[0])
        budget[0] -= len(text.split())
        if not text:
            return None
        bounded = copy.copy(query)
        bounded.query_string = text
        return bounded
    if isinstance(query, And | Or):
        parts = [_query_bounded(part, budget) for part in query.subqueries]
        parts = [part for part in parts if part is not None]
        return type(query)(parts) if parts else None
    if isinstance(query, Boost | Not):
        inner = _query_bounded(query.subquery, budget)
        if inner is None:
            return None
        bounded = copy.copy(query)
        bounded.subquery = inner
        return bounded
    return query


class BoundedSearchMixin:
    """Bounds every query (`query_bounded`); on SQLite, sends searches
    restricted to fields to the `icontains` fallback backend."""

    def _for_fields(self, fields):
        if fields and connection.vendor == "sqlite":
            from wagtail.search.backends.database.fallback import DatabaseSearchBackend

            return DatabaseSearchBackend(self.params)
        return None

    def __init__(self, params):
        super().__init__(params)
        self.params = params

    def search(self, query, model_or_queryset, fields=None, **kwargs):
        backend = self._for_fields(fields)
        search = backend.search if backend else super().search
        return search(query_bounded(query), model_or_queryset, fields=fields, **kwargs)

    def autocomplete(self, query, model_or_queryset, fields=None, **kwargs):
        backend = self._for_fields(fields)
        complete = backend.autocomplete if backend else super().autocomplete
        return complete(
            query_bounded(query), model_or_queryset, fields=fields, **kwargs
        )


@functools.cache
def _bounded_class(backend_class: type) -> type:
    return type(
        f"Bounded{backend_class.__name__}", (BoundedSearchMixin, backend_class), {}
    )


def SearchBackend(params):
    """Wagtail's database backend for the current database, bounded (see
    the module docstring). `params`: the backend's settings. (Wagtail
    looks this name up in a backend module.)"""
    from wagtail.search.backends.database import SearchBackend as database_backend

    return _bounded_class(type(database_backend(params)))(params)
