"""The environment variables section: variables by name, and what makes a difference expected.

Expected differences (each with its reason in words; shown, after the surprising ones):

- variables the platform generates for each environment (`SECRET_KEY`) and the DSNs of its
  services (`DATABASE_URL`, `<PREFIX>_DATABASE_DSN`, `<PREFIX>_STORAGE_DSN`, divio-api.md
  §8.7/§8.13): each environment has its own; a DSN only one side has is expected when only
  that side has the service;
- `DOMAIN` and `DOMAIN_ALIASES` when each lists its own environment's domains;
- values that differ only where each names its own environment (its slug, its application's
  slug, its uuid, its branch, its domains): `STAGE`, `GIT_BRANCH`,
  `https://myapp-test.example` against `https://myapp-live.example`.

Deployment snapshots carry no `is_sensitive`: `looks_secret` is the name rule the
comparison adds to what the environment marks sensitive today.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from divio_tui.api.models import Environment, EnvironmentVariable
from divio_tui.state.compare import VARIABLES, Cell, Row, Status, Target, order_rows, status_of

__all__ = ["Names", "Variable", "looks_secret", "snapshot_rows", "variable_rows", "variables_of"]

# -- what names an environment ------------------------------------------------------------

_EDGE = r"(?<![A-Za-z0-9])"
_END = r"(?![A-Za-z0-9])"


@dataclass(frozen=True)
class Names:
    """The words an environment names itself by inside its values, each with a placeholder:
    two values equal once each side's names are replaced "name their environment"."""

    words: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, environment: Environment | None, application_slug: str | None = None,
           domains: Iterable[str] = ()) -> Names:
        if environment is None:
            return cls()
        words: list[tuple[str, str]] = [(domain, "{domain}") for domain in domains]
        for text, placeholder in ((environment.uuid, "{uuid}"), (environment.branch, "{branch}"),
                                  (application_slug, "{app}"), (environment.slug, "{env}")):
            if text:
                words.append((text, placeholder))
                if placeholder in {"{app}", "{env}"} and "-" in text:
                    words.append((text.replace("-", "_"), placeholder))
        # Two letters at least: a one-letter slug would "name" half of any value.
        kept = {word: placeholder for word, placeholder in words if len(word) >= 2}
        return cls(tuple(sorted(kept.items(), key=lambda item: -len(item[0]))))

    def lists_own_domains(self, value: str) -> bool:
        """Every comma-separated item of `value` is one of this environment's domains."""
        own = {word.casefold() for word, placeholder in self.words if placeholder == "{domain}"}
        items = [item.strip().casefold() for item in value.split(",") if item.strip()]
        return bool(own) and all(item in own for item in items)

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.words:
            return None
        return re.compile(_EDGE + "(" + "|".join(re.escape(word) for word, _ in self.words)
                          + ")" + _END, re.IGNORECASE)

    def normalise(self, value: str) -> str:
        """`value` with each of these words replaced by its placeholder."""
        pattern = self._pattern
        if pattern is None:
            return value
        lookup = {word.casefold(): placeholder for word, placeholder in self.words}
        return pattern.sub(lambda match: lookup[match[1].casefold()], value)


# -- environment variables ------------------------------------------------------------------

_PER_ENVIRONMENT = frozenset({"SECRET_KEY"})
"""Platform variables generated for each environment (divio-api.md §8.13)."""

_DOMAIN_LISTS = frozenset({"DOMAIN", "DOMAIN_ALIASES"})
"""Platform variables holding the environment's domains (comma-separated)."""

_SERVICE_DSN = re.compile(r"(?:(?P<prefix>[A-Z0-9_]+)_(?P<type>DATABASE|STORAGE)_DSN|DATABASE_URL)")
"""The platform's variables for a service instance: `<PREFIX>_<TYPE>_DSN`, and DATABASE_URL
for the DEFAULT database (divio-api.md §8.7)."""

_SECRET_NAME = re.compile(
    r"SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|(?:^|_)KEY$|API_?KEY|_DSN$|DATABASE_URL",
    re.IGNORECASE)
"""Names that look like they hold a secret (for snapshots, which carry no `is_sensitive`)."""


def looks_secret(name: str) -> bool:
    """Whether a variable's name suggests a secret (`STRIPE_SECRET_KEY`, `SENTRY_DSN`)."""
    return bool(_SECRET_NAME.search(name))


def _service_of(name: str) -> tuple[str, str] | None:
    """(prefix, type) of the service a platform DSN variable belongs to, else None."""
    match = _SERVICE_DSN.fullmatch(name)
    if match is None:
        return None
    if match["type"] is None:
        return ("DEFAULT", "DATABASE")
    return (match["prefix"], match["type"])


@dataclass(frozen=True, slots=True)
class Variable:
    """An environment variable's value on one side, and where it lives."""

    value: str
    sensitive: bool = False
    target: Target | None = None


def variables_of(models: Iterable[EnvironmentVariable], environment: str) -> dict[str, Variable]:
    """The environment's variables by name (the list's filter is a hint: others are dropped;
    a name listed twice keeps its first value)."""
    found: dict[str, Variable] = {}
    for model in models:
        if model.environment != environment or not model.name or model.name in found:
            continue
        target = ("environment_variable", model.uuid) if model.uuid else ("environment",
                                                                           environment)
        found[model.name] = Variable(_text(model.value), bool(model.is_sensitive), target)
    return found


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def variable_rows(a: Mapping[str, Variable], b: Mapping[str, Variable], *,
                  names: tuple[Names, Names] = (Names(), Names()),
                  services: tuple[set[tuple[str, str]] | None, set[tuple[str, str]] | None]
                  = (None, None)) -> list[Row]:
    """Variables by name on two environments. `names` are each side's own words (for
    values that name their environment); `services` each side's (prefix, type) service
    instances, when known (for DSNs only one side has)."""
    rows = []
    for name in sorted(set(a) | set(b)):
        left, right = a.get(name), b.get(name)
        status = status_of(left, right, left is not None and right is not None
                         and left.value == right.value)
        expected = _expected_variable(name, left, right, names, services) if status is not \
            Status.SAME else None
        rows.append(Row(VARIABLES, name, status, _variable_cell(left), _variable_cell(right),
                        expected))
    return order_rows(rows)


def _variable_cell(variable: Variable | None) -> Cell | None:
    if variable is None:
        return None
    return Cell(variable.value, secret=variable.sensitive, target=variable.target)


def _expected_variable(name: str, a: Variable | None, b: Variable | None,
                       names: tuple[Names, Names],
                       services: tuple[set[tuple[str, str]] | None, set[tuple[str, str]] | None]
                       ) -> str | None:
    service = _service_of(name)
    if a is not None and b is not None:
        if name in _PER_ENVIRONMENT:
            return "generated for each environment"
        if service is not None:
            return f"each environment has its own {service[1].lower()}"
        if name in _DOMAIN_LISTS and names[0].lists_own_domains(a.value) and \
                names[1].lists_own_domains(b.value):
            return "each lists its own domains"
        if names[0].normalise(a.value) == names[1].normalise(b.value):
            return "each names its own environment"
        return None
    if service is None:
        return None
    mine, theirs = services if a is not None else services[::-1]
    if mine is not None and theirs is not None and service in mine and service not in theirs:
        side = "A" if a is not None else "B"
        return f"only {side} has the {service[0]} {service[1].lower()}"
    return None


def snapshot_rows(a: Mapping[str, object], b: Mapping[str, object], *,
                  sensitive: Callable[[str], bool],
                  targets: tuple[Target | None, Target | None] = (None, None)) -> list[Row]:
    """Two deployments' `{NAME: value}` snapshots: what was added, removed or changed from A
    (the earlier) to B. `sensitive(name)` says which values to mask."""
    left = {name: Variable(_text(value), sensitive(name), targets[0]) for name, value in a.items()}
    right = {name: Variable(_text(value), sensitive(name), targets[1]) for name, value in b.items()}
    return variable_rows(left, right)
