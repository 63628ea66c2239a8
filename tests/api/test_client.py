"""DivioClient against httpx.MockTransport: auth, origin pin, errors, retries, observer."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from divio_tui import __version__
from divio_tui.api import (
    Backup,
    BadResponse,
    DivioClient,
    ErrorKind,
    Forbidden,
    NetworkError,
    NotFound,
    Refused,
    RequestEvent,
    ServerError,
    Throttled,
    Unauthorised,
)

from .conftest import BASE, SleepRecorder, drf_page, json_response

MakeClient = Callable[..., DivioClient]


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request may be sent, got {request.method} {request.url}")


async def test_sends_token_user_agent_and_json_accept(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_response(200, {"uuid": "u1", "email": "a@b.c"})

    user = await make_client(handler).me()
    assert user.email == "a@b.c"
    assert seen[0].url == "https://api.example.test/iam/v3/me/"
    assert seen[0].headers["authorization"] == "Token sekrit-token"
    assert seen[0].headers["user-agent"] == f"divio-tui/{__version__}"


async def test_iam_family_is_derived_from_any_prefix(make_client: MakeClient) -> None:
    client = make_client(never, base_url="http://127.0.0.1:8765/proxy/apps/v3")
    assert client.base_url == "http://127.0.0.1:8765/proxy/apps/v3/"
    assert client.url_for("organisation") == "http://127.0.0.1:8765/proxy/iam/v3/organisations/"
    assert client.url_for("backup", "b1") == "http://127.0.0.1:8765/proxy/apps/v3/backups/b1/"
    assert client.url_for("environment", params={"application": "a1"}).endswith(
        "/apps/v3/environments/?application=a1")


@pytest.mark.parametrize(
    "base", ["ftp://api.example.test/apps/v3/", "https://u:p@api.example.test/apps/v3/",
             "https://api.example.test/apps/v2/"]
)
def test_unusable_base_urls_are_rejected(base: str) -> None:
    with pytest.raises(ValueError):
        DivioClient(base, "t")


def test_bare_host_gets_the_apps_path_and_tokens_with_spaces_are_rejected() -> None:
    assert DivioClient("https://api.divio.com").base_url == "https://api.divio.com/apps/v3/"
    with pytest.raises(ValueError):
        DivioClient(BASE, "two words")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
async def test_non_get_methods_are_refused_before_any_request(
    make_client: MakeClient, events: list[RequestEvent], method: str
) -> None:
    with pytest.raises(Refused) as caught:
        await make_client(never).request(method, "backups/")
    assert caught.value.attempts == 0 and "read-only" in caught.value.message
    assert events == []


async def test_head_is_allowed(make_client: MakeClient) -> None:
    response = await make_client(lambda r: httpx.Response(200)).request("HEAD", "backups/")
    assert response.request.method == "HEAD"


async def test_foreign_origin_urls_are_refused_before_any_request(make_client: MakeClient) -> None:
    client = make_client(never)
    for url in ("https://evil.example/apps/v3/backups/", "http://api.example.test/apps/v3/",
                "https://api.example.test:444/apps/v3/", "https://x:y@api.example.test/apps/v3/"):
        with pytest.raises(Refused):
            await client.get_json(url)


async def test_next_link_on_a_foreign_origin_is_refused(make_client: MakeClient) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return json_response(200, {"count": 40, "previous": None, "results": [{"uuid": "a"}],
                                   "next": "https://evil.example/apps/v3/backups/?page=2"})

    pages = make_client(handler).iter_pages("backup")
    assert len((await anext(pages)).results) == 1
    with pytest.raises(Refused) as caught:
        await anext(pages)
    assert "another origin (https://evil.example)" in caught.value.message
    assert len(sent) == 1


async def test_cursor_paging_that_loops_is_stopped(make_client: MakeClient) -> None:
    cursor = BASE + "backups/?cursor=abc"

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(200, {"count": None, "next": cursor, "previous": None,
                                   "results": [{"uuid": request.url.params.get("cursor", "0")}]})

    client = make_client(handler)
    seen: list[str] = []
    with pytest.raises(Refused) as caught:
        async for item in client.iter_items("backup"):
            seen.append(item.uuid)
    assert seen == ["0", "abc"]
    assert caught.value.message.startswith("Paging loop")


async def test_next_that_repeats_the_first_page_is_stopped(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(200, {"count": 3, "next": str(request.url),
                                   "results": [{"uuid": "a"}]})

    with pytest.raises(Refused):
        _ = [page async for page in make_client(handler).iter_pages("backup")]


async def test_non_page_number_next_is_followed_sequentially(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("cursor", "0"))
        nxt = str(request.url.copy_set_param("cursor", str(n + 1))) if n < 3 else None
        return json_response(200, {"count": 4, "next": nxt, "results": [{"uuid": f"i{n}"}]})

    items = [item.uuid async for item in make_client(handler).iter_items("backup")]
    assert items == ["i0", "i1", "i2", "i3"]


async def test_same_origin_redirects_are_followed_and_foreign_ones_refused(
    make_client: MakeClient,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/apps/v3/deployments/d1/logs":
            return httpx.Response(301, headers={"location": "/apps/v3/deployments/d1/logs/"})
        if request.url.path == "/apps/v3/elsewhere":
            return httpx.Response(302, headers={"location": "https://evil.example/steal"})
        assert request.headers["authorization"] == "Token sekrit-token"
        return json_response(200, {"uuid": "d1", "logs": "done"})

    client = make_client(handler)
    assert (await client.deployment_log("d1")).logs == "done"
    with pytest.raises(Refused):
        await client.get_json("elsewhere")


async def test_401_carries_the_servers_detail(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(401, {"detail": "Invalid token."}, **{"www-authenticate": "Token"})

    with pytest.raises(Unauthorised) as caught:
        await make_client(handler).me()
    error = caught.value
    assert error.kind is ErrorKind.UNAUTHORISED and error.status == 401
    assert error.detail == "Invalid token."
    assert error.message == "401 Unauthorized: Invalid token. — GET /iam/v3/me/"
    assert error.url == "https://api.example.test/iam/v3/me/"
    assert "sekrit" not in repr(error) + error.message


@pytest.mark.parametrize("detail", [
    "Authentication credentials were not provided.",
    "Incorrect authentication credentials.",
    "Invalid token.",
    "Token has expired.",
    "User inactive or deleted.",
])
async def test_a_403_about_the_token_is_unauthorised(make_client: MakeClient, detail: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(403, {"detail": detail})

    with pytest.raises(Unauthorised) as caught:
        await make_client(handler).me()
    assert caught.value.kind is ErrorKind.UNAUTHORISED and caught.value.status == 403
    assert caught.value.detail == detail


@pytest.mark.parametrize("body", [
    {"detail": "You do not have permission to perform this action."},
    {"detail": "Forbidden."},
    {},
])
async def test_any_other_403_is_forbidden_not_a_rejected_token(
    make_client: MakeClient, body: dict[str, str]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(403, body)

    with pytest.raises(Forbidden) as caught:
        await make_client(handler).get("application", "a1")
    error = caught.value
    assert not isinstance(error, Unauthorised)
    assert error.kind is ErrorKind.FORBIDDEN and error.status == 403 and error.attempts == 1
    assert error.message.startswith("403 Forbidden")


async def test_invalid_page_is_not_found(make_client: MakeClient) -> None:
    client = make_client(lambda request: drf_page(request, [{"uuid": "a"}]))
    with pytest.raises(NotFound) as caught:
        await client.get_page("backup", page=9)
    assert caught.value.detail == "Invalid page."


@pytest.mark.parametrize(
    ("response", "phrase"),
    [
        (httpx.Response(200, html="<html><body><h1>Gateway</h1></body></html>"), "an HTML page"),
        (httpx.Response(200, text="<!DOCTYPE html><p>hi</p>"), "an HTML page"),
        (httpx.Response(200, text="{not json"), "a body that is not JSON"),
        (httpx.Response(200, text=""), "an empty body"),
    ],
)
async def test_non_json_bodies_are_bad_responses_without_the_body(
    make_client: MakeClient, response: httpx.Response, phrase: str
) -> None:
    with pytest.raises(BadResponse) as caught:
        await make_client(lambda request: response).get_page("backup")
    assert phrase in caught.value.message
    assert "<" not in caught.value.message and "Gateway" not in caught.value.message


async def test_a_list_where_a_page_is_expected_is_a_bad_response(make_client: MakeClient) -> None:
    with pytest.raises(BadResponse) as caught:
        await make_client(lambda request: json_response(200, [{"uuid": "a"}])).get_page("backup")
    assert "got a list" in caught.value.message


async def test_html_502_page_is_a_server_error_without_html(
    make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    page = httpx.Response(502, html="<html><title>502 Bad Gateway</title></html>")
    with pytest.raises(ServerError) as caught:
        await make_client(lambda request: page).get_json("regions/")
    assert caught.value.message == "502 Bad Gateway (4 attempts) — GET /apps/v3/regions/"
    assert len(sleeps.delays) == 3


async def test_transient_failures_are_retried_with_jittered_backoff(
    make_client: MakeClient, sleeps: SleepRecorder, events: list[RequestEvent]
) -> None:
    outcomes: list[httpx.Response | Exception] = [
        httpx.ConnectError("connection refused"), httpx.ReadTimeout("slow"),
        json_response(503, {"detail": "busy"}), json_response(200, {"uuid": "r1"}),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert (await make_client(handler).get("region", "r1")).uuid == "r1"
    assert [(e.attempt, e.status, e.error) for e in events] == [
        (1, None, ErrorKind.NETWORK), (2, None, ErrorKind.NETWORK),
        (3, 503, ErrorKind.SERVER), (4, 200, None),
    ]
    # Full jitter: each delay is somewhere in [0, base * 2**(n-1)].
    assert len(sleeps.delays) == 3
    assert all(0 <= d <= 0.01 * 2**n for n, d in enumerate(sleeps.delays))


async def test_500_and_other_4xx_are_not_retried(
    make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    with pytest.raises(ServerError):
        await make_client(lambda r: json_response(500, {"detail": "boom"})).get_json("regions/")
    with pytest.raises(BadResponse) as caught:
        await make_client(lambda r: json_response(400, {"environment": ["Required."]})).get_json(
            "backups/")
    assert caught.value.detail == "environment: Required."
    assert sleeps.delays == []


async def test_429_retry_after_is_honoured_and_capped(
    make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    answers = [json_response(429, {"detail": "Request was throttled."}, **{"retry-after": "2"}),
               json_response(429, {"detail": "Request was throttled."}, **{"retry-after": "600"}),
               json_response(200, {"uuid": "r1"})]
    await make_client(lambda request: answers.pop(0)).get("region", "r1")
    assert sleeps.delays == [2.0, 10.0]


async def test_429_that_persists_is_throttled_with_retry_after(make_client: MakeClient) -> None:
    throttled = json_response(429, {"detail": "Request was throttled. Expected available in 3 "
                                              "seconds."}, **{"retry-after": "3"})
    with pytest.raises(Throttled) as caught:
        await make_client(lambda request: throttled, max_attempts=2).get_json("regions/")
    assert caught.value.retry_after == 3.0 and caught.value.attempts == 2
    assert caught.value.message.startswith("429 Too Many Requests: Request was throttled.")


async def test_timeouts_that_persist_are_network_errors(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out")

    with pytest.raises(NetworkError) as caught:
        await make_client(handler, timeout=2.5).get_json("regions/")
    assert caught.value.message == "Timed out after 2.5 s (4 attempts) — GET /apps/v3/regions/"


async def test_observer_sees_every_attempt_without_credentials(
    make_client: MakeClient, events: list[RequestEvent]
) -> None:
    client = make_client(lambda request: drf_page(request, [{"uuid": str(i)} for i in range(5)]),
                         page_size=2)
    assert len([b async for b in client.iter_items("backup")]) == 5
    assert [e.url for e in events] == [
        BASE + "backups/?page_size=2", BASE + "backups/?page_size=2&page=2",
        BASE + "backups/?page_size=2&page=3",
    ]
    assert all(e.method == "GET" and e.status == 200 and e.bytes > 0 and e.elapsed_ms >= 0
               for e in events)


async def test_get_page_parses_into_the_kinds_model(make_client: MakeClient) -> None:
    client = make_client(lambda request: drf_page(request, [{"uuid": "b1", "state": "WORKING"}]))
    page = await client.get_page("backup", {"environment": "e1"})
    assert isinstance(page.results[0], Backup) and page.count == 1
    assert page.url == BASE + "backups/?page_size=100&environment=e1"
