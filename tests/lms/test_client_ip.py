"""One client-address function (`lms.common.http.client_ip`) for every limit: the
password throttle, allauth's own limits and the certificate verify page all
count the client the configured proxy reports, and nothing else reads the
address itself."""

import ast
import re
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory, override_settings
from django.urls import reverse

from lms.common.http import client_ip, client_network

ROOT = Path(__file__).resolve().parents[2]
PROXY = "172.18.0.5"


def _request(remote=PROXY, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


@pytest.mark.django_db
@override_settings(SINAU_TRUSTED_PROXY_COUNT=1, SINAU_VERIFY_RATE_PER_MINUTE=30)
def test_32_clients_behind_the_proxy_are_not_throttled_as_one(client):
    url = reverse("certificates:verify_code")
    statuses = [
        client.get(
            url,
            {"code": "ACDE-FGHJ-KMNP"},
            REMOTE_ADDR=PROXY,
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(1, 33)
    ]
    assert statuses == [404] * 32  # no such certificate; never 429


@pytest.mark.django_db
@override_settings(
    SINAU_TRUSTED_CLIENT_IP_HEADER="X-Real-IP", SINAU_VERIFY_RATE_PER_MINUTE=30
)
def test_32_clients_behind_a_proxy_that_sets_a_header_are_told_apart(client):
    url = reverse("certificates:verify_code")
    statuses = [
        client.get(
            url,
            {"code": "ACDE-FGHJ-KMNP"},
            REMOTE_ADDR=PROXY,
            headers={"X-Real-IP": f"203.0.113.{n}"},
        ).status_code
        for n in range(1, 33)
    ]
    assert 429 not in statuses


@pytest.mark.django_db
@override_settings(SINAU_VERIFY_RATE_PER_MINUTE=30)
def test_without_a_proxy_a_forged_forwarded_for_is_ignored(client):
    url = reverse("certificates:verify_code")
    statuses = [
        client.get(
            url,
            {"code": "ACDE-FGHJ-KMNP"},
            REMOTE_ADDR="198.51.100.4",
            headers={"X-Forwarded-For": f"203.0.113.{n}", "X-Real-IP": "1.2.3.4"},
        ).status_code
        for n in range(1, 33)
    ]
    assert statuses == [404] * 30 + [429] * 2


@pytest.mark.parametrize(
    ("settings_", "remote", "headers", "expected"),
    [
        ({}, "198.51.100.4", {"X-Forwarded-For": "1.1.1.1"}, "198.51.100.4"),
        ({"SINAU_TRUSTED_PROXY_COUNT": 1}, PROXY, {}, PROXY),
        (
            {"SINAU_TRUSTED_PROXY_COUNT": 1},
            PROXY,
            {"X-Forwarded-For": "6.6.6.6, 203.0.113.7"},
            "203.0.113.7",
        ),
        (
            {"SINAU_TRUSTED_PROXY_COUNT": 2},
            PROXY,
            {"X-Forwarded-For": "6.6.6.6, 203.0.113.7, 10.0.0.2"},
            "203.0.113.7",
        ),
        # Fewer entries than proxies (a request that bypassed one): no 500.
        (
            {"SINAU_TRUSTED_PROXY_COUNT": 2},
            PROXY,
            {"X-Forwarded-For": "1.1.1.1"},
            PROXY,
        ),
        (
            {"SINAU_TRUSTED_PROXY_COUNT": 1},
            PROXY,
            {"X-Forwarded-For": "bukan-ip"},
            PROXY,
        ),
        (
            {"SINAU_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"},
            PROXY,
            {"X-Real-IP": "2001:db8::7", "X-Forwarded-For": "1.1.1.1"},
            "2001:db8::7",
        ),
        ({"SINAU_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, PROXY, {}, PROXY),
        ({}, "[2001:DB8::1]:443", {}, "2001:db8::1"),
    ],
)
def test_client_ip(settings, settings_, remote, headers, expected):
    for name, value in settings_.items():
        setattr(settings, name, value)
    assert client_ip(_request(remote, **headers)) == expected


def test_an_ipv6_client_is_counted_per_64_network():
    assert client_network(_request("2001:db8:1:2:aaaa::9")) == "2001:db8:1:2::"
    assert client_network(_request("198.51.100.4")) == "198.51.100.4"
    assert client_ip(None) is None


@override_settings(SINAU_TRUSTED_PROXY_COUNT=1)
def test_allauths_limits_count_the_same_client():
    request = _request(PROXY, **{"X-Forwarded-For": "203.0.113.7"})
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"


# --- the kind: nothing else reads the client's address ----------------------

PACKAGES = ("lms", "content", "courses", "assessments")
ADDRESS_READS = re.compile(
    r"REMOTE_ADDR|X[-_]FORWARDED[-_]FOR|X[-_]REAL[-_]IP|FORWARDED\b|"
    r"get_client_ip|ipware",
    re.I,
)
ONE_FUNCTION = ROOT / "lms" / "common" / "http.py"


def _code_strings(path: Path):
    """Every string constant and name in `path`, with its line number
    (comments and docstrings saying where addresses come from are fine)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        )
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.lineno, node.value
        elif isinstance(node, ast.Name):
            yield node.lineno, node.id
        elif isinstance(node, ast.Attribute):
            yield node.lineno, node.attr
        elif isinstance(node, ast.ImportFrom):
            yield (
                node.lineno,
                " ".join([node.module or "", *(a.name for a in node.names)]),
            )


def test_no_limit_reads_the_client_address_itself():
    """A new limit that reads `REMOTE_ADDR` or a forwarded header, or asks
    allauth for the address, fails here: use `lms.common.http.client_ip`."""
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ONE_FUNCTION or "migrations" in path.parts:
                continue
            for line, text in _code_strings(path):
                if ADDRESS_READS.search(text) and text != "get_client_ip":
                    offenders.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert offenders == []


def test_the_walk_finds_a_direct_read(tmp_path):
    sample = tmp_path / "limit.py"
    sample.write_text('def key(request):\n    return request.META["REMOTE_ADDR"]\n')
    assert [t for _l, t in _code_strings(sample) if ADDRESS_READS.search(t)] == [
        "REMOTE_ADDR"
    ]
