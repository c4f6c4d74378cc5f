"""Every parser of the offline sync path under arbitrary input
(assessments/offline/services.py): `sync_items_read`, each item's fields
(ids, types, numbers as bools, floats, strings or huge, times, answers with
NUL bytes or lone surrogates, huge strings, nested junk), `PrefixedFields`
and `answers_read` against the snapshot of every question kind, the JSON
endpoint and the whole-quiz form endpoint (/kuis/percobaan/<id>/kirim-semua/)
through the test client. Never a 500; bad input gets a 400 with a message,
or an item outcome with a message (in Indonesian, the default language),
and changes nothing. Uses the normal db
fixtures, so it also runs in CI's PostgreSQL pass (which refuses NUL and
lone surrogates in text and jsonb, and years past 9999)."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.demo import answer_data
from assessments.grading import grade
from assessments.kinds import kind_for
from assessments.models import Attempt, AttemptQuestion, QuestionKind, SyncItem
from assessments.offline.services import (
    DEPTH_MAX,
    ITEMS_MAX,
    NAME_MAX,
    VALUE_MAX,
    PrefixedFields,
    SyncInvalid,
    answers_read,
    package_make,
    sync_item_message,
    sync_items_read,
)
from assessments.text import text_storable
from courses.models import LessonCompletion
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of
from tests.support.offline import offline_fields

pytestmark = pytest.mark.django_db

BOUNDED = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SYNC = "assessments:offline_sync"
OUTCOMES = {"counted", "not_counted", "review", "refused", "invalid"}
REFUSALS_EN = {
    "This is not a sync from Sinau.",
    f"Send at most {ITEMS_MAX} items at a time.",
    "This sync is too large. Send fewer items at a time.",
}
INVALID_EN = "This piece of offline work has no valid id."

# -- strategies ----------------------------------------------------------------

# Text a phone (or anyone) could put in JSON: plain, with NUL and lone
# surrogates (JSON "\ud800" parses to one), digits of other scripts, huge.
nasty_text = st.one_of(
    st.text(max_size=30),
    st.lists(
        st.sampled_from(["a", "1", "\x00", "\ud800", "\udfff", "²", "٣", " ", "-"]),
        max_size=12,
    ).map("".join),
    st.just("x" * (VALUE_MAX + 1)),
    st.just("é" * 5000),
)
numbers = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.just(10**400),
    st.floats(),  # NaN and Infinity included: Python's json writes them
)
junk = st.recursive(
    st.none() | numbers | nasty_text,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
ids = st.one_of(
    st.uuids().map(str),
    st.uuids().map(lambda u: str(u).upper()),
    st.uuids().map(lambda u: u.hex),
    st.uuids().map(lambda u: f"{{{u}}}"),
    nasty_text,
    junk,
)
times = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),  # naive: read as UTC
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
            "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
            "2026-02-30T10:00:00Z",
            "2026-01-01T10:00:00+99:99",
            "\uff12\uff10\uff12\uff16-01-01T10:00:00Z",  # fullwidth digits
            "2026-01-01T10:00:00.123456789Z",
        ]
    ),
    nasty_text,
    junk,
)


def _whole_or_junk(valid: list[int]):
    """A number field: a valid id, or the same as a bool, float or string,
    another id, zero, negative, huge, or junk."""
    return st.one_of(
        st.sampled_from(valid),
        st.sampled_from(valid).map(float),
        st.sampled_from(valid).map(str),
        numbers,
        junk,
    )


def _fields_strategy(names: list[str], values: list[str]):
    """Whole-quiz form pairs: names and values of this attempt (so some
    answers are read), mixed with arbitrary ones; or junk shapes."""
    name = st.one_of(st.sampled_from(names), nasty_text, st.just("q" * (NAME_MAX + 1)))
    value = st.one_of(st.sampled_from(values), nasty_text)
    pair = st.tuples(name, value).map(list)
    odd_pair = st.one_of(
        st.lists(st.one_of(name, numbers, junk), max_size=3),
        junk,
    )
    return st.one_of(
        st.lists(pair, max_size=12),
        st.lists(st.one_of(pair, odd_pair), max_size=6),
        junk,
    )


# -- fixtures ------------------------------------------------------------------


@pytest.fixture
def world(learner, course):
    """Every question kind in one quiz (any number of attempts), the
    learner's lessons, a lesson and a quiz of a course they are not in."""
    quiz = quiz_in(
        course,
        [question(kind) for kind in QuestionKind.values],
        slug="semua",
        max_attempts=None,
    )
    other = course_tree(modules=1, lessons=1, slug="lain")
    return {
        "quiz": quiz,
        "lessons": [lesson.pk for lesson in lessons_of(course)],
        "elsewhere": [lessons_of(other)[0].pk, quiz.pk, course.pk],
    }


def _names_and_values(attempt: Attempt) -> tuple[list[str], list[str]]:
    """Every field name a kind reads, per question, and every value that
    could mean something (keys, positions, numbers, texts)."""
    names, values = [], ["", "1", "2", "2,5", "Jakarta", "true", "false"]
    for item in attempt.items.all():
        snapshot, prefix = item.snapshot, f"q{item.order}-"
        names += [prefix + n for n in ("choice", "choices", "value", "text")]
        for row in snapshot.get("choices", []):
            names += [
                f"{prefix}position-{row.get('key')}",
                f"{prefix}match-{row.get('key')}",
            ]
            values.append(str(row.get("key")))
        values += [str(row.get("key")) for row in snapshot.get("options", [])]
        values += [str(v) for v in (snapshot.get("value_keys") or {}).values()]
    return names, values


def _state(user) -> dict:
    """What a sync may change, to compare before and after."""
    return {
        "items": sorted(
            SyncItem.objects.filter(user=user).values_list("client_id", flat=True)
        ),
        "completions": sorted(
            LessonCompletion.objects.filter(user=user).values_list(
                "lesson_id", flat=True
            )
        ),
        "attempts": list(
            Attempt.objects.filter(user=user)
            .order_by("pk")
            .values_list("pk", "status", "score", "submitted_at", "flag")
        ),
        "answers": list(
            AttemptQuestion.objects.filter(attempt__user=user)
            .order_by("pk")
            .values_list("pk", "response", "points")
        ),
    }


def _texts(value):
    """Every string in parsed JSON `value`, keys included."""
    json.dumps(value)  # it is JSON
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner)


def _post_sync(client, body: bytes):
    return client.post(reverse(SYNC), body, content_type="application/json")


def _check_answer(response, sent: list, before: dict, user) -> dict:
    """The endpoint's answer to `sent` items: JSON, never a 500; a 400
    changes nothing; otherwise one well-formed result per item."""
    assert response.status_code in (200, 400), response.status_code
    assert response["Content-Type"] == "application/json"
    data = response.json()
    if response.status_code == 400:
        assert isinstance(data["message"], str)
        assert data["message"]
        assert data["message"] not in REFUSALS_EN  # in Indonesian
        assert _state(user) == before
        return data
    assert len(data["items"]) == len(sent)
    for raw, result in zip(sent, data["items"], strict=True):
        assert result["outcome"] in OUTCOMES
        assert isinstance(result["message"], str)
        assert result["message"]
        assert "%(" not in result["message"]
        assert result["url"] is None or result["url"].startswith("/")
        sent_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(sent_id, str):
            # As the server read it: JSON joins an escaped surrogate pair.
            sent_id = json.loads(json.dumps(sent_id))
        if isinstance(sent_id, str) and len(sent_id) <= 36:
            assert result["id"] == sent_id  # the phone can match its queue
        # In Indonesian (the default language), not the English source.
        if result["outcome"] == "invalid":
            assert result["message"] != INVALID_EN
        else:
            row = SyncItem.objects.get(user=user, client_id=uuid.UUID(sent_id))
            with translation.override("en"):
                assert result["message"] != sync_item_message(row)
    return data


# -- sync_items_read -----------------------------------------------------------


@settings(BOUNDED, max_examples=300)
@given(data=junk, items=st.lists(junk, max_size=ITEMS_MAX + 2))
def test_sync_items_read_gives_the_items_or_refuses(data, items):
    for body in (data, {"items": items}, {"items": items, "extra": data}):
        try:
            read = sync_items_read(body)
        except SyncInvalid as refused:
            assert refused.message  # noqa: PT017 (a property over any input)
        else:
            assert read is body["items"]
            assert len(read) <= ITEMS_MAX


@pytest.mark.parametrize(
    "body",
    [
        {"items": [{"id": str(uuid.uuid4()), "x": float("nan")}]},
        {"items": [{"id": str(uuid.uuid4()), "x": [float("inf")]}]},
        {"items": [{"junk": json.loads("[" * DEPTH_MAX + "]" * DEPTH_MAX)}]},
    ],
)
def test_sync_items_read_refuses_nan_infinity_and_deep_nesting(body):
    with pytest.raises(SyncInvalid):
        sync_items_read(body)


def test_sync_items_read_takes_what_the_phone_sends():
    item = {"id": str(uuid.uuid4()), "fields": [["q1-choice", "k1"]], "n": 1.5}
    assert sync_items_read({"items": [item]}) == [item]


# -- PrefixedFields and answers_read -------------------------------------------


@settings(BOUNDED, max_examples=200)
@given(
    pairs=st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(["q1-a", "q1-b", "q10-a", "q1-", "q1"]), st.text()
            ),
            st.text(),
        ),
        max_size=10,
    )
)
def test_prefixed_fields_reads_like_the_form_of_one_question(pairs):
    """`q1-<name>` pairs read as `<name>`, as a QueryDict of just those would:
    the last value for get, all in order for getlist; q10- is not q1-."""
    fields = PrefixedFields(pairs, "q1-")
    own = QueryDict(mutable=True)
    for name, value in pairs:
        if name.startswith("q1-"):
            own.appendlist(name[3:], value)
    assert set(fields.keys()) == set(own.keys())
    for name in own:
        assert name in fields
        assert fields.get(name) == own.get(name) == fields[name]
        assert fields.getlist(name) == own.getlist(name)
    assert fields.get("not-there", "d") == "d"
    assert fields.getlist("not-there") == []
    assert dict(fields.items()) == {k: own.get(k) for k in own}


@pytest.fixture
def every_kind(learner, world):
    return package_make(user=learner, quiz=world["quiz"])


@settings(BOUNDED, max_examples=150)
@given(data=st.data())
def test_answers_read_never_raises_and_reads_only_storable_gradeable_answers(
    every_kind, data
):
    items = list(every_kind.items.order_by("order"))
    names, values = _names_and_values(every_kind)
    pairs = [
        (name, value)
        for name, value in data.draw(
            st.lists(
                st.tuples(
                    st.one_of(st.sampled_from(names), nasty_text),
                    st.one_of(st.sampled_from(values), nasty_text),
                ),
                max_size=15,
            )
        )
    ]
    responses, unreadable = answers_read(items, pairs)
    asking = {i.order for i in items if kind_for(i.snapshot["kind"]).asks}
    assert set(responses) <= asking
    assert len(responses) + unreadable <= len(asking)
    by_order = {i.order: i for i in items}
    for order, response in responses.items():
        assert all(text_storable(text) for text in _texts(response))
        points, _correct = grade(by_order[order].snapshot, response)
        full = Decimal(by_order[order].snapshot["points"])
        assert points is None or Decimal(0) <= points <= full


def test_answers_read_reads_the_package_form_like_each_question_form(every_kind):
    """The whole-quiz form's right answers read per question exactly as
    each kind reads its own one-question form."""
    items = list(every_kind.items.order_by("order"))
    pairs = [tuple(pair) for pair in offline_fields(every_kind, right=True)]
    responses, unreadable = answers_read(items, pairs)
    assert unreadable == 0
    for item in items:
        kind = kind_for(item.snapshot["kind"])
        if kind.asks:
            own = answer_data(item.snapshot, right=True)
            assert responses[item.order] == kind.response_parse(item.snapshot, own)
    assert len(responses) == sum(kind_for(i.snapshot["kind"]).asks for i in items)


# -- the JSON endpoint ---------------------------------------------------------


def _item(data, world, attempt: Attempt) -> object:
    names, values = _names_and_values(attempt)
    kind = data.draw(st.sampled_from(["lesson_done", "attempt_submit", "junk"]))
    if kind == "junk":
        return data.draw(st.one_of(junk, st.dictionaries(st.text(max_size=8), junk)))
    item = {
        "id": data.draw(ids),
        "type": data.draw(st.one_of(st.just(kind), st.just(kind), junk)),
    }
    if kind == "lesson_done":
        item["lesson"] = data.draw(
            _whole_or_junk(world["lessons"] + world["elsewhere"])
        )
        item["at"] = data.draw(times)
    else:
        item["attempt"] = data.draw(_whole_or_junk([attempt.pk]))
        item["fields"] = data.draw(
            st.one_of(
                st.just(offline_fields(attempt, right=data.draw(st.booleans()))),
                _fields_strategy(names, values),
            )
        )
        item["submitted_at"] = data.draw(times)
        item["elapsed_seconds"] = data.draw(numbers | junk)
    extra = data.draw(st.dictionaries(st.text(max_size=8), junk, max_size=2))
    return {**extra, **item}


@settings(BOUNDED, max_examples=120)
@given(data=st.data())
def test_each_item_shape_gets_an_outcome_with_a_message_or_a_400(
    client_in, learner, world, data
):
    """One item per sync, of every shape: an answer with a message; a
    refused or invalid item changes nothing but its own stored record; the
    trainee's "Tersimpan offline" page still shows what was stored."""
    attempt = package_make(user=learner, quiz=world["quiz"])
    item = _item(data, world, attempt)
    before = _state(learner)
    body = json.dumps({"items": [item]}).encode()
    answer = _check_answer(_post_sync(client_in, body), [item], before, learner)
    if "items" in answer:
        outcome = answer["items"][0]["outcome"]
        after = _state(learner)
        if outcome in ("refused", "invalid"):
            assert after["completions"] == before["completions"]
            assert after["attempts"] == before["attempts"]
            assert after["answers"] == before["answers"]
        if outcome == "invalid":
            assert after["items"] == before["items"]
    assert client_in.get(reverse("assessments:offline_saved")).status_code == 200


@settings(BOUNDED, max_examples=60)
@given(data=st.data())
def test_a_sync_of_several_items_answers_each(client_in, learner, world, data):
    attempt = package_make(user=learner, quiz=world["quiz"])
    items = [_item(data, world, attempt) for _n in range(data.draw(st.integers(1, 4)))]
    before = _state(learner)
    body = json.dumps({"items": items}).encode()
    _check_answer(_post_sync(client_in, body), items, before, learner)


@settings(BOUNDED, max_examples=100)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        junk.map(lambda v: json.dumps(v).encode()),
        st.builds(lambda n: b'{"items": [' * n + b"]}" * n, st.integers(1, 3000)),
        st.builds(
            lambda n: b'{"items": [{"id": ' + b"[" * n + b"]" * n + b"}]}",
            st.integers(1, 3000),
        ),
        st.builds(
            lambda n: b'{"items": [{"lesson": 1' + b"0" * n + b"}]}",
            st.integers(1, 6000),
        ),
    )
)
def test_any_body_gets_json_never_a_500(client_in, learner, body):
    before = _state(learner)
    response = _post_sync(client_in, body)
    assert response.status_code in (200, 400)
    data = response.json()
    if response.status_code == 400:
        assert data["message"]
        assert _state(learner) == before


@pytest.mark.parametrize(
    ("extra", "stored"),
    [
        ({"at": "2026-01-01T10:00:00"}, "2026-01-01T10:00:00+00:00"),  # naive: UTC
        ({"at": "0001-01-01T00:00:00+14:00"}, None),
        ({"at": "9999-12-31T23:59:59-14:00"}, None),
        ({"at": "2026-01-01T17:00:00+07:00"}, "2026-01-01T10:00:00+00:00"),
    ],
)
def test_phone_times_are_read_in_utc_or_not_at_all(
    client_in, learner, world, extra, stored
):
    """A naive time was a 500 (timezone.UTC does not exist), and a time
    whose UTC is outside years 1-9999 was one on SQLite and made the
    trainee's page fail on PostgreSQL."""
    item = {
        "id": str(uuid.uuid4()),
        "type": "lesson_done",
        "lesson": world["lessons"][0],
        **extra,
    }
    answer = _check_answer(
        _post_sync(client_in, json.dumps({"items": [item]}).encode()),
        [item],
        _state(learner),
        learner,
    )
    assert answer["items"][0]["outcome"] == "counted"
    row = SyncItem.objects.get(client_id=item["id"])
    assert (row.client_at.isoformat() if row.client_at else None) == stored
    assert client_in.get(reverse("assessments:offline_saved")).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        # A lone surrogate in a part of the item nobody reads: PostgreSQL
        # refused the payload (500).
        '{"items": [{"id": "%s", "type": "lesson_done", "junk": "\\ud800"}]}',
        '{"items": [{"id": "%s", "type": "lesson_done", "\\udfff": 1}]}',
        # Nesting the payload copier could not follow (RecursionError, 500).
        '{"items": [{"id": "%s", "type": "lesson_done", "junk": '
        + "[" * 700
        + "]" * 700
        + "}]}",
        # NaN, which Python's json reads and jsonb refuses (500).
        '{"items": [{"id": "%s", "type": "lesson_done", "junk": NaN}]}',
    ],
)
def test_payloads_the_database_refused_are_stored_or_refused_not_a_500(
    client_in, learner, body
):
    client_id = str(uuid.uuid4())
    before = _state(learner)
    response = _post_sync(client_in, (body % client_id).encode())
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        row = SyncItem.objects.get(client_id=client_id)
        assert row.outcome == SyncItem.Outcome.REFUSED
        assert "\ufffd" in json.dumps(row.payload, ensure_ascii=False)
    else:
        assert _state(learner) == before


def test_an_id_in_another_spelling_is_answered_as_sent(client_in, world):
    """uuid.UUID reads upper case and no dashes; the answer names the item
    as the phone did, so it can leave the phone's queue."""
    lesson = world["lessons"][0]
    sent = [str(uuid.uuid4()).upper(), uuid.uuid4().hex]
    items = [{"id": i, "type": "lesson_done", "lesson": lesson} for i in sent]
    for _replay in range(2):
        response = _post_sync(client_in, json.dumps({"items": items}).encode())
        assert [r["id"] for r in response.json()["items"]] == sent


# -- the whole-quiz form endpoint ----------------------------------------------


def _form_body(pairs: list[tuple[str, str]]) -> bytes:
    """URL-encoded, lone surrogates written as the bytes a broken client
    would send (invalid UTF-8)."""

    def enc(text: str) -> str:
        return quote(text.encode("utf-8", "surrogatepass"), safe="")

    return "&".join(f"{enc(n)}={enc(v)}" for n, v in pairs).encode()


@settings(BOUNDED, max_examples=80)
@given(data=st.data())
def test_the_form_endpoint_redirects_to_the_result_whatever_is_posted(
    client_in, learner, world, data
):
    attempt = package_make(user=learner, quiz=world["quiz"])
    names, values = _names_and_values(attempt)
    control = st.sampled_from(["client_id", "elapsed_seconds", "csrfmiddlewaretoken"])
    name = st.one_of(st.sampled_from(names), control, nasty_text)
    value = st.one_of(
        st.sampled_from(values),
        st.uuids().map(str),
        st.sampled_from(["²", "٣", "99999999999", "-1", "60", ""]),
        nasty_text.filter(lambda t: len(t) < 2000),
    )
    pairs = data.draw(st.lists(st.tuples(name, value), max_size=12))
    if data.draw(st.booleans()):
        pairs.append(("elapsed_seconds", data.draw(value)))
    if data.draw(st.booleans()):
        pairs += [(n, v) for n, v in offline_fields(attempt)]
    before = _state(learner)
    response = client_in.post(
        reverse("assessments:offline_submit", args=[attempt.pk]),
        _form_body(pairs),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400), response.status_code
    after = _state(learner)
    attempt.refresh_from_db()
    if response.status_code == 400 or attempt.status in Attempt.OPEN:
        assert after["attempts"] == before["attempts"]
        assert after["answers"] == before["answers"]
    else:
        assert attempt.submitted_at is not None
    if response.status_code == 302:
        assert response.url == reverse("assessments:result", args=[attempt.pk])
        page = client_in.get(response.url)
        assert page.status_code in (200, 302)


def test_the_form_endpoint_reads_elapsed_seconds_in_ascii_digits_only(
    client_in, learner, world
):
    """ "²".isdigit() is true and int("²") raised: a 500."""
    attempt = package_make(user=learner, quiz=world["quiz"])
    client_id = str(uuid.uuid4())
    response = client_in.post(
        reverse("assessments:offline_submit", args=[attempt.pk]),
        {"client_id": client_id, "elapsed_seconds": "²", "q1-choice": "x"},
    )
    assert response.status_code == 302
    row = SyncItem.objects.get(client_id=client_id)
    assert row.elapsed_seconds is None
