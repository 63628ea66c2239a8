"""The client against a server it cannot trust: deadlines, the body cap, bad ids and URLs, the
token kept out of every error, and errors in words (MockTransport; the loopback matrix is in
test_fault_matrix.py)."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from divio_tui.api import BadResponse, DivioClient, NetworkError, NotFound, Refused, Unauthorised

from .conftest import BASE, json_response

MakeClient = Callable[..., DivioClient]
TOKEN = "sekrit-token-0123456789"


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request may be sent, got {request.method} {request.url}")


class Chunks(httpx.AsyncByteStream):
    """A body that arrives in chunks, `pause` seconds apart (a server that trickles)."""

    def __init__(self, chunks: list[bytes], pause: float = 0.0) -> None:
        self.chunks = chunks
        self.pause = pause
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            if self.pause:
                await asyncio.sleep(self.pause)
            self.sent += len(chunk)
            yield chunk


def streamed(body: bytes, *, chunk: int = 65536, pause: float = 0.0,
             **headers: str) -> httpx.Response:
    pieces = [body[i:i + chunk] for i in range(0, len(body), chunk)] or [b""]
    return httpx.Response(200, headers={"content-type": "application/json", **headers},
                          stream=Chunks(pieces, pause))


# -- the deadline -------------------------------------------------------------------------

async def test_a_trickling_server_meets_the_deadline_and_frees_its_slot(
        make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/me/"):
            return json_response(200, {"uuid": "u1"})
        return streamed(b'{"count": 0, "results": []}', chunk=1, pause=0.05)

    client = make_client(handler, concurrency=1, deadline=0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(NetworkError) as caught:
        await client.get_json("backups/")
    assert loop.time() - started < 2
    assert caught.value.summary == "no complete answer within 0.3 s"
    assert "No complete answer within 0.3 s" in caught.value.message
    # The one slot is free again: the next request goes through at once.
    assert (await asyncio.wait_for(client.me(), 2)).uuid == "u1"


async def test_waits_between_retries_count_against_the_deadline(make_client: MakeClient) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return json_response(503, {"detail": "later"}, **{"retry-after": "5"})

    with pytest.raises(Exception, match="503"):
        await make_client(handler, deadline=8, retry_after_cap=5).get_json("backups/")
    assert len(sent) == 2  # a second 5 s wait would pass the 8 s deadline


# -- the body cap -------------------------------------------------------------------------

async def test_a_body_larger_than_the_cap_is_a_bad_response_in_words(
        make_client: MakeClient) -> None:
    body = Chunks([b" " * 65536] * 5 + [b"{}"])
    client = make_client(lambda r: httpx.Response(200, stream=body), max_body_bytes=100_000)
    with pytest.raises(BadResponse) as caught:
        await client.get_json("backups/")
    assert caught.value.summary == "the answer was larger than 0.1 MB"
    assert body.sent <= 2 * 65536  # reading stopped at the chunk that passed the cap


async def test_a_declared_length_over_the_cap_is_refused_unread(make_client: MakeClient) -> None:
    body = Chunks([b"{}"])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": "999999999"}, stream=body)

    with pytest.raises(BadResponse, match="larger than"):
        await make_client(handler, max_body_bytes=1000).get_json("backups/")
    assert body.sent == 0


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
async def test_a_compression_bomb_stops_at_the_cap(make_client: MakeClient, encoding: str) -> None:
    plain = b" " * 50_000_000 + b"{}"
    if encoding == "gzip":
        packed = gzip.compress(plain, 9)
    else:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15 if encoding == "raw-deflate" else 15)
        packed = packer.compress(plain) + packer.flush()
    header = "gzip" if encoding == "gzip" else "deflate"
    client = make_client(lambda r: streamed(packed, **{"content-encoding": header}),
                         max_body_bytes=1_000_000)
    with pytest.raises(BadResponse, match="larger than 1 MB"):
        await client.get_json("backups/")


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_compressed_bodies_within_the_cap_are_read(make_client: MakeClient,
                                                         encoding: str) -> None:
    plain = json.dumps({"uuid": "u1", "email": "a@b.c"}).encode()
    packed = gzip.compress(plain) if encoding == "gzip" else zlib.compress(plain)
    client = make_client(lambda r: streamed(packed, chunk=7, **{"content-encoding": encoding}))
    assert (await client.me()).email == "a@b.c"


async def test_only_encodings_it_can_bound_are_asked_for_and_others_refused(
        make_client: MakeClient) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["accept-encoding"])
        return streamed(b"\x00\x01", **{"content-encoding": "br"})

    with pytest.raises(BadResponse) as caught:
        await make_client(handler).get_json("backups/")
    assert seen == ["gzip, deflate"]
    assert "does not read" in caught.value.message


async def test_json_nested_deeper_than_the_parser_goes_is_a_bad_response(
        make_client: MakeClient) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(BadResponse, match="not JSON"):
        await make_client(lambda r: httpx.Response(200, content=deep)).get_json("backups/")


# -- words --------------------------------------------------------------------------------

async def test_a_200_html_page_says_so_instead_of_200_ok(make_client: MakeClient) -> None:
    page = httpx.Response(200, text="<html><body>Login</body></html>",
                          headers={"content-type": "text/html"})
    with pytest.raises(BadResponse) as caught:
        await make_client(lambda r: page).get_json("backups/")
    assert caught.value.summary == "the server sent an HTML page instead of JSON"


async def test_a_400_for_a_gone_parent_filter_is_not_found_in_words(
        make_client: MakeClient) -> None:
    body = {"application": ["Select a valid choice. That choice is not one of the available "
                            "choices."]}
    cursor = make_client(lambda r: json_response(400, body)).cursor(
        "environment", {"application": "gone0000000000000000000000"})
    with pytest.raises(NotFound) as caught:
        _ = [page async for page in cursor.next_batch(100)]
    assert caught.value.status == 400
    assert caught.value.summary == "this application no longer exists or is not visible"


# -- ids and URLs -------------------------------------------------------------------------

@pytest.mark.parametrize("uuid", ["a\x1bb", "../../iam/v3/me", "a b", "x/y", "", "\u202eab",
                                  "a\nb", "a" * 200])
async def test_an_id_no_path_may_hold_is_refused_before_any_request(
        make_client: MakeClient, uuid: str) -> None:
    client = make_client(never)
    with pytest.raises(Refused):
        client.url_for("backup", uuid) if uuid else client.url_for("backup", uuid or "\x00")
    with pytest.raises(Refused):
        await client.get("backup", uuid or "\x00")
    with pytest.raises(Refused):
        client.cursor("environment", {"application": uuid or "\x00"})


async def test_a_next_or_a_redirect_holding_a_control_character_is_refused(
        make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/moved/"):
            return httpx.Response(302, headers={"location": "/apps/v3/a\x1b]52;c;x\x07/"})
        return json_response(200, {"count": 9, "next": BASE + "backups/?cursor=\x1b[2J",
                                   "results": [{"uuid": "a"}]})

    client = make_client(handler)
    pages = client.iter_pages("backup")
    assert len((await anext(pages)).results) == 1
    with pytest.raises(Refused, match="malformed"):
        await anext(pages)
    with pytest.raises(Refused, match="malformed"):
        await client.get_json("moved/")


# -- the token ----------------------------------------------------------------------------

async def test_a_401_quoting_the_authorization_header_never_shows_the_token(
        make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        echo = f"Invalid token in header Authorization: {request.headers['authorization']}"
        return json_response(401, {"detail": echo, "token": TOKEN})

    with pytest.raises(Unauthorised) as caught:
        await make_client(handler, token=TOKEN).me()
    error = caught.value
    for text in (error.message, error.detail or "", repr(error), str(error), error.url or ""):
        assert TOKEN not in text
    assert "****" in error.message


async def test_a_next_link_carrying_the_token_is_masked_in_the_error(
        make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(200, {"count": 2, "next": str(request.url),
                                   "results": [{"uuid": "a"}]})

    client = make_client(handler, token=TOKEN)
    with pytest.raises(Refused) as caught:
        _ = [page async for page in client.iter_pages("backup", {"q": TOKEN})]
    assert "Paging loop" in caught.value.message
    assert TOKEN not in caught.value.message + (caught.value.url or "")


async def test_records_that_echo_the_token_have_it_masked_before_parsing(
        make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(200, {"count": 2, "next": None, "results": [
            {"uuid": "a", "name": f"Token {TOKEN}"}, {"uuid": TOKEN}]})

    page = await make_client(handler, token=TOKEN).get_page("backup")
    assert TOKEN not in json.dumps([model.raw for model in page.results])
    assert TOKEN not in json.dumps([record.raw for record in page.invalid])
