"""Content-Encoding, decoded under a hard cap.

httpx inflates a whole network chunk at once, so one 64 KB chunk of a gzip bomb (or of a
"gzip, gzip" double bomb) can become gigabytes before any cap is checked. Here every layer
inflates with ``max_length``, so no layer ever holds more than the cap.
"""

from __future__ import annotations

import zlib

from bot.errors import TooLarge, UnsupportedContent

ACCEPT_ENCODING = "gzip, deflate"
MAX_LAYERS = 2


class _Inflater:
    """One gzip or deflate layer."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._raw_fallback = not self._gzip  # deflate is zlib-wrapped, but some send raw
        self._obj = self._new()
        self._pending = b""
        self._started = False
        self.produced = 0

    def _new(self) -> zlib._Decompress:
        return zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)

    def inflate(self, data: bytes, limit: int) -> bytes:
        """Output for ``data`` (and what was left over), at most ``limit`` bytes."""
        self._pending += data
        out = b""
        while self._pending and len(out) < limit:
            data, self._pending = self._pending, b""
            try:
                chunk = self._obj.decompress(data, limit - len(out))
            except zlib.error:
                if self._raw_fallback and not self._started:
                    self._raw_fallback = False
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._pending = data
                    continue
                raise
            self._started = True
            out += chunk
            self._pending = self._obj.unconsumed_tail
            if self._obj.eof:
                rest = self._obj.unused_data
                if not rest.strip(b"\0"):
                    break
                # gzip allows several members back to back
                self._pending = rest + self._pending
                self._obj = self._new()
        self.produced += len(out)
        return out


class CappedDecoder:
    """Feeds raw body bytes through the declared encodings; raises TooLarge past ``cap``
    bytes (at any layer) and UnsupportedContent for an encoding we did not ask for."""

    def __init__(self, content_encoding: str, cap: int) -> None:
        names = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
        names = [n for n in names if n != "identity"]
        if len(names) > MAX_LAYERS:
            raise UnsupportedContent("the page is compressed too many times")
        for name in names:
            if name not in ("gzip", "x-gzip", "deflate"):
                raise UnsupportedContent(f"the page uses an unknown compression ({name[:20]})")
        # Encodings are listed in the order they were applied; undo them in reverse.
        self._layers = [_Inflater(n) for n in reversed(names)]
        self._cap = cap
        self._chunks: list[bytes] = []
        self._size = 0

    def feed(self, raw: bytes) -> None:
        data = raw
        try:
            for layer in self._layers:
                data = layer.inflate(data, self._cap - layer.produced + 1)
                if layer.produced > self._cap:
                    raise self._too_large()
        except zlib.error as err:
            raise UnsupportedContent("the page's compression is corrupt") from err
        self._size += len(data)
        if self._size > self._cap:
            raise self._too_large()
        if data:
            self._chunks.append(data)

    def finish(self) -> bytes:
        self.feed(b"")
        return b"".join(self._chunks)

    def _too_large(self) -> TooLarge:
        return TooLarge(f"the page is larger than {self._cap:,} bytes")
