"""Fault injection for the fake API: random faults from a spec string, and their responses.

Spec grammar: comma-separated `kind:probability` pairs, e.g.
`500:0.1,429:0.05,timeout:0.02,badjson:0.02,html:0.02`. Kinds (`FAULT_KINDS`):

| kind    | what the client sees                                                                  |
|---------|---------------------------------------------------------------------------------------|
| 500     | 500 {"detail": "A server error occurred."} (DRF's APIException text)                 |
| 502     | 502 {"detail": "Bad gateway."}                                                        |
| 503     | 503 {"detail": "Service temporarily unavailable, try again later."} (DRF's text)     |
| 504     | 504 {"detail": "Gateway timeout."}                                                    |
| 429     | 429 {"detail": "Request was throttled. Expected available in 1 second."} + Retry-After: 1 |
| timeout | no timely answer: in-process -> httpx.ReadTimeout; loopback -> answer after `timeout_sleep_s` (or drop) |
| badjson | the real response's status and headers with its body cut in half (invalid JSON)      |
| html    | 502 text/html, an nginx "502 Bad Gateway" page (a proxy in front of the API)        |

All of these bodies are INFERRED/invented: nobody has seen Divio's error pages. Probabilities
are each in [0, 1] and must sum to at most 1; one uniform draw per request picks at most one
fault (so the rates are exact, not compounded).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from http import HTTPStatus

from ._wire import (
    INVALID_TOKEN,
    NOT_FOUND,
    FakeResponse,
    detail,
    text_response,
    unauthorised,
)

FAULT_KINDS: tuple[str, ...] = ("500", "502", "503", "504", "429", "timeout", "badjson", "html")

_STATUS_BODIES = {
    500: "A server error occurred.",
    502: "Bad gateway.",
    503: "Service temporarily unavailable, try again later.",
    504: "Gateway timeout.",
}
NGINX_502 = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
             "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
             "</body>\r\n</html>\r\n")


@dataclass(frozen=True)
class FaultSpec:
    """Parsed fault rates: ((kind, probability), ...) in spec order."""

    rates: tuple[tuple[str, float], ...]

    @classmethod
    def parse(cls, spec: str) -> FaultSpec:
        """Parse `kind:p,kind:p`; raises ValueError with a readable message on bad input."""
        rates: list[tuple[str, float]] = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            kind, sep, raw = part.partition(":")
            kind = kind.strip().lower()
            if not sep or kind not in FAULT_KINDS:
                raise ValueError(f"bad fault {part!r}: expected KIND:PROBABILITY with KIND one of "
                                 f"{', '.join(FAULT_KINDS)}")
            try:
                probability = float(raw)
            except ValueError:
                raise ValueError(f"bad fault probability in {part!r}") from None
            if not 0.0 <= probability <= 1.0:
                raise ValueError(f"fault probability must be within 0..1 in {part!r}")
            rates.append((kind, probability))
        if sum(p for _, p in rates) > 1.0 + 1e-9:
            raise ValueError(f"fault probabilities sum to more than 1 in {spec!r}")
        return cls(tuple(rates))

    def pick(self, draw: float) -> str | None:
        """The fault for one uniform draw in [0, 1), or None (no fault)."""
        total = 0.0
        for kind, probability in self.rates:
            total += probability
            if draw < total:
                return kind
        return None

    def __str__(self) -> str:
        return ",".join(f"{kind}:{p:g}" for kind, p in self.rates)


def normalise_kind(kind: int | str) -> str:
    """A fault kind from a status code or name: 503 -> "503", "TIMEOUT" -> "timeout".

    Besides FAULT_KINDS, any HTTP error status 400..599 is accepted (for one-shot failures).
    """
    text = str(kind).strip().lower()
    if text in FAULT_KINDS:
        return text
    if text.isdigit() and 400 <= int(text) <= 599:
        return text
    raise ValueError(f"unknown fault {kind!r}: use one of {', '.join(FAULT_KINDS)} or a status 400..599")


def fault_response(kind: str, real: FakeResponse | None = None) -> FakeResponse:
    """The response of fault `kind`. `real` (the normal response) is needed by badjson/timeout."""
    if kind == "429":
        return detail(429, "Request was throttled. Expected available in 1 second.", {"Retry-After": "1"})
    if kind == "html":
        return text_response(502, NGINX_502, "text/html", {"Server": "nginx"})
    if kind in ("badjson", "timeout"):
        assert real is not None
        if kind == "timeout":
            return replace(real, timed_out=True)
        if not real.body:  # HEAD: nothing to truncate
            return real
        body = real.body[: max(1, len(real.body) // 2)]
        headers = {**real.headers, "Content-Length": str(len(body))}
        return replace(real, headers=headers, body=body)
    status = int(kind)
    if status in _STATUS_BODIES:
        return detail(status, _STATUS_BODIES[status])
    if status == 401:
        return unauthorised(INVALID_TOKEN)
    if status == 404:
        return detail(404, NOT_FOUND)
    return detail(status, HTTPStatus(status).phrase + ".")
