"""The evidence of assessed practical work in the signed credential: OB 3.0
`evidence`, the achievement's `resultDescription` and the subject's `result`
(rubric criteria, rubric totals, quiz scores); the credential still
verifies, by Sinau and by an independent verifier (openbadgeslib)."""

import copy
import json

import pytest
from cryptography.hazmat.primitives import serialization
from openbadgeslib.ob3.ldp import OB3LdpVerifier
from openbadgeslib.ob3.verifier import OB3VerificationError

from lms.certificates import credentials, keys
from tests.certificates.evidence_data import (
    ASSESSOR_NAME,
    assessed,
    certificate_for,
    course_with_task,
    quiz_passed,
)
from tests.factories.practice import task_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_task(home):
    return course_with_task()


@pytest.fixture
def certificate(course_task, a_trainee):
    course, task = course_task
    assessed(task, a_trainee, levels=(1, 0), decision="revision")  # version 1
    assessed(task, a_trainee, levels=(2, 1))  # version 2 passes: 3/4
    quiz_passed(course, a_trainee, percent=80, pass_mark=70)
    return certificate_for(course, a_trainee)


@pytest.fixture
def signed(certificate):
    return credentials.credential_issue(certificate=certificate)


def _pem() -> bytes:
    return keys.issuer_key().public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_evidence_names_the_task_result_date_and_assessor_by_role(
    signed, certificate, course_task
):
    _course, task = course_task
    assert signed["evidence"] == [
        {
            "id": f"http://127.0.0.1:8000/c/{certificate.uuid}/#tugas-{task.pk}",
            "type": ["Evidence"],
            "name": "Tugas daftar produk",
            "description": "Lulus, 3/4 (75 %)",
            "narrative": "Dinilai dengan rubrik oleh Pelatih pada 1 November 2026.",
            "genre": "Tugas praktik",
        }
    ]


def test_credential_never_names_the_assessor_nor_holds_the_work(signed):
    text = json.dumps(signed, ensure_ascii=False)
    assert ASSESSOR_NAME not in text
    assert "Gula semut asli Batu Ampar manis" not in text  # the submitted text
    assert "Bagus, lanjutkan" not in text  # the feedback
    assert "portofolio" not in text


def test_results_point_at_result_descriptions_per_criterion_total_and_quiz(
    signed, course_task
):
    course, task = course_task
    base = f"http://127.0.0.1:8000{course.url}#tugas-{task.pk}"
    quiz_id = signed["credentialSubject"]["result"][-1]["resultDescription"]
    assert quiz_id.startswith(f"http://127.0.0.1:8000{course.url}#kuis-")
    assert signed["credentialSubject"]["result"] == [
        {
            "type": ["Result"],
            "resultDescription": base,
            "value": "3",
            "status": "Completed",
        },
        {
            "type": ["Result"],
            "resultDescription": f"{base}-kriteria-1",
            "achievedLevel": f"{base}-kriteria-1-tingkat-3",
        },
        {
            "type": ["Result"],
            "resultDescription": f"{base}-kriteria-2",
            "achievedLevel": f"{base}-kriteria-2-tingkat-2",
        },
        {
            "type": ["Result"],
            "resultDescription": quiz_id,
            "value": "80",
            "status": "Completed",
        },
    ]
    descriptions = signed["credentialSubject"]["achievement"]["resultDescription"]
    assert [(d["id"], d["resultType"]) for d in descriptions] == [
        (base, "RubricScore"),
        (f"{base}-kriteria-1", "RubricCriterionLevel"),
        (f"{base}-kriteria-2", "RubricCriterionLevel"),
        (quiz_id, "Percent"),
    ]
    assert descriptions[0] == {
        "id": base,
        "type": ["ResultDescription"],
        "name": "Tugas daftar produk: skor rubrik",
        "resultType": "RubricScore",
        "valueMin": "0",
        "valueMax": "4",
    }
    assert descriptions[2]["name"] == "Tugas daftar produk: CTA jelas"
    assert descriptions[2]["rubricCriterionLevel"] == [
        {
            "id": f"{base}-kriteria-2-tingkat-{n}",
            "type": ["RubricCriterionLevel"],
            "name": title,
            "points": str(n - 1),
            "description": title,
        }
        for n, title in enumerate(["Tidak ada CTA", "CTA samar", "CTA jelas"], 1)
    ]
    assert descriptions[3] == {
        "id": quiz_id,
        "type": ["ResultDescription"],
        "name": "Kuis harga",
        "resultType": "Percent",
        "valueMin": "0",
        "valueMax": "100",
        "requiredValue": "70",
    }
    # Every achievedLevel is a level of the description it points at.
    levels = {
        d["id"]: {lv["id"] for lv in d.get("rubricCriterionLevel", [])}
        for d in descriptions
    }
    for result in signed["credentialSubject"]["result"]:
        if "achievedLevel" in result:
            assert result["achievedLevel"] in levels[result["resultDescription"]]


def test_criteria_narrative_mentions_practical_tasks(signed):
    narrative = signed["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert "tugas praktik wajib" in narrative


def test_credential_with_evidence_verifies(signed):
    result = credentials.credential_verify(signed)
    assert result.errors == []
    assert result.shape_errors == []
    assert result.verdict == "VALID"


@pytest.mark.parametrize(
    "path",
    [
        ("evidence", 0, "description"),
        ("credentialSubject", "result", 0, "value"),
        ("credentialSubject", "result", 1, "achievedLevel"),
        ("credentialSubject", "achievement", "resultDescription", 3, "requiredValue"),
        (
            "credentialSubject",
            "achievement",
            "resultDescription",
            1,
            "rubricCriterionLevel",
            0,
            "points",
        ),
    ],
)
def test_changing_any_evidence_or_result_breaks_the_signature(signed, path):
    """Every new property is defined by the OB 3.0 context, so it is signed
    (an undefined one would make canonicalisation refuse the document)."""
    tampered = copy.deepcopy(signed)
    node = tampered
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = node[path[-1]] + "9"
    result = credentials.credential_verify(tampered)
    assert result.signature_valid is False
    assert result.verdict == "INVALID"


def test_independent_verifier_accepts_and_reads_the_evidence(signed, course_task):
    _course, _task = course_task
    parsed = OB3LdpVerifier(pubkey_pem=_pem()).verify(json.dumps(signed))
    assert [(e.name, e.description, e.genre) for e in parsed.evidence] == [
        ("Tugas daftar produk", "Lulus, 3/4 (75 %)", "Tugas praktik")
    ]
    assert [r.value for r in parsed.results] == ["3", None, None, "80"]
    assert [r.result_type for r in parsed.achievement.result_descriptions] == [
        "RubricScore",
        "RubricCriterionLevel",
        "RubricCriterionLevel",
        "Percent",
    ]


def test_independent_verifier_rejects_a_changed_result(signed):
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["result"][0]["value"] = "4"
    with pytest.raises(OB3VerificationError, match="signature"):
        OB3LdpVerifier(pubkey_pem=_pem()).verify(tampered)


def test_only_passed_released_work_is_evidence(home, a_trainee):
    course, task = course_with_task()
    unreleased = task_in(
        course, title="Tugas foto", slug="tugas-foto", release_marks=True
    )
    assessed(task, a_trainee, levels=(1, 1), decision="revision")
    assessed(unreleased, a_trainee, levels=(2, 2), released=False)
    certificate = certificate_for(course, a_trainee)
    signed = credentials.credential_issue(certificate=certificate)
    assert "evidence" not in signed
    assert "result" not in signed["credentialSubject"]
    assert "resultDescription" not in signed["credentialSubject"]["achievement"]
    assert (
        "tugas praktik"
        not in (signed["credentialSubject"]["achievement"]["criteria"]["narrative"])
    )
    assert credentials.credential_verify(signed).verdict == "VALID"


def test_released_work_of_a_release_workflow_task_is_evidence(home, a_trainee):
    course, _task = course_with_task()
    released = task_in(
        course, title="Tugas foto", slug="tugas-foto", release_marks=True
    )
    assessed(released, a_trainee, levels=(2, 2), released=True)
    signed = credentials.credential_issue(
        certificate=certificate_for(course, a_trainee)
    )
    assert [e["name"] for e in signed["evidence"]] == ["Tugas foto"]
    assert signed["evidence"][0]["description"] == "Lulus, 4/4 (100 %)"


def test_another_trainees_work_is_not_evidence(home, a_trainee):
    from tests.factories import trainee

    course, task = course_with_task()
    assessed(task, trainee(), levels=(2, 2))
    signed = credentials.credential_issue(
        certificate=certificate_for(course, a_trainee)
    )
    assert "evidence" not in signed


def test_a_rubric_edited_after_assessing_keeps_the_recorded_level(home, a_trainee):
    course, task = course_with_task()
    assessed(task, a_trainee, levels=(2, 1))
    criterion = task.rubric.criteria.order_by("sort_order").first()
    criterion.levels = [
        ("level", {"title": "Baru", "points": 5, "descriptor": "Baru"}),
    ]
    criterion.save()
    signed = credentials.credential_issue(
        certificate=certificate_for(course, a_trainee)
    )
    first = signed["credentialSubject"]["achievement"]["resultDescription"][1]
    assert [(lv["name"], lv["points"]) for lv in first["rubricCriterionLevel"]] == [
        ("Jelas", "2")
    ]
    assert (
        signed["credentialSubject"]["result"][1]["achievedLevel"]
        == (first["rubricCriterionLevel"][0]["id"])
    )
    assert credentials.credential_verify(signed).verdict == "VALID"
