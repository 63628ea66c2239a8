"""The fake's cast: organisations, applications, regions and services per scale (all invented).

Everything here is invented demo material. Contracts the rest of the fake relies on:
- `app_specs(scale, seed)` returns `(orgs, apps)` in creation order. Slugs are unique.
- Scale "demo" is the hand-written `DEMO_ORGS`/`DEMO_APPS` (3 organisations, 15 applications);
  "tiny" is the "Tiny Robots" organisation with its 2 applications; "large" is the demo cast
  plus `LARGE_ORGS` with synthetic applications (1,200 of them), shorter backup history each.
- `SPECIAL_ENVS[scale]` names the (application slug, environment slug) pairs that carry the
  hand-placed edge cases (running backup, newest backup failed, running deployment, ...).
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

# (identifier, name, type): one service of each per region. Identifiers are INFERRED from the
# CLI wizard ("postgres-15" shape); names and types are invented.
SERVICES: tuple[tuple[str, str, str], ...] = (
    ("postgres-13", "PostgreSQL 13", "DATABASE"),
    ("postgres-15", "PostgreSQL 15", "DATABASE"),
    ("postgres-16", "PostgreSQL 16", "DATABASE"),
    ("mysql-8.0", "MySQL 8.0", "DATABASE"),
    ("s3", "S3 object storage", "STORAGE"),
)


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    age_days: int
    mail_domain: str
    people: tuple[str, ...]  # local parts of deployment authors' e-mail addresses


@dataclass(frozen=True)
class EnvSpec:
    slug: str
    branch: str
    deployed: bool = True  # False: created, never deployed (no deployments/backups, SIs "NEW")
    analytics_db: bool = False  # an extra DATABASE service instance with prefix "ANALYTICS"


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

# Hand-placed edge cases per scale: kind -> (application slug, environment slug).
#   backup_working         newest backup is state WORKING (success null, a SIB with ended_at null)
#   backup_newest_failed   newest backup COMPLETED/FAILURE while the one before it succeeded
#   backup_partial         newest backup COMPLETED/PARTIAL (one SIB failed, with errors)
#   deploy_running         newest deployment WORKING with percent < 100, ended_at null
#   deploy_failed          newest deployment finished with success false
#   never_deployed         environment without deployments or backups (last_finished_deployment null)
_DEMO_SPECIAL = {
    "backup_working": ("acme-shop", "live"),
    "backup_newest_failed": ("harbour-museum", "live"),
    "backup_partial": ("globex-api", "live"),
    "deploy_running": ("acme-shop", "test"),
    "deploy_failed": ("bellweather-blog", "test"),
    "never_deployed": ("orbit-conf-2026", "staging"),
}
SPECIAL_ENVS: dict[str, dict[str, tuple[str, str]]] = {
    "demo": _DEMO_SPECIAL,
    "large": _DEMO_SPECIAL,
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


def app_specs(scale: str, seed: int) -> tuple[list[OrgSpec], list[AppSpec]]:
    """Organisations and applications of a scale, in creation order (see module docstring)."""
    if scale == "tiny":
        return [DEMO_ORGS[2]], list(_TINY_APPS)
    if scale == "demo":
        return list(DEMO_ORGS), list(DEMO_APPS)
    if scale == "large":
        orgs, apps = list(DEMO_ORGS), list(DEMO_APPS)
        for org, count in LARGE_ORGS:
            orgs.append(org)
            apps.extend(_synthetic_apps(org, count, random.Random(f"divio-fake:{seed}:cast:{org.key}")))
        return orgs, apps
    raise ValueError(f"unknown scale {scale!r} (expected 'tiny', 'demo' or 'large')")
