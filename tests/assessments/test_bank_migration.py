"""Existing questions stay valid through the bank migrations
(docs/decisions/0007-moodle-question-bank.md): a correct choice gets credit 100 and the
others 0, multiple choice keeps all-or-nothing scoring, a numeric answer becomes an
accepted-number row with its tolerance, and plain text becomes escaped HTML
paragraphs."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0004_question_points_max")]
AFTER = [("assessments", "0007_bank_drop_is_correct_single_number")]


@pytest.mark.django_db(transaction=True)
def test_existing_questions_are_migrated_faithfully():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    category = old.get_model("assessments", "QuestionCategory").objects.create(
        name="Lama"
    )
    Question = old.get_model("assessments", "Question")
    Choice = old.get_model("assessments", "Choice")
    multiple = Question.objects.create(
        category=category, kind="multiple", text="Pilih <dua>\nbaris", points=1
    )
    Choice.objects.create(question=multiple, text="A & B", is_correct=True)
    Choice.objects.create(question=multiple, text="C", is_correct=False)
    numeric = Question.objects.create(
        category=category,
        kind="numeric",
        text="Berapa?",
        points=2,
        numeric_answer=Decimal("9.8067"),
        numeric_tolerance=Decimal("0.0001"),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Question = new.get_model("assessments", "Question")
    Choice = new.get_model("assessments", "Choice")
    migrated = Question.objects.get(pk=multiple.pk)
    assert migrated.multiple_scoring == "all_or_nothing"
    assert migrated.text == "<p>Pilih &lt;dua&gt;<br>baris</p>"
    assert list(
        Choice.objects.filter(question=migrated)
        .order_by("pk")
        .values_list("text", "fraction")
    ) == [("<p>A &amp; B</p>", Decimal(100)), ("<p>C</p>", Decimal(0))]
    row = Choice.objects.get(question_id=numeric.pk)
    assert (row.number, row.tolerance, row.fraction) == (
        Decimal("9.8067"),
        Decimal("0.0001"),
        Decimal(100),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
