"""Duplicate-row messages a person can read.

A model's unique constraint carries its own message
(`violation_error_message`, translated): Django's model validation shows it
when a form saves a duplicate. A formset of rows (Wagtail's InlinePanel,
e.g. the questions of a quiz; any Django model formset) checks duplicates
among its own rows first and names the fields by their code names in English
("… for quiz and question, which must be unique"). `duplicate_rows_message`
replaces that message: the constraint's own message when one covers the
fields, otherwise Django's sentence with the fields' translated verbose
names. `LmsConfig.ready` installs it on Django's `BaseModelFormSet`, which
modelcluster's and Django's inline formsets inherit.
"""

from django.db import models
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext, gettext_lazy


def constraint_message(model: type[models.Model], fields) -> str | None:
    """The message of `model`'s unique constraint over exactly `fields` (its
    foreign key to a parent may be left out, as inline formsets do), when the
    constraint has one of its own; else None."""
    wanted = set(fields)
    for constraint in model._meta.total_unique_constraints:
        if (
            constraint.violation_error_message
            == constraint.default_violation_error_message
        ):
            continue
        extra = set(constraint.fields) - wanted
        if wanted <= set(constraint.fields) and all(
            isinstance(model._meta.get_field(name), models.ForeignKey) for name in extra
        ):
            return str(constraint.violation_error_message)
    return None


def duplicate_rows_message(formset, unique_check) -> str:
    """A formset's message for two rows that repeat `unique_check` (field
    names): see the module docstring."""
    model = formset.model
    own = constraint_message(model, unique_check)
    if own is not None:
        return own
    labels = [
        capfirst(model._meta.get_field(name).verbose_name) for name in unique_check
    ]
    if len(labels) == 1:
        return gettext("Please correct the duplicate data for %(field)s.") % {
            "field": labels[0]
        }
    return gettext(
        "Please correct the duplicate data for %(field)s, which must be unique."
    ) % {"field": get_text_list(labels, gettext_lazy("and"))}


def install() -> None:
    """Use `duplicate_rows_message` in every model formset."""
    from django.forms.models import BaseModelFormSet

    BaseModelFormSet.get_unique_error_message = duplicate_rows_message
