"""Every WhatsApp template a message names is written out in
docs/whatsapp-templates.md with the same number of parameters, so a
programme submits exactly what Sinau sends (a name Meta has not approved
makes every send on WhatsApp fail)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _documented() -> dict[str, int]:
    text = (ROOT / "docs" / "whatsapp-templates.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        found = re.match(r"\| `([a-z_]+)` \|[^|]*\| ([^|]*) \|", line)
        if found:
            rows[found.group(1)] = len(
                set(re.findall(r"\{\{(\d+)\}\}", found.group(2)))
            )
    return rows


def _used() -> dict[str, set[int]]:
    used: dict[str, set[int]] = {}
    for package in ("lms", "courses", "assessments", "content"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") == "Message"
                ):
                    continue
                words = {k.arg: k.value for k in node.keywords}
                name = words.get("template")
                params = words.get("params")
                if isinstance(name, ast.Constant) and isinstance(params, ast.Tuple):
                    used.setdefault(name.value, set()).add(len(params.elts))
    return used


def test_every_template_sent_is_documented_with_its_parameters():
    documented, used = _documented(), _used()
    assert used, "no Message(template=...) found: the walk is broken"
    for name, counts in used.items():
        assert name in documented, (
            f"{name} is sent but not in docs/whatsapp-templates.md"
        )
        assert counts == {documented[name]}, (name, counts, documented[name])
