"""Every number staff type goes through the one number field
(`lms.common.forms.NumberField`, a text input with `inputmode="decimal"`), never
an `<input type=number>`, which an Indonesian-locale browser reads `5.500`
as 5.5 and turns `5,5` into 55.

The walk finds the forms itself, so the next numeric field is caught:

- the add form of every page type (under a parent that allows it) and the
  edit form of every page in the world;
- the add and edit forms of every registered ModelViewSet and snippet
  viewset (the question form once per question type), and every settings
  form;
- staff pages outside the admin with forms (STAFF_PAGES);
- every Django form class defined in Sinau's apps, and every StreamField
  block (an IntegerBlock or DecimalBlock renders type=number).

On every page: no `type="number"` in the HTML; every form in the context
(inline formsets and their empty form included): no Django number field,
no number widget, and every numeric model field a NumberField with its
NumberInput."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms.formsets import ManagementForm
from django.urls import NoReverseMatch, reverse
from wagtail import blocks
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.fields import StreamField
from wagtail.models import Page, get_page_models

from assessments.models import Accommodation, QuestionKind
from lms.common.forms import NumberField, NumberInput
from tests.factories.assessments import question
from tests.test_access_walk import World

pytestmark = pytest.mark.django_db

SINAU_PACKAGES = ("lms", "assessments", "courses", "content")
# Wagtail's own viewsets no trainer or manager reaches, with the reason.
NOT_STAFF = {
    "wagtailsites": "Sites: superusers only; its one number is a TCP port",
}


def _staff_pages(world) -> list[str]:
    """Staff pages with forms outside Wagtail's admin views."""
    cohort = world.cohorts["A"]
    return [
        reverse("assessments:mark", args=[world.essay.pk]),
        reverse("assessments:marking"),
        reverse("cohorts:import", args=[cohort.pk]),
        reverse("cohorts:dashboard", args=[cohort.pk]),
        "/admin/bank-soal/impor/",
        "/admin/bank-soal/ekspor/",
    ]


def _numeric_model_field(form, name) -> bool:
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return False
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a form-only field
        return False
    numeric = models.IntegerField | models.DecimalField | models.FloatField
    return (
        isinstance(field, numeric)
        and not field.primary_key
        and not field.choices
        and not field.is_relation
    )


def _forms_in(form) -> list:
    """`form`, its inline formsets' forms and empty forms, recursively."""
    found = [form]
    for formset in getattr(form, "formsets", {}).values():
        for child in [*formset.forms, formset.empty_form]:
            found += _forms_in(child)
    return found


# Formset machinery, not typed by staff: the order of inline rows (Wagtail
# renders it hidden and sets it when rows are moved).
MACHINERY = {"ORDER"}


def _field_problems(form, where: str) -> list[str]:
    problems = []
    if isinstance(form, ManagementForm):
        return problems
    for name, field in form.fields.items():
        if field.widget.is_hidden or name in MACHINERY:
            continue
        label = f"{where}: {type(form).__name__}.{name}"
        if isinstance(field.widget, forms.NumberInput) and not isinstance(
            field.widget, NumberInput
        ):
            problems.append(f"{label} renders type=number")
        django_number = forms.IntegerField | forms.DecimalField | forms.FloatField
        if isinstance(field, django_number):
            problems.append(f"{label} is a {type(field).__name__}, not NumberField")
        if _numeric_model_field(form, name) and not (
            isinstance(field, NumberField) and isinstance(field.widget, NumberInput)
        ):
            problems.append(f"{label} is a number but not the shared NumberField")
    return problems


class Walk:
    def __init__(self, client):
        self.client = client
        self.problems: list[str] = []
        self.seen: set[str] = set()  # model field names seen as NumberField
        self.pages = 0

    def visit(self, url: str) -> None:
        response = self.client.get(url, follow=True)
        if response.status_code != 200:
            self.problems.append(f"{url}: {response.status_code}")
            return
        if response.redirect_chain:
            url = f"{url} -> {response.redirect_chain[-1][0]}"
        self.pages += 1
        html = response.content.decode()
        if re.search(r"""type=["']?number""", html):
            self.problems.append(f"{url}: an <input type=number>")
        for tag in re.findall(r"<input[^>]*inputmode=\"decimal\"[^>]*>", html):
            name = re.search(r'name="([^"]+)"', tag).group(1)
            if f'name="{name}-shown"' not in html:
                self.problems.append(f"{url}: {name} is not the shared widget")
        contexts = response.context or []
        found = {}
        for context in contexts:
            for value in context.flatten().values():
                if isinstance(value, forms.BaseForm):
                    found[id(value)] = value
        for form in found.values():
            for each in _forms_in(form):
                self.problems += _field_problems(each, url)
                self.seen |= {
                    name
                    for name, field in each.fields.items()
                    if isinstance(field, NumberField)
                }


def _pages_for_forms(world) -> list[str]:
    urls = []
    pages = list(Page.objects.all().specific())
    for model in get_page_models():
        if model is Page:
            continue
        parent = next(
            (p for p in pages if model.can_create_at(p) and model.is_creatable),
            None,
        )
        instance = next((p for p in pages if type(p) is model), None)
        assert parent or instance, f"no {model.__name__} in the walk's world"
        if parent:
            meta = model._meta
            urls.append(
                f"/admin/pages/add/{meta.app_label}/{meta.model_name}/{parent.pk}/"
            )
        if instance:
            urls.append(f"/admin/pages/{instance.pk}/edit/")
    return urls


def _viewset_forms(world) -> list[str]:
    urls = []
    for viewset in viewsets.viewsets:
        if not isinstance(viewset, ModelViewSet) or viewset.name in NOT_STAFF:
            continue
        model = viewset.model
        try:
            add = reverse(viewset.get_url_name("add"))
        except NoReverseMatch:
            add = None
        edit_name = viewset.get_url_name("edit")
        if model.__name__ == "Question":
            for kind in QuestionKind.values:
                urls.append(f"{add}?kind={kind}")
                urls.append(reverse(edit_name, args=[question(kind).pk]))
            continue
        if add:
            urls.append(add)
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            urls.append(reverse(edit_name, args=[instance.pk]))
    for model in settings_registry:
        meta = model._meta
        urls.append(
            reverse("wagtailsettings:edit", args=[meta.app_label, meta.model_name])
        )
    return urls


def test_every_staff_form_types_numbers_with_the_shared_field(client):
    world = World()
    Accommodation.objects.create(
        quiz=world.quiz, user=world.trainee_a, extra_minutes=15, extra_attempts=1
    )
    client.force_login(world.superuser)
    walk = Walk(client)
    for url in _pages_for_forms(world) + _viewset_forms(world) + _staff_pages(world):
        walk.visit(url)
    assert walk.problems == [], "\n".join(walk.problems)
    # The walk reaches the numbers trainers and managers type.
    assert {
        "number",
        "tolerance",
        "fraction",
        "points",
        "pass_mark",
        "time_limit_minutes",
        "max_attempts",
        "random_count",
        "extra_minutes",
        "extra_attempts",
        "estimated_hours",
        "estimated_minutes",
        "price",
        "reminder_after_days",
        "at_risk_after_days",
    } <= walk.seen
    assert walk.pages > 30


def _sinau_modules():
    for package_name in SINAU_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            last = info.name.rsplit(".", 1)[-1]
            if last in ("forms", "views", "import_views", "question_views", "viewsets"):
                importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_sinau_form_declares_a_django_number_field():
    _sinau_modules()
    problems = []
    for form_class in set(_subclasses(forms.BaseForm)):
        if not form_class.__module__.startswith(SINAU_PACKAGES):
            continue
        for name, field in form_class.base_fields.items():
            django_number = forms.IntegerField | forms.DecimalField | forms.FloatField
            if isinstance(field, django_number) or (
                isinstance(field.widget, forms.NumberInput)
                and not isinstance(field.widget, NumberInput)
            ):
                problems.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert problems == []


def _blocks(block):
    yield block
    for child in getattr(block, "child_blocks", {}).values():
        yield from _blocks(child)
    if getattr(block, "child_block", None) is not None:
        yield from _blocks(block.child_block)


def test_no_streamfield_block_takes_a_number_with_type_number():
    """Wagtail's IntegerBlock, DecimalBlock and FloatBlock render
    `<input type=number>`: use a CharBlock read with `number_read`."""
    problems = []
    for model in get_page_models():
        for field in model._meta.get_fields():
            if not isinstance(field, StreamField):
                continue
            for block in _blocks(field.stream_block):
                number_block = blocks.IntegerBlock | blocks.DecimalBlock
                if isinstance(block, number_block | blocks.FloatBlock):
                    problems.append(f"{model.__name__}.{field.name}: {block.name}")
    assert problems == []
