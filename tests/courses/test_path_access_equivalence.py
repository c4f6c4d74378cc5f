"""`_path_access` (courses/access.py) was rewritten to one pass over a page's
ancestors. Here it is compared, over random trees, with the rule as it was
written before (kept below as the reference): the same outcome, reason and
refusing restriction for every page, every request."""

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from wagtail.models import BaseViewRestriction

from courses.access import STEPLEN, Outcome, _path_access, _TreeRules


def _ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(2 * STEPLEN, len(path) + 1, STEPLEN)]


def _reference(request, path: str, rules: _TreeRules):
    """The rule before the one-pass rewrite (HEAD~1 of d9a1ca1)."""
    paths = _ancestor_paths(path)
    if any(p in rules.unpublished for p in paths):
        return Outcome.NOT_FOUND, "unpublished", None
    restrictions = [r for p in paths for r in rules.restrictions.get(p, ())]
    restrictions += [
        r
        for p in paths
        if p in rules.aliases
        for r in rules.restrictions.get(rules.aliases[p], ())
    ]
    for restriction in restrictions:
        if restriction.accept_request(request):
            continue
        if restriction.restriction_type == BaseViewRestriction.PASSWORD:
            return Outcome.PASSWORD, "password", restriction
        if not request.user.is_authenticated:
            return Outcome.LOGIN, "login", restriction
        return Outcome.FORBIDDEN, "groups", restriction
    return Outcome.ALLOW, "ok", None


class FakeRestriction:
    """Accepts or refuses by a fixed answer; identity is what is compared."""

    def __init__(self, n: int, kind: str, accepts: bool) -> None:
        self.n, self.restriction_type, self.accepts = n, kind, accepts

    def accept_request(self, request) -> bool:
        return self.accepts

    def __repr__(self) -> str:
        return f"R{self.n}({self.restriction_type}, {self.accepts})"


SEGMENTS = ["0001", "0002", "0003"]
paths_st = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4).map(
    lambda segs: "0001" + "".join(segs)
)
KINDS = [
    BaseViewRestriction.NONE,
    BaseViewRestriction.PASSWORD,
    BaseViewRestriction.GROUPS,
    BaseViewRestriction.LOGIN,
]


@st.composite
def trees(draw):
    pages = draw(st.lists(paths_st, min_size=1, max_size=12, unique=True))
    # every ancestor exists too
    every = sorted({a for p in pages for a in _ancestor_paths(p)})
    unpublished = frozenset(draw(st.sets(st.sampled_from(every), max_size=3)))
    restrictions = {}
    n = 0
    for p in draw(st.sets(st.sampled_from(every), max_size=5)):
        rs = []
        for _ in range(draw(st.integers(1, 2))):
            n += 1
            rs.append(
                FakeRestriction(n, draw(st.sampled_from(KINDS)), draw(st.booleans()))
            )
        restrictions[p] = tuple(rs)
    aliases = {
        p: draw(st.sampled_from(every))
        for p in draw(st.sets(st.sampled_from(every), max_size=3))
    }
    return every, _TreeRules(unpublished, aliases, restrictions)


@settings(max_examples=400, deadline=None)
@given(tree=trees(), signed_in=st.booleans())
def test_one_pass_rule_decides_as_before(tree, signed_in):
    every, rules = tree
    # A superuser skips the groups prefetch (no database needed); the fake
    # restrictions decide on their own.
    user = SimpleNamespace(is_authenticated=signed_in, is_superuser=True)
    request = SimpleNamespace(user=user)
    for path in every:
        assert _path_access(request, path, rules) == _reference(request, path, rules)
