"""The divio-cli command for the highlighted node, where divio-cli 4.0.5 has one.

`D` copies the first command `divio_commands` gives; the palette offers every one. Each was
checked against divio-cli 4.0.5's own ``--help`` (and the tests parse every command this module
can build with divio-cli's click parser, and run the read-only ones against the fake):

=========================== ==========================================================================
highlighted                 commands (the first is `D`'s)
=========================== ==========================================================================
organisation(s)             ``divio organisations list`` (divio-cli has no command for one)
application                 ``divio app dashboard --remote-id A``; ``deployments list --all-envs``;
                            ``env-vars list --all-envs``
environment                 ``divio app logs ENV --remote-id A``; ``deploy-log``; ``env-vars list -e``;
                            ``deployments list -e``; ``service-instances list``
Deployments / Environment   ``deployments list -e ENV``; ``env-vars list -e ENV``;
variables / Service         ``service-instances list ENV`` (each ``--remote-id A``)
instances of an environment
deployment                  ``divio app deployments get UUID --remote-id A``
environment variable        ``divio app env-vars get NAME -e ENV --remote-id A``
service-instance backup     ``divio app pull db|media ENV PREFIX --remote-id A
                            --service-instance-backup UUID`` (database or storage)
backup                      the same, for each of its service-instance backups the session has read
service instance            ``divio app pull db|media ENV PREFIX --remote-id A`` (a fresh backup);
                            ``service-instances list ENV``
region(s), service(s)       ``divio services list --region R``; ``divio regions list``
=========================== ==========================================================================

Domains, builds and repositories have none (`NoCommand` says so). ``A`` is the application's
uuid (``--remote-id`` takes one), ``ENV`` the environment's slug (divio-cli looks environments
up by slug). Another zone is passed as ``divio --zone Z``; an API on a URL of its own (the fake
on loopback) as ``--zone http://host:port``, which divio-cli accepts too. Every value from the
API is quoted, and one holding a control character is refused (`shell.UnsafeValue`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx

from divio_tui.api.models import (
    ApiModel,
    Backup,
    Environment,
    ServiceInstance,
    ServiceInstanceBackup,
)
from divio_tui.settings import DEFAULT_ZONE, Settings
from divio_tui.shell import command_line
from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.zones import api_url_for_zone

__all__ = ["DIVIO_CLI_VERSION", "DivioCommand", "NoCommand", "divio_commands", "divio_words"]

DIVIO_CLI_VERSION = "4.0.5"
"""The divio-cli release every command here was checked against."""

Lookup = Callable[[str, str], ApiModel | None]
"""What the session knows of a kind and uuid (`Session.known`): no fetch."""

Word = tuple[str, str] | str
"""A literal word of ours, or a (value, what it is) pair to check and quote."""

PULL_COMMANDS = {"DATABASE": "db", "STORAGE": "media"}
"""`divio app pull` subcommands by service type."""


@dataclass(frozen=True)
class DivioCommand:
    """One command: what it does (for the palette and the toast) and the line to copy."""

    title: str
    line: str
    note: str = ""
    """Something the user should know before running it (empty: nothing)."""


class NoCommand(Exception):
    """divio-cli has no command for this node; ``str()`` says why, in words."""


def divio_commands(data: NodeData | None, lookup: Lookup, settings: Settings) -> list[DivioCommand]:
    """The divio-cli commands for `data`, the one `D` copies first. Raises `NoCommand` when
    there is none, `shell.UnsafeValue` when a value could not be pasted safely."""
    commands = [DivioCommand(title, command_line(divio_words(settings) + words), note)
                for title, words, note in _commands(data, lookup)]
    if not commands:
        raise NoCommand(_why_none(data))
    return commands


def divio_words(settings: Settings) -> list[Word]:
    """``divio`` and, off divio.com, the zone divio-cli must be pointed at."""
    if settings.demo:
        return ["divio"]
    url = httpx.URL(settings.api_url)
    if settings.api_url == api_url_for_zone(settings.zone):
        return ["divio"] if settings.zone == DEFAULT_ZONE else ["divio", "--zone",
                                                                (settings.zone, "the zone")]
    if url.path == "/apps/v3/":
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        return ["divio", "--zone", (origin, "the API address")]
    return ["divio"]


def zone_note(settings: Settings) -> str:
    """What the user should know about where the command will go, or ""."""
    if settings.demo:
        return "divio-cli cannot reach the built-in demo API: run it against your account"
    url = httpx.URL(settings.api_url)
    if settings.api_url != api_url_for_zone(settings.zone) and url.path != "/apps/v3/":
        return "divio-cli cannot reach an API under a path prefix: it talks to divio.com"
    return ""


# -- which commands ---------------------------------------------------------------------------

Spec = tuple[str, list[Word], str]


def _commands(data: NodeData | None, lookup: Lookup) -> Iterator[Spec]:
    if isinstance(data, GroupData):
        yield from _group_commands(data, lookup)
    elif isinstance(data, ResourceData):
        yield from _resource_commands(data, lookup)


def _group_commands(group: GroupData, lookup: Lookup) -> Iterator[Spec]:
    owner = group.owner
    kind = group.kind
    if kind == "organisation":
        yield "organisations list", ["organisations", "list"], ""
    elif kind == "region":
        yield "regions list", ["regions", "list"], ""
    elif kind == "service" and owner is not None and owner.uuid:
        yield "services list", ["services", "list", "--region", (owner.uuid, "the region")], ""
    elif owner is not None and owner.kind == "environment":
        env = _environment(owner, lookup)
        app = _application(owner, env, lookup)
        if env is None or app is None or not env.slug:
            return
        where = _env_words(env, app)
        if kind == "deployment":
            yield (f"deployments list of {env.slug}",
                   ["app", "deployments", "list", "-e", *where], "")
        elif kind == "environment_variable":
            yield (f"env-vars list of {env.slug}",
                   ["app", "env-vars", "list", "-e", *where], "")
        elif kind == "service_instance":
            yield (f"service-instances list of {env.slug}",
                   ["app", "service-instances", "list", *where], "")


def _resource_commands(data: ResourceData, lookup: Lookup) -> Iterator[Spec]:
    kind, model = data.kind, data.model
    if kind == "organisation":
        yield ("organisations list", ["organisations", "list"],
               "lists every organisation: divio-cli has no command for one")
        return
    if kind == "region" and data.uuid:
        yield "services list", ["services", "list", "--region", (data.uuid, "the region")], ""
        yield "regions list", ["regions", "list"], ""
        return
    if kind == "service":
        region = data.raw.get("region")
        if isinstance(region, str) and region:
            yield ("services list of its region",
                   ["services", "list", "--region", (region, "the region")], "")
        return
    if kind == "application" and data.uuid:
        app = (data.uuid, "the application UUID")
        yield "dashboard", ["app", "dashboard", "--remote-id", app], ""
        yield ("deployments list (every environment)",
               ["app", "deployments", "list", "--all-envs", "--remote-id", app], "")
        yield ("env-vars list (every environment)",
               ["app", "env-vars", "list", "--all-envs", "--remote-id", app], "")
        return
    env = _environment(data, lookup)
    app_uuid = _application(data, env, lookup)
    if env is None or app_uuid is None or not env.slug:
        return
    where = _env_words(env, app_uuid)
    slug = env.slug
    remote: list[Word] = ["--remote-id", (app_uuid, "the application UUID")]
    if kind == "environment":
        yield f"logs of {slug}", ["app", "logs", *where], ""
        yield f"deploy-log of {slug}", ["app", "deploy-log", *where], ""
        yield f"env-vars list of {slug}", ["app", "env-vars", "list", "-e", *where], ""
        yield f"deployments list of {slug}", ["app", "deployments", "list", "-e", *where], ""
        yield (f"service-instances list of {slug}",
               ["app", "service-instances", "list", *where], "")
    elif kind == "deployment" and data.uuid:
        yield ("deployments get", ["app", "deployments", "get",
                                   (data.uuid, "the deployment UUID"), *remote], "")
    elif kind == "environment_variable":
        name = data.raw.get("name")
        if isinstance(name, str) and name:
            yield (f"env-vars get {name}",
                   ["app", "env-vars", "get", (name, "the variable name"), "-e", *where], "")
    elif kind == "service_instance_backup" and isinstance(model, ServiceInstanceBackup):
        spec = _pull_backup(model, slug, app_uuid, lookup)
        if spec is not None:
            yield spec
    elif kind == "backup" and isinstance(model, Backup):
        sibs = [lookup("service_instance_backup", uuid) for uuid in model.service_instance_backups]
        found = [sib for sib in sibs if isinstance(sib, ServiceInstanceBackup)]
        # The database first: `D` on a backup copies the pull of its database.
        found.sort(key=lambda sib: _service_type(sib, lookup) != "DATABASE")
        for sib in found:
            spec = _pull_backup(sib, slug, app_uuid, lookup)
            if spec is not None:
                yield spec
    elif kind == "service_instance" and isinstance(model, ServiceInstance):
        pull = PULL_COMMANDS.get((model.type or "").upper())
        if pull is not None:
            prefix = (model.prefix or "DEFAULT").upper()
            yield (f"pull {pull} {prefix} of {slug}",
                   ["app", "pull", pull, (slug, "the environment slug"),
                    (prefix, "the service prefix"), *remote],
                   "takes a fresh backup of it first")
        yield (f"service-instances list of {slug}",
               ["app", "service-instances", "list", *where], "")


def _pull_backup(sib: ServiceInstanceBackup, slug: str, app_uuid: str,
                 lookup: Lookup) -> Spec | None:
    """`divio app pull db|media` of one service-instance backup, or None when divio-cli would
    refuse it (still running, failed, or a service type it cannot pull)."""
    pull = PULL_COMMANDS.get(_service_type(sib, lookup) or "")
    if pull is None or not sib.uuid or sib.ended_at is None or sib.errors:
        return None
    instance = lookup("service_instance", sib.service_instance or "")
    prefix = instance.prefix if isinstance(instance, ServiceInstance) and instance.prefix else None
    note = "" if prefix else "prefix DEFAULT assumed: its service instance is not loaded"
    prefix = (prefix or "DEFAULT").upper()
    return (f"pull {pull} {prefix} from this backup",
            ["app", "pull", pull, (slug, "the environment slug"), (prefix, "the service prefix"),
             "--remote-id", (app_uuid, "the application UUID"),
             "--service-instance-backup", (sib.uuid, "the backup UUID")], note)


def _service_type(sib: ServiceInstanceBackup, lookup: Lookup) -> str | None:
    if sib.service_type:
        return sib.service_type.upper()
    instance = lookup("service_instance", sib.service_instance or "")
    if isinstance(instance, ServiceInstance) and instance.type:
        return instance.type.upper()
    return None


def _env_words(env: Environment, app_uuid: str) -> list[Word]:
    return [(env.slug or "", "the environment slug"), "--remote-id",
            (app_uuid, "the application UUID")]


def _environment(data: ResourceData, lookup: Lookup) -> Environment | None:
    """The environment `data` is in: its tree ancestor, else found through its fields."""
    node = data.ancestor("environment")
    if node is not None and isinstance(node.model, Environment):
        return node.model
    uuid = data.raw.get("environment")
    if data.kind == "service_instance_backup":
        backup = data.ancestor("backup")
        model = backup.model if backup is not None else lookup("backup", str(data.raw.get(
            "backup") or ""))
        uuid = getattr(model, "environment", None)
    found = lookup("environment", uuid) if isinstance(uuid, str) and uuid else None
    return found if isinstance(found, Environment) else None


def _application(data: ResourceData, env: Environment | None, lookup: Lookup) -> str | None:
    """The uuid of the application `data` belongs to."""
    node = data.ancestor("application")
    if node is not None and node.uuid:
        return node.uuid
    return env.application if env is not None and env.application else None


def _why_none(data: NodeData | None) -> str:
    if isinstance(data, ResourceData):
        if data.kind == "service_instance_backup" and isinstance(data.model,
                                                                ServiceInstanceBackup):
            sib = data.model
            if sib.ended_at is None:
                return "this backup is still running: divio-cli pulls finished backups only"
            if sib.errors:
                return "this backup failed: divio-cli pulls only backups without errors"
            return "divio-cli pulls databases and storage only"
        if data.kind == "backup":
            return ("none of its service-instance backups is read and pullable yet (open the "
                    "backup to read them)")
        noun = data.kind.replace("_", " ")
        return f"divio-cli {DIVIO_CLI_VERSION} has no command for a {noun}"
    if isinstance(data, GroupData):
        return f"divio-cli {DIVIO_CLI_VERSION} has no command for {data.title.lower()}"
    return "nothing is highlighted"
