"""The documentation stays short at the top and whole underneath: README.md is at
most 6 KB, every link in README.md and docs/ leads to a file (and heading) inside
the repository, and every decision record has a number of its own."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DECISIONS = DOCS / "decisions"
README_MAX_BYTES = 6 * 1024

FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\".*\")?\s*$", re.M)
AUTOLINK = re.compile(r"<([a-z][a-z0-9+.-]*:[^>\s]+)>", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
RECORD = re.compile(r"^(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def _prose(text: str) -> str:
    """`text` without fenced code blocks and code spans, where brackets are code."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def _links(path: Path) -> list[str]:
    text = _prose(path.read_text(encoding="utf-8"))
    return [
        *INLINE_LINK.findall(text),
        *REFERENCE_LINK.findall(text),
        *AUTOLINK.findall(text),
    ]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces
    to hyphens (links and code marks keep only their text)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        slug = _slug(heading)
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _link_problem(source: Path, target: str) -> str | None:
    """Why `target`, linked from `source`, does not lead inside the repository;
    None when it does."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
        return "not a file in the repository"
    if target.startswith(("/", "~", "\\")):
        return "an absolute path"
    address, _, anchor = target.partition("#")
    resolved = (source.parent / address).resolve() if address else source
    if not resolved.is_relative_to(ROOT):
        return "outside the repository"
    if not resolved.is_file():
        return "no such file"
    if anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
        return f"no heading #{anchor} in {resolved.relative_to(ROOT)}"
    return None


def test_readme_is_at_most_6_kb():
    size = len((ROOT / "README.md").read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes"


def test_docs_hold_the_reader_documents():
    names = {p.name for p in DOCS.glob("*.md")}
    assert names >= {
        "trainers.md",
        "managers.md",
        "operating.md",
        "benchmarks.md",
        "architecture.md",
    }


@pytest.mark.parametrize(
    "document", _documents(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_link_leads_to_a_file_in_the_repository(document):
    problems = [
        f"{target}: {problem}"
        for target in _links(document)
        if (problem := _link_problem(document, target))
    ]
    assert problems == []


@pytest.mark.parametrize(
    "document", _documents(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_document_points_outside_the_repository(document):
    text = document.read_text(encoding="utf-8")
    assert re.findall(r"\.\./shared|/work/|/home/|file://", text) == []


def test_the_link_checker_refuses_what_it_should():
    readme = ROOT / "README.md"
    assert _link_problem(readme, "docs/trainers.md") is None
    assert _link_problem(readme, "docs/trainers.md#number-reading") is None
    assert _link_problem(readme, "../shared/DESIGN.md") == "outside the repository"
    assert _link_problem(readme, "/etc/hostname") == "an absolute path"
    assert _link_problem(readme, "https://example.org/") is not None
    assert _link_problem(readme, "docs/nothing-here.md") == "no such file"
    assert _link_problem(readme, "docs/trainers.md#no-such-heading") is not None
    assert _links_in("[a](b.md) `[c](d.md)` [e][f]\n\n[f]: g.md\n") == ["b.md", "g.md"]


def _links_in(text: str) -> list[str]:
    prose = _prose(text)
    return [*INLINE_LINK.findall(prose), *REFERENCE_LINK.findall(prose)]


def test_every_decision_record_has_a_number_of_its_own():
    records = [p.name for p in DECISIONS.glob("*.md") if p.name != "README.md"]
    assert records, "docs/decisions/ holds no record"
    badly_named = [name for name in records if not RECORD.match(name)]
    assert badly_named == [], "records are named NNNN-short-title.md"
    numbers = [RECORD.match(name).group(1) for name in records]
    assert sorted(numbers) == sorted(set(numbers)), sorted(numbers)


def test_every_decision_record_has_its_sections_and_is_listed():
    index = (DECISIONS / "README.md").read_text(encoding="utf-8")
    for path in sorted(DECISIONS.glob("[0-9]*.md")):
        headings = HEADING.findall(path.read_text(encoding="utf-8"))
        assert headings[1:] == ["Context", "Decision", "Consequences"], path.name
        assert f"]({path.name})" in index, f"{path.name} is not in the index"
