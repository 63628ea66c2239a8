"""Adding data to the fake must not change a byte of what was already there.

The digests below were computed from the dataset *before* the hand-placed cases of the
upcoming features (backup health, compare, env-var snapshots, hostile logs) were added.
Every record that existed then must keep its exact JSON and its relative order in its list;
so must the derived bodies (deployment logs and env-var snapshots, deployment details,
runtime logs). New records are recognised by belonging to a new application (`NEW_APPS`),
so this test needs no knowledge of how they were made.

If a digest changes, something perturbed the existing data (a shared RNG stream, an order,
a shared helper): find it, do not re-pin.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from divio_tui.fake import FIXED_NOW, Dataset, generate

# Applications added after the digests were pinned (all in demo and large, none in tiny).
NEW_APPS: frozenset[str] = frozenset({
    "tinyrobots-fleet", "tinyrobots-telemetry", "tinyrobots-store", "tinyrobots-academy"})


# Fields added to existing records after the digests were pinned: left out of the digest (a new
# field changes no value a client already read). Nothing else may be added here.
ADDED_FIELDS: dict[str, frozenset[str]] = {
    "services": frozenset({"description"}),  # divio-cli's `services list` prints it
}


def _dump(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def existing_records(ds: Dataset) -> dict[str, list[dict[str, Any]]]:
    """Every record of `ds` that does not belong to a NEW_APPS application, in list order."""
    col = ds.collections
    new_apps = {app["uuid"] for app in col["applications"] if app["slug"] in NEW_APPS}
    new_repos = {app["repository"] for app in col["applications"] if app["uuid"] in new_apps}
    new_envs = {env["uuid"] for env in col["environments"] if env["application"] in new_apps}
    new_backups = {b["uuid"] for b in col["backups"] if b["environment"] in new_envs}
    keep = {
        "applications": lambda r: r["uuid"] not in new_apps,
        "repositories": lambda r: r["uuid"] not in new_repos,
        "patches": lambda r: r["application"] not in new_apps,
        "environments": lambda r: r["uuid"] not in new_envs,
        "service-instance-backups": lambda r: r["backup"] not in new_backups,
    }
    by_env = lambda r: r.get("environment") not in new_envs  # noqa: E731
    return {route: [_pinned_fields(route, rec) for rec in records if keep.get(route, by_env)(rec)]
            for route, records in sorted(col.items())}


def _pinned_fields(route: str, record: dict[str, Any]) -> dict[str, Any]:
    added = ADDED_FIELDS.get(route)
    return {k: v for k, v in record.items() if k not in added} if added else record


def digest(ds: Dataset, *, derived: bool) -> tuple[str, dict[str, int]]:
    """(sha256 over the existing records [+ derived bodies], record count per route)."""
    records = existing_records(ds)
    h = hashlib.sha256()
    h.update(_dump(ds.me))
    for route, recs in records.items():
        h.update(route.encode())
        for rec in recs:
            h.update(_dump(rec))
    env_ids = [env["uuid"] for env in records["environments"]]
    h.update(_dump([ds.detail("environments", uuid) for uuid in env_ids]))
    if derived:
        for dep in records["deployments"]:
            h.update(_dump([ds.detail("deployments", dep["uuid"]), ds.deployment_logs(dep["uuid"]),
                            ds.deployment_environment_variables(dep["uuid"])]))
        for uuid in env_ids:
            h.update(_dump(ds.environment_logs(uuid)))
    return h.hexdigest(), {route: len(recs) for route, recs in records.items() if recs}


PINNED: dict[tuple[str, int], tuple[str, dict[str, int]]] = {
    ("demo", 0): (
        "5ac0752f02079dea0857d0fb864ed49d01ec3740c30e5da41a75bee0767924aa",
        {"applications": 15,
         "backups": 2176,
         "builds": 454,
         "deployments": 454,
         "domains": 48,
         "environment-variables": 358,
         "environments": 36,
         "organisations": 3,
         "patches": 3,
         "regions": 3,
         "repositories": 12,
         "service-instance-backups": 4402,
         "service-instances": 73,
         "services": 15}),
    ("demo", 3): (
        "ddfa7802f33aa42527c33b1d1bb7a0a503239446375c55570178a6289480fb61",
        {"applications": 15,
         "backups": 2194,
         "builds": 474,
         "deployments": 474,
         "domains": 48,
         "environment-variables": 358,
         "environments": 36,
         "organisations": 3,
         "patches": 3,
         "regions": 3,
         "repositories": 12,
         "service-instance-backups": 4435,
         "service-instances": 73,
         "services": 15}),
    ("tiny", 0): (
        "b71cc1c9f7fa267b6149064cce8af89f5d73948219b8d6ae6c10f8d12cbb4f3f",
        {"applications": 2,
         "backups": 46,
         "builds": 19,
         "deployments": 19,
         "domains": 5,
         "environment-variables": 48,
         "environments": 5,
         "organisations": 1,
         "regions": 3,
         "repositories": 1,
         "service-instance-backups": 92,
         "service-instances": 10,
         "services": 15}),
    ("large", 0): (
        "692cd9cd2a63333b5be31e58e4465b0a31949d34176ca82cccf06651fd3d395f",
        {"applications": 1215,
         "backups": 24298,
         "builds": 8334,
         "deployments": 8334,
         "domains": 3229,
         "environment-variables": 25344,
         "environments": 2643,
         "organisations": 11,
         "patches": 3,
         "regions": 3,
         "repositories": 823,
         "service-instance-backups": 48429,
         "service-instances": 5287,
         "services": 15}),
}


@pytest.mark.parametrize(("scale", "seed"), sorted(PINNED))
def test_existing_records_keep_their_exact_json(scale: str, seed: int) -> None:
    ds = generate(scale, seed, FIXED_NOW)  # type: ignore[arg-type]
    assert digest(ds, derived=scale != "large") == PINNED[(scale, seed)]
