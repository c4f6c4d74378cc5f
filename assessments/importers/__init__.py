"""Question-bank importers: Moodle XML, GIFT and django-quiz-app data.

Each parser turns a file into a list of `ParsedQuestion` (see base.py) or
raises `ImportFailed` naming the question and the problem. Writing the
parsed questions to the database is `assessments.services.questions_import`,
which is atomic."""

from .base import ImportFailed, ParsedChoice, ParsedQuestion, parse

__all__ = ["ImportFailed", "ParsedChoice", "ParsedQuestion", "parse"]
