"""Dataset generation, part 1: the static structure of an account.

`build_structure(seed, now, orgs, apps)` returns a `Draft` holding, as wire-format dicts in
creation order: regions, services, organisations, repositories, applications, environments,
service instances, domains, environment variables and patches, plus `me`, the per-environment
`ssh_endpoint` (detail-only field) and one `EnvCtx` per environment for part 2
(`_gen_history`: deployments, builds, backups). Every value is derived from `seed`, `now` and
the catalogue only; each application has its own RNG so ids stay stable when the cast grows.

Invented (INFERRED) here: `created_at` on applications/environments, `organisation`/`branch`
on repositories, services' `name`/`type`/`region`, `service_status` "READY", the whole shape of
domains and patches, env-var `uuid`, default domains `<slug>[-<env>].<code>.aldryn.io`, the
ssh_endpoint host naming, every DSN and secret value.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ._catalogue import REGIONS, SERVICES, AppSpec, EnvSpec, OrgSpec, Region
from ._util import Record, log_uniform, new_id, rng_for, ts

_SECRET_ALPHABET = string.ascii_letters + string.digits
_DJANGO_SECRET_ALPHABET = string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)"


@dataclass
class EnvCtx:
    """Everything part 2 needs about one environment (not part of the wire format)."""

    rec: Record
    app: Record
    spec: AppSpec
    env: EnvSpec
    org: OrgSpec
    created: datetime
    instances: list[Record]  # service instances: DEFAULT DATABASE, DEFAULT STORAGE, [ANALYTICS]
    sizes: dict[str, tuple[int, float]]  # si uuid -> (size in bytes at `now`, daily growth rate)
    rng: random.Random


@dataclass
class Draft:
    """The dataset under construction: route name -> records, plus side tables."""

    seed: int
    now: datetime
    collections: dict[str, list[Record]]
    me: Record = field(default_factory=dict)
    ssh: dict[str, Record] = field(default_factory=dict)  # env uuid -> ssh_endpoint
    envs: list[EnvCtx] = field(default_factory=list)


ROUTES: tuple[str, ...] = (
    "organisations", "applications", "environments", "deployments", "backups",
    "service-instance-backups", "service-instances", "services", "regions", "repositories",
    "domains", "builds", "patches", "environment-variables",
)


def _secret(rng: random.Random, k: int, alphabet: str = _SECRET_ALPHABET) -> str:
    return "".join(rng.choices(alphabet, k=k))


def _at_office_hours(rng: random.Random, day: datetime) -> datetime:
    """A time on `day` between 07:00 and 18:59 UTC, with microseconds (DRF keeps them)."""
    return day.replace(hour=rng.randint(7, 18), minute=rng.randint(0, 59),
                       second=rng.randint(0, 59), microsecond=rng.randint(0, 999_999))


def build_structure(seed: int, now: datetime, orgs: list[OrgSpec], apps: list[AppSpec]) -> Draft:
    """Build the static part of the dataset (see module docstring). `now` is naive UTC."""
    draft = Draft(seed, now, {route: [] for route in ROUTES})
    col = draft.collections
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)

    regions: dict[str, tuple[Region, str]] = {}
    services: dict[tuple[str, str], str] = {}
    for region in REGIONS:
        rng = rng_for(seed, f"region:{region.key}")
        region_id = new_id(rng)
        regions[region.key] = (region, region_id)
        col["regions"].append({"uuid": region_id, "name": region.name})
        for identifier, name, kind in SERVICES:
            service_id = new_id(rng)
            services[(region.key, identifier)] = service_id
            col["services"].append({"uuid": service_id, "identifier": identifier, "name": name,
                                    "type": kind, "region": region_id})

    rng = rng_for(seed, "me")
    draft.me = {"uuid": new_id(rng), "email": "alex.morgan@northwind.digital",
                "first_name": "Alex", "last_name": "Morgan",
                "created_at": ts(_at_office_hours(rng, midnight - timedelta(days=2550))),
                "timezone": "Europe/Zurich"}

    org_by_key: dict[str, tuple[OrgSpec, str]] = {}
    for org in orgs:
        rng = rng_for(seed, f"org:{org.key}")
        org_id = new_id(rng)
        org_by_key[org.key] = (org, org_id)
        created = _at_office_hours(rng, midnight - timedelta(days=org.age_days))
        col["organisations"].append({"uuid": org_id, "name": org.name, "created_at": ts(created)})

    for spec in apps:
        org, org_id = org_by_key[spec.org]
        _build_app(draft, spec, org, org_id, regions[spec.region], services, midnight)
    return draft


def _build_app(draft: Draft, spec: AppSpec, org: OrgSpec, org_id: str,
               region: tuple[Region, str], services: dict[tuple[str, str], str],
               midnight: datetime) -> None:
    col = draft.collections
    rng = rng_for(draft.seed, f"app:{spec.slug}")
    app_id = new_id(rng)
    created = _at_office_hours(rng, midnight - timedelta(days=spec.age_days))
    repo_id = _build_repository(draft, spec, org, org_id, rng) if spec.repo else None
    app = {"uuid": app_id, "slug": spec.slug, "name": spec.name, "organisation": org_id,
           "repository": repo_id, "created_at": ts(created)}
    col["applications"].append(app)

    # A "size class" per application: live databases from tens of MB to a few GB.
    live_db = log_uniform(rng, 40e6, 3.5e9)
    for index, env in enumerate(spec.envs):
        if index < 2:  # test and live are created with the application
            env_created = created + timedelta(seconds=5 + index * 3, microseconds=rng.randint(0, 999_999))
        else:  # extra environments come later in an application's life
            days_ago = rng.randint(15, max(16, min(spec.age_days - 1, 240)))
            env_created = _at_office_hours(rng, midnight - timedelta(days=days_ago))
        env_id = new_id(rng)
        rec = {"uuid": env_id, "application": app_id, "slug": env.slug, "branch": env.branch,
               "last_finished_deployment": None, "created_at": ts(env_created)}
        col["environments"].append(rec)
        draft.ssh[env_id] = {"host": f"ssh.{region[0].cloud_region}.aldryn.io", "port": 22,
                             "user": f"{spec.slug}-{env.slug}-{env_id[:6]}"}
        scale = 1.0 if env.slug == "live" else rng.uniform(0.08, 0.6)
        ctx = EnvCtx(rec, app, spec, env, org, env_created, [], {}, rng)
        _build_instances(draft, ctx, region[1], services, live_db * scale)
        domains = _build_domains(draft, ctx, region[0])
        _build_env_vars(draft, ctx, region[0], domains)
        draft.envs.append(ctx)

    for _ in range(spec.patches):
        when = _at_office_hours(rng, midnight - timedelta(days=rng.randint(3, 90)))
        col["patches"].append({"uuid": new_id(rng), "application": app_id, "created_at": ts(when)})


def _build_repository(draft: Draft, spec: AppSpec, org: OrgSpec, org_id: str,
                      rng: random.Random) -> str:
    repo_id = new_id(rng)
    owner = org.mail_domain.split(".")[0]
    if spec.repo == "invalid":
        dsn, state = f"https://git.{org.mail_domain}/legacy/{spec.slug}.git", "INVALID"
    else:
        host = {"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org"}[spec.repo or "github"]
        dsn, state = f"git@{host}:{owner}/{spec.slug}.git", "CLONED"
    key = "AAAAC3NzaC1lZDI1NTE5AAAAI" + _secret(rng, 43)
    draft.collections["repositories"].append({
        "uuid": repo_id, "dsn": dsn, "state": state,
        "auth_info": f"ssh-ed25519 {key} divio-deploy-key-{spec.slug}",
        "organisation": org_id, "branch": spec.envs[-1].branch if spec.envs else "main",
    })
    return repo_id


def _build_instances(draft: Draft, ctx: EnvCtx, region_id: str,
                     services: dict[tuple[str, str], str], db_size: float) -> None:
    rng = ctx.rng
    status = "READY" if ctx.env.deployed else "NEW"
    region_key = ctx.spec.region
    wanted = [("DEFAULT", "DATABASE", ctx.spec.db, db_size),
              ("DEFAULT", "STORAGE", "s3", db_size * rng.uniform(2.5, 14))]
    if ctx.env.analytics_db:
        wanted.append(("ANALYTICS", "DATABASE", "postgres-15", db_size * rng.uniform(1.5, 4)))
    for prefix, kind, identifier, size in wanted:
        si = {"uuid": new_id(rng), "environment": ctx.rec["uuid"], "prefix": prefix, "type": kind,
              "service_status": status, "region": region_id,
              "service": services[(region_key, identifier)]}
        draft.collections["service-instances"].append(si)
        ctx.instances.append(si)
        # Databases grow slowly (0.05%..0.4% a day); storage a little faster.
        growth = rng.uniform(0.0005, 0.004) * (1.5 if kind == "STORAGE" else 1.0)
        ctx.sizes[si["uuid"]] = (int(size), growth)


def _build_domains(draft: Draft, ctx: EnvCtx, region: Region) -> list[str]:
    """Domains of one environment, primary first; returns the domain names."""
    slug, env = ctx.spec.slug, ctx.env.slug
    default = f"{slug}.{region.domain_code}.aldryn.io" if env == "live" else \
        f"{slug}-{env}.{region.domain_code}.aldryn.io"
    names = [default]
    if env == "live" and ctx.spec.custom_domain:
        custom = ctx.spec.custom_domain
        names = [custom]
        if custom.count(".") == 1:  # an apex domain usually comes with its www alias
            names.append("www." + custom)
        names.append(default)
    for i, name in enumerate(names):
        draft.collections["domains"].append({"uuid": new_id(ctx.rng), "environment": ctx.rec["uuid"],
                                             "domain": name, "is_primary": i == 0})
    return names


def _build_env_vars(draft: Draft, ctx: EnvCtx, region: Region, domains: list[str]) -> None:
    rng, spec, env = ctx.rng, ctx.spec, ctx.env
    ident = f"{spec.slug}_{env.slug}".replace("-", "_")
    db, storage = ctx.instances[0], ctx.instances[1]
    scheme, port = ("mysql", 3306) if spec.db.startswith("mysql") else ("postgres", 5432)
    db_dsn = (f"{scheme}://u_{ident}:{_secret(rng, 24)}@{db['uuid'][:8]}.db.{region.cloud_region}"
              f".aldryn.io:{port}/db_{ident}")
    bucket = f"{spec.slug}-{env.slug}-{storage['uuid'][:6]}"
    storage_dsn = (f"s3://AKIA{_secret(rng, 16).upper()}:{_secret(rng, 40)}@{bucket}.s3."
                   f"{region.cloud_region}.amazonaws.com/?auth=s3v4&domain={domains[0]}")
    values: list[tuple[str, str, bool]] = [
        ("DATABASE_URL", db_dsn, True),
        ("DEFAULT_DATABASE_DSN", db_dsn, True),
        ("DEFAULT_STORAGE_DSN", storage_dsn, True),
        ("DOMAIN", domains[0], False),
        ("DOMAIN_ALIASES", ",".join(domains[1:]), False),
        ("GIT_BRANCH", env.branch, False),
        ("SECRET_KEY", _secret(rng, 50, _DJANGO_SECRET_ALPHABET), True),
        ("STAGE", env.slug, False),
        ("LOG_LEVEL", "INFO" if env.slug == "live" else "DEBUG", False),
    ]
    for si in ctx.instances[2:]:
        values.append((f"{si['prefix']}_DATABASE_DSN",
                       (f"postgres://u_{ident}_{si['prefix'].lower()}:{_secret(rng, 24)}@"
                       f"{si['uuid'][:8]}.db.{region.cloud_region}.aldryn.io:5432/db_{ident}"), True))
    if spec.sentry:
        values.append(("SENTRY_DSN", (f"https://{_secret(rng, 32).lower()}@o{rng.randint(10000, 99999)}"
                                     f".ingest.sentry.io/{rng.randint(100000, 999999)}"), True))
    if spec.slug == "acme-shop" and env.slug == "test":
        # Adversarial on purpose: an escape sequence and markup-like text in a value.
        values.append(("BANNER_MESSAGE", "\x1b[31mMaintenance tonight\x1b[0m [b]22:00 UTC[/b]", False))
    values.sort(key=lambda item: item[0])
    for name, value, sensitive in values:
        draft.collections["environment-variables"].append(
            {"uuid": new_id(rng), "environment": ctx.rec["uuid"], "name": name, "value": value,
             "is_sensitive": sensitive})
