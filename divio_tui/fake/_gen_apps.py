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

Hand-placed material (only where an `EnvSpec` asks for it, so the environments of before are
built exactly as they were): extra service instances (e.g. STORAGE "UPLOADS", with an env var
`<PREFIX>_STORAGE_DSN` following the documented `<PREFIX>_DATABASE_DSN` pattern, INFERRED),
extra non-primary domains, application variables (`VarSpec`, secrets drawn from RNGs keyed by
application [+ environment] + name, so a "shared" secret is equal on test and live) and bulk
variables (`_bulk_variables`: invented CALIB_/FF_/INGEST_/SENSOR_ names, same values on every
environment of the application). `EnvCtx.variables` keeps each environment's variables for
the env-var snapshots of part 2.
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
    instances: list[Record]  # service instances: DEFAULT DATABASE, DEFAULT STORAGE, [ANALYTICS], [extra]
    sizes: dict[str, tuple[int, float]]  # si uuid -> (size in bytes at `now`, daily growth rate)
    rng: random.Random
    variables: list[Record] = field(default_factory=list)  # its environment variables, by name
    unbacked: set[str] = field(default_factory=set)  # si uuids no backup ever includes

    @property
    def backed_up(self) -> list[Record]:
        """The service instances its backups cover (all of them, unless hand-placed otherwise)."""
        if not self.unbacked:
            return self.instances
        return [si for si in self.instances if si["uuid"] not in self.unbacked]


@dataclass
class Draft:
    """The dataset under construction: route name -> records, plus side tables."""

    seed: int
    now: datetime
    collections: dict[str, list[Record]]
    me: Record = field(default_factory=dict)
    ssh: dict[str, Record] = field(default_factory=dict)  # env uuid -> ssh_endpoint
    envs: list[EnvCtx] = field(default_factory=list)
    # Hand-placed side tables (filled by part 2; empty unless the scale has such cases):
    snapshots: dict[str, dict[str, str]] = field(default_factory=dict)  # dep uuid -> {NAME: value}
    deploy_logs: dict[str, str] = field(default_factory=dict)  # dep uuid -> deployment log flavour
    env_logs: dict[str, str] = field(default_factory=dict)  # env uuid -> runtime log flavour


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
        for identifier, name, kind, description in SERVICES:
            service_id = new_id(rng)
            services[(region.key, identifier)] = service_id
            col["services"].append({"uuid": service_id, "identifier": identifier, "name": name,
                                    "type": kind, "description": description,
                                    "region": region_id})

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
    wanted = [("DEFAULT", "DATABASE", ctx.spec.db, db_size, True),
              ("DEFAULT", "STORAGE", "s3", db_size * rng.uniform(2.5, 14), True)]
    if ctx.env.analytics_db:
        wanted.append(("ANALYTICS", "DATABASE", "postgres-15", db_size * rng.uniform(1.5, 4), True))
    for extra in ctx.env.extra_instances:  # hand-placed (none on the environments of before)
        wanted.append((extra.prefix, extra.type, extra.service, db_size * rng.uniform(0.3, 3),
                       extra.backed_up))
    for prefix, kind, identifier, size, backed_up in wanted:
        si = {"uuid": new_id(rng), "environment": ctx.rec["uuid"], "prefix": prefix, "type": kind,
              "service_status": status, "region": region_id,
              "service": services[(region_key, identifier)]}
        draft.collections["service-instances"].append(si)
        ctx.instances.append(si)
        # Databases grow slowly (0.05%..0.4% a day); storage a little faster.
        growth = rng.uniform(0.0005, 0.004) * (1.5 if kind == "STORAGE" else 1.0)
        ctx.sizes[si["uuid"]] = (int(size), growth)
        if not backed_up:
            ctx.unbacked.add(si["uuid"])


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
    names.extend(ctx.env.extra_domains)
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
        if si["type"] == "STORAGE":  # hand-placed extra storage (none on the environments of before)
            bucket = f"{spec.slug}-{env.slug}-{si['prefix'].lower()}-{si['uuid'][:6]}"
            values.append((f"{si['prefix']}_STORAGE_DSN",
                           (f"s3://AKIA{_secret(rng, 16).upper()}:{_secret(rng, 40)}@{bucket}.s3."
                            f"{region.cloud_region}.amazonaws.com/?auth=s3v4"), True))
            continue
        values.append((f"{si['prefix']}_DATABASE_DSN",
                       (f"postgres://u_{ident}_{si['prefix'].lower()}:{_secret(rng, 24)}@"
                       f"{si['uuid'][:8]}.db.{region.cloud_region}.aldryn.io:5432/db_{ident}"), True))
    if spec.sentry:
        values.append(("SENTRY_DSN", (f"https://{_secret(rng, 32).lower()}@o{rng.randint(10000, 99999)}"
                                     f".ingest.sentry.io/{rng.randint(100000, 999999)}"), True))
    if spec.slug == "acme-shop" and env.slug == "test":
        # Adversarial on purpose: an escape sequence and markup-like text in a value.
        values.append(("BANNER_MESSAGE", "\x1b[31mMaintenance tonight\x1b[0m [b]22:00 UTC[/b]", False))
    if env.bulk_vars or env.extra_vars:  # hand-placed (none on the environments of before)
        values.extend(_app_variables(draft.seed, spec, env))
    values.sort(key=lambda item: item[0])
    for name, value, sensitive in values:
        var = {"uuid": new_id(rng), "environment": ctx.rec["uuid"], "name": name, "value": value,
               "is_sensitive": sensitive}
        draft.collections["environment-variables"].append(var)
        ctx.variables.append(var)


_CALIB_JOINTS = ("BASE", "SHOULDER", "ELBOW", "WRIST", "GRIPPER")
_FLAGS = ("FF_NEW_PIPELINE", "FF_LEGACY_EXPORT", "FF_BATCH_UPLOADS", "FF_GZIP_FRAMES", "FF_SHADOW_WRITES",
          "FF_ANOMALY_ALERTS", "FF_MAP_TILES_V2", "FF_DARK_MODE", "FF_FAST_REPLAY", "FF_STRICT_SCHEMA",
          "FF_EDGE_CACHE", "FF_OTA_UPDATES", "FF_FLEET_HEATMAP", "FF_BATTERY_FORECAST",
          "FF_SENSOR_FUSION", "FF_AUDIT_TRAIL", "FF_EXPORT_PARQUET", "FF_PRIORITY_QUEUE",
          "FF_COLD_STORAGE", "FF_RATE_LIMITS")
_INGEST = (("INGEST_BATCH_SIZE", "1000"), ("INGEST_MAX_LAG_S", "30"), ("INGEST_WORKERS", "6"),
           ("INGEST_QUEUE", "telemetry-ingest"), ("INGEST_RETRY_LIMIT", "5"),
           ("INGEST_COMPRESSION", "zstd"), ("INGEST_PARTITIONS", "48"), ("INGEST_RETENTION_DAYS", "400"),
           ("INGEST_SAMPLE_RATE_HZ", "50"), ("INGEST_DLQ", "telemetry-dead-letters"))


def _bulk_variables(seed: int, slug: str, count: int) -> list[tuple[str, str]]:
    """`count` synthetic application variables (same names and values on every environment).

    Invented: calibration values per robot model and joint, feature flags, ingest settings,
    then sensor thresholds as many as needed.
    """
    rng = rng_for(seed, f"bulk-vars:{slug}")
    out: list[tuple[str, str]] = []
    for model in range(1, 13):
        for joint in _CALIB_JOINTS:
            out.append((f"CALIB_R{model}_{joint}_OFFSET", f"{rng.uniform(-0.5, 0.5):.4f}"))
            out.append((f"CALIB_R{model}_{joint}_GAIN", f"{rng.uniform(0.9, 1.1):.4f}"))
    out.extend((flag, rng.choice(("true", "false"))) for flag in _FLAGS)
    out.extend(_INGEST)
    sensor = 1
    while len(out) < count:
        out.append((f"SENSOR_{sensor:03d}_THRESHOLD", f"{rng.uniform(0, 100):.1f}"))
        sensor += 1
    return out[:count]


def var_value(seed: int, slug: str, env_slug: str, name: str, value: str, secret: int, *,
              shared: bool = False, tag: str = "") -> str:
    """`value` + `secret` random characters keyed by app [+ env] + name (+ tag): see VarSpec."""
    if not secret:
        return value
    key = f"var:{slug}:{name}{tag}" if shared else f"var:{slug}:{env_slug}:{name}{tag}"
    return value + _secret(rng_for(seed, key), secret)


def _app_variables(seed: int, spec: AppSpec, env: EnvSpec) -> list[tuple[str, str, bool]]:
    """The hand-placed application variables of one environment: bulk ones, then `extra_vars`."""
    merged: dict[str, tuple[str, bool]] = {}
    dropped = set(env.drop_vars)
    for name, value in _bulk_variables(seed, spec.slug, env.bulk_vars) if env.bulk_vars else ():
        if name not in dropped:
            merged[name] = (value, False)
    for var in env.extra_vars:
        merged[var.name] = (var_value(seed, spec.slug, env.slug, var.name, var.value, var.secret,
                                      shared=var.shared), var.sensitive)
    return [(name, value, sensitive) for name, (value, sensitive) in merged.items()]
