"""Which reads answer many environments' backups fastest: the cost model, from the counts.

`choose_plan(environments, counts, page_size)` compares answering each environment by itself
(`Plan.PER_ENVIRONMENT`: its backups list, its service instances, a batch of service-instance
backups by uuid) with reading whole collections once (`Plan.COLLECTIONS`: every backup and
service instance, and the newest pages of the service-instance backups), from the counts the
first pages report (`Counts`). Costs are in small-request equivalents; `PAGE_WEIGHT`, what a
full page costs against a small request, was measured by `bench/health.py`, which also
measures both plans on samples of growing size and prints which one the model picks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "PAGE_WEIGHT",
    "SIB_LOOKAHEAD",
    "Counts",
    "Plan",
    "choose_plan",
    "collections_cost",
    "pages",
    "per_environment_cost",
]

PAGE_WEIGHT = 1.7
"""What one full page (100 records) costs against one small request (a detail, a short
filtered list), measured by `bench/health.py` over loopback with 20 ms latency and 6 requests
in flight: the whole collections of the large fake, about 370 pages, took 3.0 s (8 ms a page)
where answering an environment by itself took 39 ms for its 8 small requests (4.8 ms each).
Latency is paid alike; the difference is the records parsed. With it the model puts the
crossover at about 80 environments, where the benchmark measures it (between 50 and 150)."""

SIB_LOOKAHEAD = 1.2
"""Before the backups are in, SIB pages are read ahead for this many SIBs per service
instance of the account (the newest backup of each, and some slack)."""


class Plan(StrEnum):
    PER_ENVIRONMENT = "per environment"
    COLLECTIONS = "whole collections"


@dataclass(frozen=True)
class Counts:
    """What the first pages said (or what the session already holds)."""

    backups: int
    service_instance_backups: int
    service_instances: int
    environments: int
    """Environments of the whole account (the per-environment averages divide by it)."""


def pages(count: int, page_size: int) -> int:
    """How many pages `count` records take (at least one: an empty list is one request)."""
    return max(1, math.ceil(count / max(1, page_size)))


def _request(records: float, page_size: int) -> float:
    """The cost of one list request returning `records` (a full page costs PAGE_WEIGHT)."""
    return 1.0 + min(records, page_size) / page_size * (PAGE_WEIGHT - 1.0)


def per_environment_cost(counts: Counts, page_size: int, concurrency: int = 6) -> float:
    """Small-request equivalents to answer one environment by itself: its backups list, its
    service instances list, and the first batch of SIBs by uuid (`BackupBook` fetches a round
    trip's worth, the client's concurrency, newest first; usually that is the answer)."""
    environments = max(1, counts.environments)
    backups = counts.backups / environments
    services = counts.service_instances / environments
    sibs = counts.service_instance_backups / environments
    lists = pages(round(backups), page_size) * _request(backups, page_size)
    return lists + _request(services, page_size) + min(float(concurrency), sibs)


def collections_cost(counts: Counts, page_size: int) -> float:
    """Small-request equivalents of the whole collections: every backup and service instance
    and, when the SIB list is newest first, about one page per `page_size` services."""
    total = (pages(counts.backups, page_size) + pages(counts.service_instances, page_size)
             + pages(round(counts.service_instances * SIB_LOOKAHEAD), page_size))
    return total * PAGE_WEIGHT


def choose_plan(environments: int, counts: Counts, page_size: int, *,
                filter_ignored: bool = False, concurrency: int = 6) -> Plan:
    """The cheaper plan for `environments` environments still to answer (see the module
    docstring). When the server ignores the backups filter, answering even one environment
    reads every backup: only the SIBs are then saved by going one by one."""
    per_environment = environments * per_environment_cost(counts, page_size, concurrency)
    if filter_ignored:
        per_environment += pages(counts.backups, page_size) * PAGE_WEIGHT
    return Plan.COLLECTIONS if collections_cost(counts, page_size) < per_environment \
        else Plan.PER_ENVIRONMENT
