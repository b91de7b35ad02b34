"""A webhook receiver for tests: an HTTP server on 127.0.0.1 that records each POST and answers
with the status codes it is given, in turn (200 once they run out)."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.body)
        return found


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # what each POST was answered

    def accepted(self) -> list[Received]:
        """The POSTs answered with a 2xx, in the order they came."""
        return [post for post, status in zip(self.received, self.statuses, strict=True) if status < 300]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")[1:]
        headers = {
            name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines if line)
        }
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        status = self.answers.pop(0) if self.answers else 200
        self.received.append(Received(headers, body))
        self.statuses.append(status)
        writer.write(f"HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode())
        await writer.drain()
        writer.close()


@asynccontextmanager
async def receiving(path: str = "/hook") -> AsyncIterator[Receiver]:
    receiver = Receiver(url="")
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    receiver.url = f"http://127.0.0.1:{port}{path}"
    try:
        yield receiver
    finally:
        server.close()
        await server.wait_closed()
