"""Profile one signed-in page on the in-process request path (Django's WSGI
handler with every middleware, as gunicorn calls it), with cProfile.

    DATABASE_URL=sqlite:////tmp/sinau-bench-read-XXX/bench.sqlite3 \\
      .venv/bin/python -m tests.bench.profile /belajarku/ [-n 300] [--tree]

Uses a database a `read` bench left behind (its folder is printed), signs in
the demo trainee and prints the top functions and the mean time per request."""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=45)
    parser.add_argument("--email", default="peserta@sinau.local")
    parser.add_argument(
        "--tree", action="store_true", help="pyinstrument's call tree instead"
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from lms.accounts.models import User
    from tests.bench.common import signed_in

    cookie, _csrf = signed_in(User.objects.get(email=args.email))
    handler = WSGIHandler()

    def once() -> int:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": args.path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "wsgi.input": io.BytesIO(),
            "wsgi.url_scheme": "http",
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        statuses = []
        body = b"".join(handler(environ, lambda s, h: statuses.append(s)))
        assert statuses[0].startswith("200"), statuses
        return len(body)

    for _ in range(20):
        once()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        once()
    plain = (time.perf_counter() - started) / args.n
    cpu = (time.process_time() - cpu) / args.n
    print(
        f"{args.path}: {plain * 1000:.2f} ms per request without the profiler"
        f" ({cpu * 1000:.2f} ms CPU in this process)"
    )
    if args.tree:
        from pyinstrument import Profiler

        tree = Profiler(interval=0.0002)
        tree.start()
        for _ in range(args.n):
            once()
        tree.stop()
        print(tree.output_text(unicode=False, color=False, show_all=False))
        return
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(args.n):
        once()
    profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.limit)


if __name__ == "__main__":
    main()
