"""URL converters. `<id:...>` is Django's `<int:...>` for database ids: the
same digits, but a number no id column can hold (above 2**63 - 1, the
largest PostgreSQL bigint and SQLite integer) does not match, so the URL is
a 404 before any query, instead of an OverflowError (a 500) inside one.
Every Sinau route that takes an id uses it (tests/test_access_walk.py walks
them with ids past any column)."""

from django.urls import register_converter

ID_MAX = 2**63 - 1


class DatabaseIdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        if len(value) > 19 or int(value) > ID_MAX:
            raise ValueError(value)  # no match: a 404
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(DatabaseIdConverter, "id")
