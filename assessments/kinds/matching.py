"""Matching: match each item to an answer from one list.

The pairs are Choice rows: `text` (HTML) is the item, `match_text`
(plain) its answer; a row with no item is an extra (wrong) answer.
Snapshot: "choices": [{"id": 9, "key": ..., "text": item, "match":
answer}] and "options": [{"key": "5e6f7a8b", "text": answer}], the answers
shuffled and keyed, so neither their order nor their values say which
item they belong to. Response: {"pairs": {"<item id>": "<answer text>",
...}}. Credit: proportional, one equal share per item matched right (no
penalty for a wrong pair)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, InlinePanel

from ..errors import Refused
from ..rich_text import html_to_text
from .base import Kind, outcome_panel


class Matching(Kind):
    value = "matching"
    help_text = gettext_lazy("Match each item to an answer from a list.")

    def panels(self) -> list:
        return [
            FieldPanel("points"),
            InlinePanel(
                "choices",
                label=gettext_lazy(
                    "Pairs (leave the item empty for an extra wrong answer)"
                ),
                panels=[FieldPanel("text"), FieldPanel("match_text")],
            ),
            FieldPanel("keep_choice_order"),
            outcome_panel(),
        ]

    def rows_problems(self, rows: list[dict], cleaned: dict) -> list[str]:
        if any(not (r.get("match_text") or "").strip() for r in rows):
            return [_("Give every item its matching answer.")]
        items = [r for r in rows if html_to_text(r.get("text") or "")]
        if len(items) < 2:
            return [_("Give at least two items with their matching answers.")]
        return []

    def snapshot(self, question, rows: list, *, shuffle_choices: bool, rng) -> dict:
        items = [
            {"id": c.pk, "text": c.text, "match": c.match_text}
            for c in rows
            if html_to_text(c.text) and c.match_text.strip()
        ]
        if shuffle_choices and not question.keep_choice_order:
            rng.shuffle(items)
        answers = list(dict.fromkeys(c.match_text for c in rows if c.match_text))
        rng.shuffle(answers)  # always: the order must not follow the items
        return {"choices": items, "options": [{"text": text} for text in answers]}

    def snapshot_corrected(self, snapshot: dict, question, rows: list) -> dict:
        """Each item's answer as the bank has it now."""
        match = {c.pk: c.match_text for c in rows}
        snapshot["choices"] = [
            {**c, "match": match.get(c["id"], c["match"])} for c in snapshot["choices"]
        ]
        return snapshot

    def form_context(self, snapshot: dict, response: dict) -> dict:
        """Each item with its opaque field key and the opaque key of the
        answer the trainee saved for it (one select per item, every select
        offering all answers)."""
        pairs = response.get("pairs") or {}
        key_of = {o["text"]: o["key"] for o in snapshot.get("options") or []}
        return {
            "matches": [
                {
                    "key": c["key"],
                    "text": c["text"],
                    "selected": key_of.get(pairs.get(str(c["id"]), "")),
                }
                for c in snapshot["choices"]
            ]
        }

    def response_blank(self, snapshot: dict, data) -> bool:
        return not any(data.get(f"match-{c.get('key')}") for c in snapshot["choices"])

    def response_parse(self, snapshot: dict, data) -> dict:
        options = {o["key"]: o["text"] for o in snapshot.get("options") or []}
        pairs = {}
        for item in snapshot["choices"]:
            value = data.get(f"match-{item['key']}") or ""
            if not value:
                continue
            if value not in options:
                raise Refused(_("Choose an answer from the list for each item."))
            pairs[str(item["id"])] = options[value]
        if not pairs:
            raise Refused(_("Choose an answer from the list for each item."))
        return {"pairs": pairs}

    def credit(self, snapshot: dict, response: dict) -> Decimal:
        items = snapshot["choices"]
        if not items:
            return Decimal(0)
        pairs = response.get("pairs") or {}
        right = sum(1 for item in items if pairs.get(str(item["id"])) == item["match"])
        return Decimal(right) / Decimal(len(items))

    def answer_data(self, snapshot: dict, data, *, right: bool) -> None:
        keys = {o["text"]: o["key"] for o in snapshot["options"]}
        wrong = next(iter(keys.values()))
        for item in snapshot["choices"]:
            data[f"match-{item['key']}"] = keys[item["match"]] if right else wrong
