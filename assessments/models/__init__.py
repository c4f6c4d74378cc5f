"""Assessments: the question bank, quizzes in the course tree, attempts.

Concepts carried over from django-quiz-app: Category, the question types,
the Sitting (here `Attempt`, with one `AttemptQuestion` per question asked),
Progress (a selector over attempts), the pass mark and essay marking.

One module per part, every name re-exported here (as Wagtail does), so
`from assessments.models import X` works for all of them: bank.py (the
question bank), quizzes.py (quiz pages and accommodations), attempts.py
(attempts and the questions they asked), jobs.py (regrade and import
jobs), offline.py (work synced from offline), practice.py (practical
tasks, rubrics, submissions, assessments).
The models import no admin code, selectors, services or views: the admin
forms are attached in AssessmentsConfig.ready()."""

from .attempts import Attempt, AttemptQuestion, ItemOutcome
from .bank import (
    FRACTION_DIGITS,
    FRACTION_PLACES,
    NUMBER_DIGITS,
    NUMBER_LIMIT,
    NUMBER_PLACES,
    NUMBER_SIGNIFICANT,
    Choice,
    MultipleScoring,
    Question,
    QuestionCategory,
    QuestionKind,
    category_tree_ids,
    number_storable,
    question_panels,
)
from .jobs import ImportJob, RegradeJob, RegradeJobItem
from .offline import SyncItem
from .practice import (
    CriterionResult,
    Rubric,
    RubricCriterion,
    Submission,
    SubmissionFile,
    TaskAssessment,
    TaskExemplar,
    TaskPage,
)
from .quizzes import (
    Accommodation,
    QuizPage,
    QuizQuestion,
    ReviewPolicy,
    TestRole,
    questions_in_quizzes_q,
)

__all__ = [
    "FRACTION_DIGITS",
    "FRACTION_PLACES",
    "NUMBER_DIGITS",
    "NUMBER_LIMIT",
    "NUMBER_PLACES",
    "NUMBER_SIGNIFICANT",
    "Accommodation",
    "Attempt",
    "AttemptQuestion",
    "Choice",
    "CriterionResult",
    "ImportJob",
    "ItemOutcome",
    "MultipleScoring",
    "Question",
    "QuestionCategory",
    "QuestionKind",
    "QuizPage",
    "QuizQuestion",
    "RegradeJob",
    "RegradeJobItem",
    "ReviewPolicy",
    "Rubric",
    "RubricCriterion",
    "Submission",
    "SubmissionFile",
    "SyncItem",
    "TaskAssessment",
    "TaskExemplar",
    "TaskPage",
    "TestRole",
    "category_tree_ids",
    "number_storable",
    "question_panels",
    "questions_in_quizzes_q",
]
