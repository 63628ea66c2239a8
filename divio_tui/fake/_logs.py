"""Invented log text: deployment logs and environment runtime logs, generated on demand.

Logs are not stored in the dataset (at scale large that would be tens of MB nobody reads);
they are derived from the seed and the record's uuid, so the same request always gets the
same text. Both deliberately contain ANSI escape sequences (`\\x1b[31m`, `\\x1b[6n`, `\\x1b[H`,
`\\x1b[J`) and carriage returns, as real Divio logs do (divio-api.md §8.3, CLI strips them).

Contracts:
- `deployment_log(seed, deployment, app_slug, env)` -> the whole log as one str. Finished
  deployments end with a success or failure line; a running one stops mid-way.
- `environment_log(seed, now, env_uuid)` -> entries `{"timestamp", "service", "message"}` for
  the 24 hours before `now`, oldest first; timestamps carry a 9-digit fraction (real log
  entries have longer fractions than DRF's microseconds). `service` is one of web, worker,
  cronjob, shell (the values the CLI knows).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ._util import Record, ts_nanos

_RED, _GREEN, _YELLOW, _BOLD, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[1m", "\x1b[0m"
_PATHS = ("/", "/en/", "/en/products/", "/en/products/blue-kettle/", "/en/cart/", "/en/checkout/",
          "/static/css/main.4f1c.css", "/static/js/app.93ab.js", "/media/filer_public/hero.jpg",
          "/api/v1/stock/", "/en/about/", "/sitemap.xml", "/robots.txt", "/healthz")
_AGENTS = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
           "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/132.0",
           "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
           "kube-probe/1.29", "python-requests/2.32.3")
_TASKS = ("shop.tasks.sync_stock", "newsletter.tasks.send_digest", "search.tasks.reindex_page",
          "core.tasks.cleanup_uploads")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def deployment_log(seed: int, deployment: Record, app_slug: str, env: Record) -> str:
    """The build + release log of one deployment (see module docstring)."""
    rng = random.Random(f"divio-fake:{seed}:deploylog:{deployment['uuid']}")
    commit = f"{rng.getrandbits(28):07x}"
    image = f"{rng.getrandbits(48):012x}"
    lines = [
        f"Deploying {app_slug} ({env['slug']}) from branch {env['branch']}, commit {commit}",
        f"{_BOLD}Building image{_RESET}",
        "Step 1/9 : FROM docker.io/divio/base:2.3-py3.11-slim-bookworm",
        f" ---> {rng.getrandbits(48):012x}",
        "Step 2/9 : ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1",
        "Step 3/9 : WORKDIR /app",
        "Step 4/9 : COPY requirements.txt /app/",
        "Step 5/9 : RUN pip install -r requirements.txt",
        f" ---> Running in {rng.getrandbits(48):012x}",
        "Collecting Django==4.2.16",
        "Collecting django-storages[s3]==1.14.4",
        "Collecting gunicorn==22.0.0",
    ]
    failed = deployment["success"] is False
    running = deployment["ended_at"] is None
    if failed and rng.random() < 0.5:
        lines += [(f"{_RED}ERROR: Could not find a version that satisfies the requirement "
                  f"django-cms==5.1.0 (from versions: 3.11.6, 4.1.2){_RESET}"),
                  f"{_RED}ERROR: No matching distribution found for django-cms==5.1.0{_RESET}",
                  "The command '/bin/sh -c pip install -r requirements.txt' returned a non-zero code: 1",
                  f"{_RED}Build failed{_RESET}"]
        return "\n".join(lines) + "\n"
    lines += [
        "Successfully installed Django-4.2.16 asgiref-3.8.1 boto3-1.35.36 gunicorn-22.0.0 sqlparse-0.5.1",
        "Step 6/9 : COPY . /app",
        "Step 7/9 : RUN DJANGO_MODE=build python manage.py collectstatic --noinput",
        f"{rng.randint(300, 2500)} static files copied to '/app/static_collected'.",
        "Step 8/9 : EXPOSE 80",
        'Step 9/9 : CMD ["gunicorn", "--bind=0.0.0.0:80", "wsgi"]',
        f"Successfully built {image}",
        "Pushing image   0%\rPushing image  48%\rPushing image 100%",
        f"{_GREEN}Image built in {rng.randint(40, 240)}s{_RESET}",
    ]
    if running:
        lines.append("Running release commands")
        return "\n".join(lines) + "\n"
    lines += ["Running release commands", "$ python manage.py migrate", "Operations to perform:",
              "  Apply all migrations: admin, auth, contenttypes, sessions, shop"]
    if failed:
        lines += ["Running migrations:", "  Applying shop.0042_product_sku_unique...",
                  (f"{_RED}django.db.utils.IntegrityError: could not create unique index "
                  f"\"shop_product_sku_key\"{_RESET}"), "DETAIL:  Key (sku)=(KT-1001) is duplicated.",
                  f"{_RED}Release command failed with exit code 1{_RESET}",
                  f"{_RED}Deployment failed{_RESET}"]
    else:
        lines += ["Running migrations:", "  No migrations to apply.",
                  "Starting new containers (2 of 2 healthy)",
                  f"{_GREEN}Deployment successful{_RESET}"]
    return "\n".join(lines) + "\n"


def _web(rng: random.Random, when: datetime) -> list[tuple[str, str]]:
    status = rng.choices((200, 301, 304, 404, 500), (80, 5, 8, 6, 1))[0]
    path = rng.choice(_PATHS)
    stamp = f"{when.day:02d}/{_MONTHS[when.month - 1]}/{when.year}:{when.strftime('%H:%M:%S')} +0000"
    line = (f'10.0.{rng.randint(0, 40)}.{rng.randint(2, 250)} - - [{stamp}] "'
            f'{rng.choice(("GET", "GET", "GET", "POST"))} {path} HTTP/1.1" {status} '
            f'{rng.randint(0, 90000)} "-" "{rng.choice(_AGENTS)}"')
    out = [("web", line)]
    if status == 500:
        out.append(("web", f"{_RED}ERROR{_RESET} django.request: Internal Server Error: {path}"))
        out.append(("web", ("Traceback (most recent call last):\n  File \"/app/shop/views.py\", line 88, "
                           "in checkout\n    order = Order.objects.get(pk=pk)\nshop.models.Order.DoesNotExist")))
    return out


def _other(rng: random.Random, service: str, when: datetime) -> list[tuple[str, str]]:
    if service == "worker":
        task = rng.choice(_TASKS)
        if rng.random() < 0.05:
            return [("worker", (f"[{when.strftime('%Y-%m-%d %H:%M:%S')},{when.microsecond // 1000:03d}: "
                               f"{_YELLOW}WARNING{_RESET}/ForkPoolWorker-{rng.randint(1, 4)}] {task} retrying "
                               f"in 60s: ConnectionError('Connection reset by peer')"))]
        return [("worker", (f"[{when.strftime('%Y-%m-%d %H:%M:%S')},{when.microsecond // 1000:03d}: INFO/"
                           f"ForkPoolWorker-{rng.randint(1, 4)}] Task {task}[{rng.getrandbits(32):08x}] "
                           f"succeeded in {rng.uniform(0.01, 4):.2f}s: None"))]
    if service == "cronjob":
        return [("cronjob", 'Running "python manage.py clearsessions"'),
                ("cronjob", "Cron job finished with exit code 0")]
    # An interactive shell session: the raw terminal control sequences end up in the log.
    return [("shell", (f"\x1b[6n\x1b[H\x1b[Jroot@web-{rng.getrandbits(20):05x}:/app# "
                      f"python manage.py shell\r")),
            ("shell", "Python 3.11.10 (main) [GCC 12.2.0] on linux\r\n>>> \x1b[K")]


def environment_log(seed: int, now: datetime, env_uuid: str) -> list[Record]:
    """Runtime log entries of one environment for the day before `now`, oldest first."""
    rng = random.Random(f"divio-fake:{seed}:envlog:{env_uuid}")
    count = rng.randint(250, 450)
    start = now - timedelta(days=1)
    moments = sorted(rng.randrange(86_400_000_000) for _ in range(count))
    entries: list[Record] = []
    boot = start + timedelta(microseconds=moments[0]) - timedelta(seconds=30)
    for message in ("[1] [INFO] Starting gunicorn 22.0.0", "[1] [INFO] Listening at: http://0.0.0.0:80 (1)",
                    "[7] [INFO] Booting worker with pid: 7", f"{_YELLOW}WARNING{_RESET} Not Found: /favicon.ico"):
        boot += timedelta(milliseconds=rng.randint(5, 400))
        nanos = boot.microsecond * 1000 + rng.randint(0, 999)
        entries.append({"timestamp": ts_nanos(boot.replace(microsecond=0), nanos),
                        "service": "web", "message": message})
    for micros in moments:
        when = start + timedelta(microseconds=micros)
        service = rng.choices(("web", "worker", "cronjob", "shell"), (80, 12, 6, 2))[0]
        produced = _web(rng, when) if service == "web" else _other(rng, service, when)
        for offset, (svc, message) in enumerate(produced):
            at = when + timedelta(microseconds=offset * 1500)
            nanos = at.microsecond * 1000 + rng.randint(0, 999)
            entries.append({"timestamp": ts_nanos(at.replace(microsecond=0), nanos), "service": svc,
                            "message": message})
    # Multi-line events are spread 1.5 ms apart and may overtake the next event; fixed-width
    # timestamps sort correctly as strings.
    entries.sort(key=lambda entry: entry["timestamp"])
    return entries
