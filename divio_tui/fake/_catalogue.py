"""The fake's cast: organisations, applications, regions and services per scale (all invented).

Everything here is invented demo material. Contracts the rest of the fake relies on:
- `app_specs(scale, seed)` returns `(orgs, apps)` in creation order. Slugs are unique.
- Scale "demo" is the hand-written `DEMO_ORGS`/`DEMO_APPS` (3 organisations, 15 applications)
  plus `DEMO_APPS_ADDED` (4 more applications of "Tiny Robots", carrying the cases added for
  backup health, compare, env-var snapshots and hostile logs); "tiny" is the "Tiny Robots"
  organisation with its 2 original applications; "large" is the demo cast plus `LARGE_ORGS`
  with synthetic applications (1,200 of them), shorter backup history each; "huge" is the demo
  cast plus `HUGE_ORG` with `HUGE_APPS` (5,000) applications of 2 days of history each.
- `SPECIAL_ENVS[scale]` names the (application slug, environment slug) pairs that carry the
  hand-placed edge cases (running backup, newest backup failed, running deployment, ...).
- The `EnvSpec` fields after `analytics_db` (extra instances, domains, variables, bulk
  variables, env-var history) are empty for every environment that existed before them, and
  the generator draws nothing for them when empty, so adding cases never moves old data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    key: str
    name: str
    domain_code: str  # used in the invented default domains: <slug>.<code>.aldryn.io
    cloud_region: str  # used in the invented storage DSNs


REGIONS: tuple[Region, ...] = (
    Region("fra", "Frankfurt (eu-central-1)", "eu", "eu-central-1"),
    Region("lon", "London (eu-west-2)", "uk", "eu-west-2"),
    Region("nyc", "New York (us-east-1)", "us", "us-east-1"),
)

# (identifier, name, type, description): one service of each per region. Identifiers are
# INFERRED from the CLI wizard ("postgres-15" shape); that a service has a name, a type and a
# description is INFERRED from divio-cli 4.0.5's `services list`, which prints those fields;
# the values are invented.
SERVICES: tuple[tuple[str, str, str, str], ...] = (
    ("postgres-13", "PostgreSQL 13", "DATABASE", "Managed PostgreSQL 13 database"),
    ("postgres-15", "PostgreSQL 15", "DATABASE", "Managed PostgreSQL 15 database"),
    ("postgres-16", "PostgreSQL 16", "DATABASE", "Managed PostgreSQL 16 database"),
    ("mysql-8.0", "MySQL 8.0", "DATABASE", "Managed MySQL 8.0 database"),
    ("s3", "S3 object storage", "STORAGE", "S3-compatible object storage for media files"),
)


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    age_days: int
    mail_domain: str
    people: tuple[str, ...]  # local parts of deployment authors' e-mail addresses


@dataclass(frozen=True)
class ExtraInstance:
    """A service instance beyond DEFAULT DATABASE + DEFAULT STORAGE (+ ANALYTICS). Invented.

    `backed_up=False`: the instance is never part of any backup (INFERRED story: it was added
    after the backup schedule was set up, and the schedule names its services).
    """

    prefix: str
    type: str  # "DATABASE" | "STORAGE"
    service: str  # identifier in SERVICES
    backed_up: bool = True


@dataclass(frozen=True)
class VarSpec:
    """An application environment variable of one environment (invented names and values).

    The value is `value` followed by `secret` random characters, drawn from an RNG keyed by
    application + name when `shared` (so test and live hold the *same* secret) and by
    application + environment + name otherwise. A VarSpec whose name is one of the
    application's bulk variables replaces that variable's value on this environment.
    """

    name: str
    value: str
    sensitive: bool = False
    secret: int = 0
    shared: bool = False


@dataclass(frozen=True)
class VarChange:
    """How one deployment's env-var snapshot differs from the deployment before it (invented).

    `deploys_ago` 0 is the newest deployment of the environment. `op`: "added" (the variable
    first appears in that deployment), "removed" (it was there before and is gone from that
    deployment on), "changed" (it had `old_value` [+ `old_secret` random chars] before).
    Today's variables are the newest deployment's snapshot; older snapshots undo the changes.
    """

    deploys_ago: int
    op: str  # "added" | "removed" | "changed"
    name: str
    old_value: str = ""
    old_secret: int = 0


@dataclass(frozen=True)
class EnvSpec:
    slug: str
    branch: str
    deployed: bool = True  # False: created, never deployed (no deployments/backups, SIs "NEW")
    analytics_db: bool = False  # an extra DATABASE service instance with prefix "ANALYTICS"
    # Hand-placed material (empty for every environment that existed before them):
    extra_instances: tuple[ExtraInstance, ...] = ()
    extra_domains: tuple[str, ...] = ()  # non-primary domains after the default one
    extra_vars: tuple[VarSpec, ...] = ()
    bulk_vars: int = 0  # synthetic application variables (same names and values on every env)
    drop_vars: tuple[str, ...] = ()  # bulk variables this environment does not have
    var_history: tuple[VarChange, ...] = ()  # env-var snapshots of its deployments


@dataclass(frozen=True)
class AppSpec:
    org: str
    slug: str
    name: str
    envs: tuple[EnvSpec, ...]
    db: str = "postgres-15"
    region: str = "fra"
    repo: str | None = "github"  # None = Divio-hosted git; "invalid" = a repository in INVALID state
    custom_domain: str | None = None
    age_days: int = 700
    history_days: int = 60  # days of daily scheduled backups
    deploys: tuple[int, int] = (8, 20)
    manual_backups: tuple[int, int] = (1, 4)
    patches: int = 0
    sentry: bool = True  # a SENTRY_DSN environment variable


def _tl(test: str = "develop", live: str = "main", *extra: EnvSpec) -> tuple[EnvSpec, ...]:
    """test + live environments (creation order), then extras."""
    return (EnvSpec("test", test), EnvSpec("live", live), *extra)


DEMO_ORGS: tuple[OrgSpec, ...] = (
    OrgSpec("northwind", "Northwind Digital", 2600, "northwind.digital",
            ("alex.morgan", "priya.nair", "jonas.weber", "deploy-bot")),
    OrgSpec("globex", "Globex Corporation", 1900, "globex.example",
            ("m.chen", "s.okafor", "ci")),
    OrgSpec("tinyrobots", "Tiny Robots", 420, "tinyrobots.dev", ("kim", "lou")),
)

DEMO_APPS: tuple[AppSpec, ...] = (
    AppSpec("northwind", "acme-shop", "ACME Shop",
            _tl("develop", "main", EnvSpec("staging", "release")), custom_domain="shop.acme.example",
            age_days=1400, patches=2),
    AppSpec("northwind", "acme-intranet", "ACME Intranet", _tl("main", "main"), repo=None,
            age_days=1100),
    AppSpec("northwind", "bellweather-blog", "Bellweather Blog", _tl(), db="mysql-8.0",
            custom_domain="bellweather.example", age_days=950),
    AppSpec("northwind", "harbour-museum", "Harbour Museum",
            _tl("develop", "main", EnvSpec("dev", "feature/new-collection")),
            custom_domain="harbourmuseum.example", age_days=800),
    AppSpec("northwind", "greenleaf-bakery", "Greenleaf Bakery", _tl(), region="lon",
            custom_domain="greenleaf-bakery.example", age_days=600, repo="gitlab"),
    AppSpec("northwind", "orbit-conf-2026", "Orbit Conference 2026",
            _tl("develop", "main", EnvSpec("staging", "develop", deployed=False)),
            age_days=200, custom_domain="orbitconf.example"),
    # Adversarial on purpose: an honest UI shows the brackets literally (no Rich markup).
    AppSpec("northwind", "legacy-cms", "Legacy [bold]CMS[/bold]", _tl("master", "master"),
            db="mysql-8.0", repo="invalid", age_days=2500, deploys=(3, 6), sentry=False),
    AppSpec("northwind", "nordic-tours", "Nordic Tours", _tl(), region="nyc", age_days=500,
            repo="bitbucket"),
    AppSpec("globex", "globex-website", "Globex Website",
            _tl("develop", "main", EnvSpec("staging", "develop")), custom_domain="www.globex.example",
            age_days=1800, patches=1),
    AppSpec("globex", "globex-api", "Globex API",
            (EnvSpec("test", "develop"), EnvSpec("live", "main", analytics_db=True),
             EnvSpec("dev", "develop")), db="postgres-16", custom_domain="api.globex.example",
            age_days=1500),
    AppSpec("globex", "globex-careers", "Globex Careers", _tl(), db="postgres-13", age_days=1300,
            repo=None),
    AppSpec("globex", "globex-docs", "Globex Docs", _tl("main", "main"), age_days=900),
    AppSpec("globex", "globex-status", "Globex Status Page", _tl("main", "main"), region="nyc",
            custom_domain="status.globex.example", age_days=700),
    AppSpec("tinyrobots", "tinyrobots-app", "Tiny Robots App",
            _tl("develop", "main", EnvSpec("dev", "develop")), age_days=400, repo="github"),
    AppSpec("tinyrobots", "tinyrobots-landing", "Tiny Robots Landing", _tl("main", "master"),
            age_days=380, repo=None, sentry=False),
)

# Applications added to the demo cast for the hand-placed cases of later features (backup
# health, compare, deployment env-var snapshots, hostile logs). They join the existing "Tiny
# Robots" organisation (so the organisation list stays as it was) and come after its two
# applications; each has its own RNG streams, so nothing that existed before them changed
# (tests/fake/test_dataset_stable.py pins that). Names, values and stories are invented.
_PIP_INDEX = "https://pypi.tinyrobots.dev/simple/"
_MAPBOX = VarSpec("MAPBOX_TOKEN", "pk.", sensitive=True, secret=60, shared=True)  # same on both
_TIMESCALE = VarSpec("TIMESCALE_LICENSE_KEY", "tsl-", sensitive=True, secret=32, shared=True)
DEMO_APPS_ADDED: tuple[AppSpec, ...] = (
    # Compare test/live, telling differences (besides the expected STAGE/DOMAIN/DSN/SECRET_KEY
    # ones): DEBUG_TOOLBAR only on test, CDN_URL only on live, WORKERS/FEATURE_FLAGS/
    # PIP_INDEX_URL changed, STRIPE_SECRET_KEY sensitive and different, MAPBOX_TOKEN sensitive
    # and equal, branch release/2.4 vs main, an ANALYTICS database only on live, domains
    # {default, fleet-preview.tinyrobots.dev} vs {fleet.tinyrobots.dev, default}.
    # live: its deployments' env-var snapshots change from deploy to deploy, the newest one
    # failed (build log: pip cannot reach the mistyped PIP_INDEX_URL).
    AppSpec("tinyrobots", "tinyrobots-fleet", "Fleet Control", (
        EnvSpec("test", "release/2.4", extra_domains=("fleet-preview.tinyrobots.dev",),
                extra_vars=(_MAPBOX,
                            VarSpec("PIP_INDEX_URL", _PIP_INDEX),
                            VarSpec("DEBUG_TOOLBAR", "true"),
                            VarSpec("WORKERS", "2"),
                            VarSpec("FEATURE_FLAGS", "route-planner,beta-dashboard"),
                            VarSpec("STRIPE_SECRET_KEY", "sk_test_", sensitive=True, secret=24))),
        EnvSpec("live", "main", analytics_db=True,
                extra_vars=(_MAPBOX,
                            VarSpec("PIP_INDEX_URL", "https://pypi.tinyrobots.dev/simpel/"),
                            VarSpec("CDN_URL", "https://cdn.fleet.tinyrobots.dev"),
                            VarSpec("WORKERS", "8"),
                            VarSpec("FEATURE_FLAGS", "route-planner"),
                            VarSpec("ROUTE_PLANNER_ENABLED", "true"),
                            VarSpec("STRIPE_SECRET_KEY", "sk_live_", sensitive=True, secret=24)),
                var_history=(
                    # newest (failed): the index URL mistyped, a flag added, a URL removed
                    VarChange(0, "changed", "PIP_INDEX_URL", _PIP_INDEX),
                    VarChange(0, "added", "ROUTE_PLANNER_ENABLED"),
                    VarChange(0, "removed", "LEGACY_TELEMETRY_URL", "http://telemetry-v1.tinyrobots.dev/ingest"),
                    VarChange(1, "changed", "STRIPE_SECRET_KEY", "sk_live_", old_secret=24),  # rotated
                    VarChange(2, "changed", "WORKERS", "4"),
                    VarChange(3, "added", "CDN_URL"),
                ))),
        custom_domain="fleet.tinyrobots.dev", age_days=300, db="postgres-16"),
    # Compare with many variables: live holds exactly 350 (338 bulk CALIB_/FF_/INGEST_/SENSOR_
    # ones + the platform's + 2), test has the same bulk ones except a handful: INGEST_BATCH_SIZE,
    # FF_NEW_PIPELINE and CALIB_R7_WRIST_GAIN changed, DEBUG_SQL and INGEST_REPLAY_FROM only on
    # test, FF_LEGACY_EXPORT only on live, INGEST_API_KEY sensitive and different,
    # TIMESCALE_LICENSE_KEY sensitive and equal. live: snapshots change over 3 good deploys.
    AppSpec("tinyrobots", "tinyrobots-telemetry", "Telemetry Ingest", (
        EnvSpec("test", "develop", bulk_vars=338, drop_vars=("FF_LEGACY_EXPORT",),
                extra_vars=(_TIMESCALE,
                            VarSpec("INGEST_API_KEY", "ik_test_", sensitive=True, secret=32),
                            VarSpec("INGEST_BATCH_SIZE", "200"),
                            VarSpec("FF_NEW_PIPELINE", "true"),
                            VarSpec("CALIB_R7_WRIST_GAIN", "1.0375"),
                            VarSpec("DEBUG_SQL", "1"),
                            VarSpec("INGEST_REPLAY_FROM", "2026-11-01T00:00:00Z"))),
        EnvSpec("live", "main", bulk_vars=338,
                extra_vars=(_TIMESCALE,
                            VarSpec("INGEST_API_KEY", "ik_live_", sensitive=True, secret=32),
                            VarSpec("INGEST_BATCH_SIZE", "1000"),
                            VarSpec("FF_NEW_PIPELINE", "false")),
                var_history=(
                    VarChange(0, "added", "FF_BATCH_UPLOADS"),
                    VarChange(1, "changed", "INGEST_BATCH_SIZE", "500"),
                    VarChange(2, "removed", "CALIB_R13_BASE_OFFSET", "0.125"),
                ))),
        custom_domain="telemetry.tinyrobots.dev", age_days=260, region="lon"),
    # Backup health: test stale (backups stopped 3 days ago), live failing (the newest 3
    # attempts failed, older ones are good), staging never (its storage backup has failed every
    # single time; its database is fine).
    AppSpec("tinyrobots", "tinyrobots-store", "Robot Parts Store",
            _tl("develop", "main", EnvSpec("staging", "develop")), age_days=340, db="mysql-8.0",
            custom_domain="store.tinyrobots.dev", repo="gitlab"),
    # Backup health: live has a STORAGE instance UPLOADS that no backup ever included (its
    # database and default storage are fine); test's newest backup is WORKING with its database
    # part done and its storage part still running.
    AppSpec("tinyrobots", "tinyrobots-academy", "Robot Academy", (
        EnvSpec("test", "develop"),
        EnvSpec("live", "main", extra_instances=(ExtraInstance("UPLOADS", "STORAGE", "s3", backed_up=False),)),
    ), age_days=200, custom_domain="academy.tinyrobots.dev"),
)

# Hand-placed edge cases per scale: kind -> (application slug, environment slug).
#   backup_working         newest backup is state WORKING (success null, a SIB with ended_at null)
#   backup_newest_failed   newest backup COMPLETED/FAILURE while the one before it succeeded
#   backup_partial         newest backup COMPLETED/PARTIAL (one SIB failed, with errors)
#   deploy_running         newest deployment WORKING with percent < 100, ended_at null
#   deploy_failed          newest deployment finished with success false
#   never_deployed         environment without deployments or backups (last_finished_deployment null)
# Added later (demo, large, huge; not tiny), see the table in dataset.py for the details:
#   backup_ok, backup_stale, backup_failing, backup_never, backup_no_backups,
#   backup_working_db_done, compare_test_live, compare_test_live_2, compare_many_vars,
#   deploy_envvars_changed, deploy_envvars_many, deploy_log_build_failed, deploy_log_hostile,
#   logs_hostile, logs_long_line, logs_hostile_unicode; huge only: huge_backups, deploy_log_huge.
_DEMO_SPECIAL_BEFORE = {
    "backup_working": ("acme-shop", "live"),
    "backup_newest_failed": ("harbour-museum", "live"),
    "backup_partial": ("globex-api", "live"),
    "deploy_running": ("acme-shop", "test"),
    "deploy_failed": ("bellweather-blog", "test"),
    "never_deployed": ("orbit-conf-2026", "staging"),
}
_DEMO_SPECIAL_ADDED = {
    "backup_ok": ("acme-intranet", "live"),  # an existing environment, as most are
    "backup_stale": ("tinyrobots-store", "test"),
    "backup_failing": ("tinyrobots-store", "live"),
    "backup_never": ("tinyrobots-store", "staging"),
    "backup_no_backups": ("tinyrobots-academy", "live"),
    "backup_working_db_done": ("tinyrobots-academy", "test"),
    "compare_test_live": ("tinyrobots-fleet", "live"),
    "compare_test_live_2": ("tinyrobots-telemetry", "live"),
    "compare_many_vars": ("tinyrobots-telemetry", "live"),
    "deploy_envvars_changed": ("tinyrobots-fleet", "live"),
    "deploy_envvars_many": ("tinyrobots-telemetry", "live"),
    "deploy_log_build_failed": ("tinyrobots-fleet", "live"),
    "deploy_log_hostile": ("tinyrobots-fleet", "test"),
    "logs_hostile": ("tinyrobots-telemetry", "live"),
    "logs_long_line": ("tinyrobots-fleet", "test"),
    "logs_hostile_unicode": ("tinyrobots-academy", "live"),
}
_DEMO_SPECIAL = {**_DEMO_SPECIAL_BEFORE, **_DEMO_SPECIAL_ADDED}
_HUGE_SPECIAL = {
    **_DEMO_SPECIAL,
    "huge_backups": ("massive-archive", "live"),
    "deploy_log_huge": ("massive-monolith", "live"),
}
SPECIAL_ENVS: dict[str, dict[str, tuple[str, str]]] = {
    "demo": _DEMO_SPECIAL,
    "large": _DEMO_SPECIAL,
    "huge": _HUGE_SPECIAL,
    "tiny": {
        "backup_working": ("tinyrobots-app", "live"),
        "backup_newest_failed": ("tinyrobots-landing", "live"),
        "backup_partial": ("tinyrobots-app", "test"),
        "deploy_running": ("tinyrobots-app", "test"),
        "deploy_failed": ("tinyrobots-landing", "test"),
        "never_deployed": ("tinyrobots-app", "dev"),
    },
}
_TINY_APPS = (
    AppSpec("tinyrobots", "tinyrobots-app", "Tiny Robots App",
            _tl("develop", "main", EnvSpec("dev", "develop", deployed=False)), age_days=400,
            history_days=10, deploys=(4, 6), manual_backups=(1, 2)),
    AppSpec("tinyrobots", "tinyrobots-landing", "Tiny Robots Landing", _tl("main", "master"),
            age_days=380, repo=None, history_days=10, deploys=(4, 6), manual_backups=(1, 2),
            sentry=False),
)

LARGE_ORGS: tuple[tuple[OrgSpec, int], ...] = (
    (OrgSpec("initech", "Initech", 3000, "initech.example", ("peter", "samir", "milton", "ci")), 420),
    (OrgSpec("umbrella", "Umbrella Health", 2400, "umbrella.example", ("a.wesker", "ci")), 210),
    (OrgSpec("stark", "Stark Logistics", 2200, "stark.example", ("pepper", "happy")), 160),
    (OrgSpec("wayne", "Wayne Foundation", 2000, "wayne.example", ("lucius", "alfred")), 120),
    (OrgSpec("cyberdyne", "Cyberdyne Labs", 1700, "cyberdyne.example", ("miles", "deploy")), 100),
    (OrgSpec("soylent", "Soylent Foods", 1500, "soylent.example", ("thorn", "sol")), 80),
    (OrgSpec("hooli", "Hooli", 1200, "hooli.example", ("gavin", "big.head")), 60),
    (OrgSpec("vandelay", "Vandelay Industries", 900, "vandelay.example", ("art", "ci")), 50),
)

_BRANDS = ("aurora", "basalt", "cobalt", "delta", "ember", "fjord", "granite", "helix", "indigo",
           "juniper", "kestrel", "lumen", "meridian", "nimbus", "onyx", "pioneer", "quartz",
           "riverside", "summit", "tandem", "umber", "vertex", "willow", "xenon", "yonder",
           "zephyr", "atlas", "beacon", "cedar", "dune")
_KINDS = {"shop": "Shop", "blog": "Blog", "portal": "Portal", "intranet": "Intranet", "api": "API",
          "docs": "Docs", "careers": "Careers", "events": "Events", "status": "Status",
          "magazine": "Magazine", "academy": "Academy", "booking": "Booking", "support": "Support",
          "newsroom": "Newsroom", "archive": "Archive", "kiosk": "Kiosk", "labs": "Labs",
          "gallery": "Gallery", "forum": "Forum", "wiki": "Wiki"}


def _synthetic_apps(org: OrgSpec, count: int, rng: random.Random) -> list[AppSpec]:
    """`count` distinct applications for a large-scale organisation (slugs unique by org key)."""
    combos = [(b, k) for b in _BRANDS for k in _KINDS]
    rng.shuffle(combos)
    apps = []
    for brand, kind in combos[:count]:
        envs: list[EnvSpec] = list(_tl(rng.choice(("develop", "main")), rng.choice(("main", "master"))))
        roll = rng.random()
        if roll < 0.12:
            envs.append(EnvSpec("staging", "develop"))
        elif roll < 0.17:
            envs.append(EnvSpec("dev", "develop", deployed=rng.random() < 0.8))
        apps.append(AppSpec(
            org.key, f"{org.key}-{brand}-{kind}",
            f"{org.name.split()[0]} {brand.title()} {_KINDS[kind]}",
            tuple(envs),
            db=rng.choices(("postgres-13", "postgres-15", "postgres-16", "mysql-8.0"), (2, 5, 3, 2))[0],
            region=rng.choices(("fra", "lon", "nyc"), (6, 2.5, 1.5))[0],
            repo=rng.choices(("github", "gitlab", "bitbucket", None), (5, 1.5, 0.5, 3))[0],
            custom_domain=f"{brand}-{kind}.{org.mail_domain}" if rng.random() < 0.5 else None,
            age_days=rng.randint(30, org.age_days),
            history_days=8, deploys=(2, 4), manual_backups=(0, 1),
            sentry=rng.random() < 0.6,
        ))
    return apps


HUGE_ORG = OrgSpec("massive", "Massive Dynamic", 2900, "massive.example", ("nina", "walter", "ci"))
HUGE_APPS = 5000
"""Applications of the huge organisation, hand-placed ones included."""

# The huge organisation's hand-placed applications (invented; see _gen_history for the
# 20,000 backups and _logs for the 100,000-line deployment log).
_HUGE_PLACED: tuple[AppSpec, ...] = (
    AppSpec("massive", "massive-archive", "Massive Archive", _tl(), age_days=1200,
            history_days=2, deploys=(2, 3), manual_backups=(0, 0)),
    AppSpec("massive", "massive-monolith", "Massive Monolith", _tl(), age_days=1500,
            history_days=2, deploys=(2, 3), manual_backups=(0, 0)),
)


def _huge_apps(org: OrgSpec, count: int, rng: random.Random) -> list[AppSpec]:
    """`count` cheap applications for the huge organisation: test + live, 2 days of backups."""
    kinds = list(_KINDS)
    combos = len(_BRANDS) * len(kinds)
    apps = []
    for n in range(count):
        brand, kind = _BRANDS[n % len(_BRANDS)], kinds[(n // len(_BRANDS)) % len(kinds)]
        suffix = f"-{n // combos + 1}" if n >= combos else ""
        apps.append(AppSpec(
            org.key, f"{org.key}-{brand}-{kind}{suffix}",
            f"Massive {brand.title()} {_KINDS[kind]}{suffix.replace('-', ' ')}",
            _tl(rng.choice(("develop", "main")), "main"),
            db=rng.choices(("postgres-15", "postgres-16", "mysql-8.0"), (5, 3, 2))[0],
            region=rng.choices(("fra", "lon", "nyc"), (6, 2.5, 1.5))[0],
            repo=rng.choices(("github", "gitlab", None), (5, 1.5, 3))[0],
            custom_domain=f"{brand}-{kind}{suffix}.{org.mail_domain}" if rng.random() < 0.3 else None,
            age_days=rng.randint(30, org.age_days),
            history_days=2, deploys=(1, 2), manual_backups=(0, 0),
            sentry=rng.random() < 0.5,
        ))
    return apps


def app_specs(scale: str, seed: int) -> tuple[list[OrgSpec], list[AppSpec]]:
    """Organisations and applications of a scale, in creation order (see module docstring)."""
    if scale == "tiny":
        return [DEMO_ORGS[2]], list(_TINY_APPS)
    if scale == "demo":
        return list(DEMO_ORGS), [*DEMO_APPS, *DEMO_APPS_ADDED]
    if scale == "large":
        orgs, apps = list(DEMO_ORGS), [*DEMO_APPS, *DEMO_APPS_ADDED]
        for org, count in LARGE_ORGS:
            orgs.append(org)
            apps.extend(_synthetic_apps(org, count, random.Random(f"divio-fake:{seed}:cast:{org.key}")))
        return orgs, apps
    if scale == "huge":
        rng = random.Random(f"divio-fake:{seed}:cast:{HUGE_ORG.key}")
        return ([*DEMO_ORGS, HUGE_ORG],
                [*DEMO_APPS, *DEMO_APPS_ADDED, *_HUGE_PLACED,
                 *_huge_apps(HUGE_ORG, HUGE_APPS - len(_HUGE_PLACED), rng)])
    raise ValueError(f"unknown scale {scale!r}")
