"""Keep existing questions valid under the new bank shape: a correct choice
gets credit 100, others 0; a multiple-choice question keeps its
all-or-nothing scoring (its right choices each carry 100, so a sum would
give full marks for one of them); a numeric question's answer and tolerance
become its one accepted-number row; plain text becomes escaped HTML
paragraphs."""

from django.db import migrations


def forwards(apps, schema_editor):
    from assessments.rich_text import html_from_text

    Question = apps.get_model("assessments", "Question")
    Choice = apps.get_model("assessments", "Choice")
    Choice.objects.filter(is_correct=True).update(fraction=100)
    Choice.objects.filter(is_correct=False).update(fraction=0)
    Question.objects.filter(kind="multiple").update(multiple_scoring="all_or_nothing")
    rows = []
    for question in Question.objects.filter(kind="numeric").exclude(
        numeric_answer=None
    ):
        rows.append(
            Choice(
                question=question,
                number=question.numeric_answer,
                tolerance=question.numeric_tolerance or 0,
                fraction=100,
                sort_order=0,
            )
        )
    Choice.objects.bulk_create(rows)
    for question in Question.objects.all().only("pk", "text", "explanation"):
        Question.objects.filter(pk=question.pk).update(
            text=html_from_text(question.text),
            explanation=html_from_text(question.explanation),
        )
    for choice in Choice.objects.select_related("question").only(
        "pk", "text", "feedback", "question__kind"
    ):
        text = choice.text
        if choice.question.kind != "short_answer":
            text = html_from_text(text)
        Choice.objects.filter(pk=choice.pk).update(
            text=text, feedback=html_from_text(choice.feedback)
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_bank_fractions_types_tree")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
