"""Production refuses to start without the credential signing key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _import_production(**env) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SINAU_CREDENTIAL_", "DJANGO_"))
    }
    key = "sinau-test-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
    base.update(DJANGO_SECRET_KEY=key, DJANGO_ALLOWED_HOSTS="localhost", **env)
    return subprocess.run(
        [sys.executable, "-c", "import lms.settings.production"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_a_key_refuses_to_start():
    result = _import_production()
    assert result.returncode == 1
    assert "ImproperlyConfigured" in result.stderr
    assert "SINAU_CREDENTIAL_KEY" in result.stderr


def test_production_with_a_missing_key_file_refuses_to_start(tmp_path):
    result = _import_production(SINAU_CREDENTIAL_KEY_FILE=str(tmp_path / "no.pem"))
    assert result.returncode == 1
    assert "ImproperlyConfigured" in result.stderr


def test_production_starts_with_a_key_file(tmp_path):
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\n", encoding="ascii")
    result = _import_production(SINAU_CREDENTIAL_KEY_FILE=str(key))
    assert result.returncode == 0, result.stderr


def test_production_starts_with_a_key_in_the_environment():
    result = _import_production(
        SINAU_CREDENTIAL_KEY="z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
    )
    assert result.returncode == 0, result.stderr
