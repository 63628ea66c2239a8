"""Reading a response body within a size cap, decompressing it without ever exceeding it.

httpx decompresses a whole network chunk at once, so a 64 KB chunk of a gzip bomb can become
66 MB before anyone can count it. Here the body is read raw and inflated with
``zlib.decompressobj(...).decompress(data, max_length)``: never more than the cap plus one byte
exists, whatever the compression ratio. The client asks only for the encodings read here
(`ACCEPT_ENCODING`); anything else is refused as unreadable rather than shown compressed.

The body grows in one `bytearray` (no list of chunks joined at the end), and `json.loads`
reads that bytearray directly: at most one more copy exists while decoding (the text).
"""

from __future__ import annotations

import zlib

import httpx

__all__ = ["ACCEPT_ENCODING", "ERROR_BODY_LIMIT", "BodyTooLarge", "BodyUnreadable", "read_body"]

ACCEPT_ENCODING = "gzip, deflate"
"""What the client says it can decode (httpx would add br / zstd when their packages exist)."""

ERROR_BODY_LIMIT = 64 * 1024
"""Bytes of an error response kept for its `detail`: the rest is not needed, and not read."""


class BodyTooLarge(Exception):
    """The decoded body would exceed the cap (nothing past the cap was kept)."""


class BodyUnreadable(Exception):
    """The body is compressed in a way we do not read, or its compressed data is corrupt."""


class _Inflater:
    """Bounded zlib decoding of one body (gzip, or deflate with or without the zlib header)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._zlib: zlib._Decompress | None = (
            zlib.decompressobj(zlib.MAX_WBITS | 16) if encoding == "gzip" else None)

    def feed(self, data: bytes, out: bytearray, room: int) -> None:
        """Inflate `data` into `out`; raise `BodyTooLarge` as soon as `out` passes `room`."""
        if self._zlib is None:
            # Deflate comes with the zlib header (RFC 1950) or, from some servers, without
            # (raw RFC 1951): httpx accepts both, and so do we.
            wrapped = len(data) >= 2 and (data[0] & 0x0F) == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        try:
            self._inflate(self._zlib, data, out, room)
        except zlib.error:
            raise BodyUnreadable(f"corrupt {self.encoding} data") from None

    @staticmethod
    def _inflate(inflater: zlib._Decompress, data: bytes, out: bytearray, room: int) -> None:
        while data and not inflater.eof:
            out += inflater.decompress(data, room - len(out) + 1)
            if len(out) > room:
                raise BodyTooLarge
            data = inflater.unconsumed_tail

    def finish(self, out: bytearray, room: int) -> None:
        if self._zlib is None:
            return
        try:
            out += self._zlib.flush()
        except zlib.error:
            raise BodyUnreadable(f"corrupt {self.encoding} data") from None
        if len(out) > room:
            raise BodyTooLarge


def _inflater(header: str | None) -> _Inflater | None:
    encodings = [part.strip().lower() for part in (header or "").split(",") if part.strip()]
    encodings = [enc for enc in encodings if enc != "identity"]
    if not encodings:
        return None
    if len(encodings) == 1 and encodings[0] in ("gzip", "x-gzip", "deflate"):
        return _Inflater("gzip" if encodings[0] == "x-gzip" else encodings[0])
    raise BodyUnreadable(f"compressed as {', '.join(encodings)[:40]}, which divio-tui does not "
                         "read")


async def read_body(response: httpx.Response, limit: int, *, truncate: bool = False) -> bytearray:
    """The decoded body of a streamed `response`, at most `limit` bytes.

    Past `limit`: `BodyTooLarge`, or with `truncate` the first `limit` bytes (error pages, read
    only for their detail). A response an in-memory transport had read already is measured.
    """
    if response.is_stream_consumed:
        # MockTransport / the fake's in-process transport hand over bodies they hold in memory.
        content = response.content
        if len(content) > limit and not truncate:
            raise BodyTooLarge
        return bytearray(content[:limit])
    inflater = _inflater(response.headers.get("content-encoding"))
    declared = response.headers.get("content-length", "")
    if inflater is None and declared.isdigit() and int(declared) > limit and not truncate:
        raise BodyTooLarge  # said up front: nothing needs to be read
    body = bytearray()
    try:
        async for chunk in response.aiter_raw():
            if inflater is None:
                body += chunk
                if len(body) > limit:
                    raise BodyTooLarge
            else:
                inflater.feed(chunk, body, limit)
        if inflater is not None:
            inflater.finish(body, limit)
    except BodyTooLarge:
        if not truncate:
            raise
        del body[limit:]
    return body
