"""Put in order: the trainee gives each item its position.

The items are Choice rows in the right order (`sort_order`). Snapshot:
"choices" in the order shown (always shuffled: the order is the question),
with no credit, and "correct_order": [ids] in the right order. Response:
{"order": [ids]}. Credit: all for exactly the right order."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, InlinePanel

from lms.common.http import whole_number
from lms.common.limits import SMALL_MAX

from ..errors import Refused
from .base import Kind, choice_ids_by_key, choice_rows, options, outcome_panel


class Ordering(Kind):
    value = "ordering"
    help_text = gettext_lazy("Put items in the right order.")
    error_field = "position-1"

    def panels(self) -> list:
        return [
            FieldPanel("points"),
            InlinePanel(
                "choices",
                label=gettext_lazy("Items, in the right order"),
                panels=[
                    FieldPanel("text"),
                    FieldPanel("image"),
                    FieldPanel("image_alt"),
                ],
            ),
            outcome_panel(),
        ]

    def rows_problems(self, rows: list[dict], cleaned: dict) -> list[str]:
        if len(rows) < 3:
            return [_("Give at least three items, in the right order.")]
        return []

    def snapshot(self, question, rows: list, *, shuffle_choices: bool, rng) -> dict:
        choices = choice_rows(rows)
        correct_order = [c["id"] for c in choices]
        rng.shuffle(choices)  # always shuffled: the order is the question
        for choice in choices:
            choice["correct"] = False
            choice["fraction"] = "0"
        return {"correct_order": correct_order, "choices": choices}

    def snapshot_corrected(self, snapshot: dict, question, rows: list) -> dict:
        """The right order as the bank has it now."""
        snapshot["correct_order"] = [c.pk for c in rows]
        return snapshot

    def form_context(self, snapshot: dict, response: dict) -> dict:
        return {
            "options": options(snapshot, response),
            "positions": range(1, len(snapshot.get("choices") or []) + 1),
        }

    def response_blank(self, snapshot: dict, data) -> bool:
        return not any(
            data.get(f"position-{c.get('key')}") for c in snapshot["choices"]
        )

    def response_parse(self, snapshot: dict, data) -> dict:
        positions = {
            cid: _position(data.get(f"position-{key}"))
            for key, cid in choice_ids_by_key(snapshot).items()
        }
        if sorted(positions.values(), key=lambda p: p or 0) != list(
            range(1, len(positions) + 1)
        ):
            raise Refused(
                _("Give every item a different position, from 1 to %(n)s.")
                % {"n": len(positions)}
            )
        return {"order": sorted(positions, key=lambda cid: positions[cid])}

    def credit(self, snapshot: dict, response: dict) -> Decimal:
        return Decimal(response.get("order") == snapshot["correct_order"])

    def answer_data(self, snapshot: dict, data, *, right: bool) -> None:
        order = snapshot["correct_order"] if right else snapshot["correct_order"][::-1]
        keys = {c["id"]: c["key"] for c in snapshot["choices"]}
        for position, choice_id in enumerate(order, 1):
            data[f"position-{keys[choice_id]}"] = str(position)


def _position(value) -> int | None:
    """A posted position: ASCII digits only (`lms.common.http.whole_number`)."""
    return whole_number(value, limit=SMALL_MAX)
