"""Benchmarks (`make bench`), reported as ratios, latencies and query counts
rather than timed tests. The load comes from wrk (Debian's `wrk`; installed
with apt-get when run as root, otherwise the bench says how to install it).
Not part of `make test` or CI.

    .venv/bin/python -m tests.bench                all parts, as below
    .venv/bin/python -m tests.bench read           read pages vs the bare view
    .venv/bin/python -m tests.bench write          300 trainees answer a quiz
    .venv/bin/python -m tests.bench scale          100,000 trainees, 2M completions
    .venv/bin/python -m tests.bench tasks          practical tasks: upload, submit p95
    .venv/bin/python -m tests.bench offline        saving a module (bytes), sync p95

`read` runs on SQLite unless DATABASE_URL is set; `write` and `scale` need
PostgreSQL and Redis (DATABASE_URL, REDIS_URL). With no part named, the
bench runs `read` on SQLite, then `read`, `write`, `scale`, `tasks` and `offline` on
BENCH_DATABASE_URL / BENCH_REDIS_URL (default: the database sinau_bench and
Redis db 14 on 127.0.0.1, both recreated/flushed). Each part exits non-zero
when a budget is missed, and so does the whole run."""

import os
import subprocess
import sys

from .common import PYTHON, ROOT

PARTS = ("read", "write", "scale", "tasks", "offline")


def _part(name: str, **env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [PYTHON, "-m", f"tests.bench.{name}"], cwd=ROOT, env={**clean, **env}
    ).returncode


def main(argv: list[str]) -> int:
    if argv:
        unknown = [a for a in argv if a not in PARTS]
        if unknown:
            sys.exit(f"unknown part {unknown[0]!r}; parts: {', '.join(PARTS)}")
        codes = [
            subprocess.run([PYTHON, "-m", f"tests.bench.{a}"], cwd=ROOT).returncode
            for a in argv
        ]
        return max(codes)
    pg = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sinau_bench"
    )
    redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    codes = {
        "read (SQLite)": _part("read"),
        "read (PostgreSQL + Redis)": _part("read", DATABASE_URL=pg, REDIS_URL=redis),
        "write (PostgreSQL + Redis)": _part("write", DATABASE_URL=pg, REDIS_URL=redis),
        "scale (PostgreSQL + Redis)": _part("scale", DATABASE_URL=pg, REDIS_URL=redis),
        "tasks (PostgreSQL + Redis)": _part("tasks", DATABASE_URL=pg, REDIS_URL=redis),
        "offline (PostgreSQL + Redis)": _part(
            "offline", DATABASE_URL=pg, REDIS_URL=redis
        ),
    }
    print("\n## Summary")
    for name, code in codes.items():
        print(f"  {name:28} {'ok' if code == 0 else 'BUDGET MISSED or FAILED'}")
    return 0 if not any(codes.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
