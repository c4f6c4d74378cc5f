"""The evidence of assessed practical work and the quiz and rubric results in
a certificate's Open Badges 3.0 credential, from
`assessments.practice.evidence.course_evidence`.

Spec: Open Badges 3.0 (1EdTech), §B.1 data model:

- ``Evidence`` (§B.1.6, the VC ``evidence`` property of the credential):
  ``type`` ["Evidence"], ``id`` (the URL of a page presenting the
  evidence), ``name``, ``description``, ``narrative`` (Markdown), ``genre``,
  ``audience``. One per assessed task: ``id`` is the task's entry on the
  public verify page (``/c/<uuid>/#tugas-<id>``), never the work itself: the
  work is private unless the trainee publishes it, and the verify page links
  to the portfolio only then (a signed credential cannot follow a trainee
  who later unpublishes). ``name`` is the task, ``description`` the rubric
  result ("Lulus, 7/8 (88 %)"), ``genre`` "Tugas praktik", ``narrative``
  the date and who assessed it, by role ("Pelatih"), never by name.
- ``Achievement.resultDescription`` (§B.1.13 ``ResultDescription``: ``id``,
  ``type`` ["ResultDescription"], ``name``, ``resultType``, optional
  ``rubricCriterionLevel``, ``requiredValue``, ``valueMin``, ``valueMax``)
  with ``RubricCriterionLevel`` (§B.1.16: ``id``, ``type``, ``name``,
  ``description``, ``points`` as a string): per task, one of ``resultType``
  "RubricScore" (the total) and one of "RubricCriterionLevel" per rubric
  criterion listing its levels; per passed quiz one of "Percent".
- ``AchievementSubject.result`` (§B.1.12 ``Result``: ``type`` ["Result"],
  ``resultDescription`` = a ResultDescription's ``id``, ``achievedLevel`` =
  a RubricCriterionLevel's ``id``, ``value`` a string, ``status`` of
  ResultStatusType): one per ResultDescription.

Every property used is defined by the OB 3.0.3 context (type-scoped for
Evidence, Result, ResultDescription and RubricCriterionLevel; ``name``,
``description``, ``narrative`` at its top level), so the safe-mode
canonicalisation of `proof._canonize` keeps all of it under the signature.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments.practice.evidence import CourseEvidence, TaskEvidence


def _task_description(task: TaskEvidence) -> str:
    return _("%(decision)s, %(score)s/%(max)s (%(percent)s %%)") % {
        "decision": _("Passed"),
        "score": task.score,
        "max": task.max_score,
        "percent": task.percent,
    }


def evidence_entries(*, evidence: CourseEvidence, verify_url: str) -> list[dict]:
    """OB 3.0 ``Evidence`` objects for the assessed tasks of `evidence`,
    each identified by its entry on the verify page at `verify_url`.
    Strings in the active language (the caller overrides it)."""
    entries = []
    for task in evidence.tasks:
        assessed = date_format(timezone.localtime(task.assessed_at), "DATE_FORMAT")
        entries.append(
            {
                "id": f"{verify_url}#tugas-{task.task_id}",
                "type": ["Evidence"],
                "name": task.task_title,
                "description": _task_description(task),
                # The assessor by role, never by name.
                "narrative": _("Assessed against a rubric by a trainer on %(date)s.")
                % {"date": assessed},
                "genre": _("Practical task"),
            }
        )
    return entries


def result_descriptions(*, evidence: CourseEvidence, base: str) -> list[dict]:
    """OB 3.0 ``ResultDescription`` objects for ``Achievement.resultDescription``:
    per task its rubric total and each criterion with its levels, per quiz
    its score in percent. Ids are `base` (the achievement's id) plus a
    fragment; a task's and a quiz's ids stay the same for every trainee."""
    descriptions = []
    for task in evidence.tasks:
        task_id = f"{base}#tugas-{task.task_id}"
        descriptions.append(
            {
                "id": task_id,
                "type": ["ResultDescription"],
                "name": _("%(task)s: rubric score") % {"task": task.task_title},
                "resultType": "RubricScore",
                "valueMin": "0",
                "valueMax": str(task.max_score),
            }
        )
        for number, criterion in enumerate(task.criteria, start=1):
            criterion_id = f"{task_id}-kriteria-{number}"
            levels = []
            for rank, level in enumerate(criterion.levels, start=1):
                entry = {
                    "id": f"{criterion_id}-tingkat-{rank}",
                    "type": ["RubricCriterionLevel"],
                    "name": level.title,
                    "points": str(level.points),
                }
                if level.descriptor:
                    entry["description"] = level.descriptor
                levels.append(entry)
            descriptions.append(
                {
                    "id": criterion_id,
                    "type": ["ResultDescription"],
                    "name": f"{task.task_title}: {criterion.title}",
                    "resultType": "RubricCriterionLevel",
                    "rubricCriterionLevel": levels,
                }
            )
    for quiz in evidence.quizzes:
        descriptions.append(
            {
                "id": f"{base}#kuis-{quiz.quiz_id}",
                "type": ["ResultDescription"],
                "name": quiz.quiz_title,
                "resultType": "Percent",
                "valueMin": "0",
                "valueMax": "100",
                "requiredValue": str(quiz.pass_mark),
            }
        )
    return descriptions


def results(*, evidence: CourseEvidence, base: str) -> list[dict]:
    """OB 3.0 ``Result`` objects for ``credentialSubject.result``, one per
    entry of `result_descriptions` (same `base`), in the same order."""
    entries = []
    for task in evidence.tasks:
        task_id = f"{base}#tugas-{task.task_id}"
        entries.append(
            {
                "type": ["Result"],
                "resultDescription": task_id,
                "value": str(task.score),
                "status": "Completed",
            }
        )
        for number, criterion in enumerate(task.criteria, start=1):
            criterion_id = f"{task_id}-kriteria-{number}"
            entries.append(
                {
                    "type": ["Result"],
                    "resultDescription": criterion_id,
                    "achievedLevel": (
                        f"{criterion_id}-tingkat-{criterion.level_index + 1}"
                    ),
                }
            )
    for quiz in evidence.quizzes:
        entries.append(
            {
                "type": ["Result"],
                "resultDescription": f"{base}#kuis-{quiz.quiz_id}",
                "value": str(quiz.percent),
                "status": "Completed",
            }
        )
    return entries
