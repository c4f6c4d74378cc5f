"""Import benchmark: 5,000 multiple-choice questions in Moodle XML.

    .venv/bin/python -m tests.bench.imports      (QUESTIONS=5000 by default)

Builds an empty SQLite database in a temporary folder (unless DATABASE_URL
is set), writes a Moodle XML file of QUESTIONS single-choice questions with
four answers each, spread over five nested categories, and times parsing
and writing separately, as `manage.py import_questions` does them. Budget
(docs/benchmarks.md, "Budgets"): the whole import in under 10 s on SQLite. Exits 1 over
budget.
"""

import os
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = int(os.environ.get("QUESTIONS", "5000"))
BUDGET_SECONDS = 10.0


def moodle_xml(count: int) -> bytes:
    """A Moodle XML file of `count` single-choice questions."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    per_category = max(1, count // 5)
    for number in range(count):
        if number % per_category == 0:
            path = f"$course$/top/Bench/Part {number // per_category + 1}"
            parts.append(
                '<question type="category"><category><text>'
                f"{escape(path)}</text></category></question>\n"
            )
        answers = "".join(
            f'<answer fraction="{100 if choice == 0 else 0}" format="html">'
            f"<text>Jawaban {choice} untuk soal {number}</text>"
            f"<feedback><text>Umpan balik {choice}</text></feedback></answer>"
            for choice in range(4)
        )
        parts.append(
            '<question type="multichoice">'
            f"<name><text>Soal {number}</text></name>"
            '<questiontext format="html"><text><![CDATA[<p>Berapa <b>harga</b> '
            f"gula semut nomor {number}?</p>]]></text></questiontext>"
            "<generalfeedback><text>Lihat daftar harga.</text></generalfeedback>"
            "<defaultgrade>1</defaultgrade><single>true</single>"
            f"<shuffleanswers>1</shuffleanswers>{answers}</question>\n"
        )
    parts.append("</quiz>\n")
    return "".join(parts).encode()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="sinau-bench-imports-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ["CELERY_BROKER_DIR"] = str(tmp / "broker")
    os.environ["DJANGO_MEDIA_ROOT"] = str(tmp / "media")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from assessments.importers import parse
    from assessments.importers.write import questions_import
    from assessments.models import Question

    print(f"[1/3] empty database ({connection.vendor}: {os.environ['DATABASE_URL']})")
    call_command("migrate", "--noinput", verbosity=0)
    content = moodle_xml(QUESTIONS)
    print(f"[2/3] Moodle XML, {QUESTIONS} questions, {len(content) / 1e6:.1f} MB")
    started = time.perf_counter()
    result = parse(content, "moodle")
    parsed = time.perf_counter()
    report = questions_import(result=result, source="bench.xml")
    written = time.perf_counter()
    assert report.created == QUESTIONS == Question.objects.count()
    total = written - started
    print("[3/3] import_questions timing")
    print(f"  parse            : {parsed - started:6.2f} s")
    print(f"  write            : {written - parsed:6.2f} s")
    print(f"  total            : {total:6.2f} s  (budget < {BUDGET_SECONDS:.0f} s)")
    return 0 if total < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
