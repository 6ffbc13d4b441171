"""The bare floor for bench/fanout.py: the same work with none of the node's logic.

``python bench/floor.py receiver PORT DBPATH``: per POST, verify the Ed25519
signature, unseal the content key, open the SecretBox, insert one row into SQLite
(WAL, synchronous=FULL), sign a receipt, answer it.

``python bench/floor.py sender SOCKET PORTS``: per ``POST /send``, seal 4 KB for
eight recipients (one SecretBox, eight SealedBox, one signature), POST to each
receiver at once, verify the eight receipts, answer.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys

import aiohttp
import nacl.utils
from aiohttp import web
from nacl.public import PrivateKey, SealedBox
from nacl.secret import SecretBox
from nacl.signing import SigningKey

# Fixed keys: the floor measures work, not key distribution.
SENDER = SigningKey(b"\x01" * 32)
RECEIVER = SigningKey(b"\x02" * 32)
BOX = PrivateKey(b"\x03" * 32)
TEXT = b"x" * 4096


def receiver(port: int, db_path: str) -> None:
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS shares (id BLOB PRIMARY KEY, body BLOB)")
    verify = SENDER.verify_key
    unsealer = SealedBox(BOX)

    async def inbox(request: web.Request) -> web.Response:
        signed = await request.read()
        body = verify.verify(signed)
        index = int(request.query["i"])
        wrap, ct = body[80 * index : 80 * index + 80], body[80 * 8 :]
        SecretBox(unsealer.decrypt(wrap)).decrypt(ct)
        share_id = nacl.utils.random(16)
        db.execute("INSERT INTO shares VALUES (?, ?)", (share_id, signed))
        return web.Response(body=RECEIVER.sign(share_id))

    app = web.Application(client_max_size=1 << 20)
    app.router.add_post("/inbox", inbox)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def sender(socket_path: str, ports: list[int]) -> None:
    pubs = [BOX.public_key] * len(ports)
    receipt_key = RECEIVER.verify_key

    async def send(request: web.Request) -> web.Response:
        key = nacl.utils.random(32)
        ct = SecretBox(key).encrypt(TEXT)
        wraps = [SealedBox(p).encrypt(key) for p in pubs]
        signed = SENDER.sign(b"".join(wraps) + ct)
        session: aiohttp.ClientSession = request.app["session"]

        async def post(i: int, port: int) -> None:
            async with session.post(f"http://127.0.0.1:{port}/inbox?i={i}", data=signed) as r:
                receipt_key.verify(await r.read())

        await asyncio.gather(*(post(i, p) for i, p in enumerate(ports)))
        return web.json_response({"done": True})

    async def session_ctx(app: web.Application):  # type: ignore[no-untyped-def]
        app["session"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit_per_host=4))
        yield
        await app["session"].close()

    app = web.Application()
    app.router.add_post("/send", send)
    app.cleanup_ctx.append(session_ctx)
    if os.path.exists(socket_path):
        os.unlink(socket_path)
    web.run_app(app, path=socket_path, print=None, access_log=None)


if __name__ == "__main__":
    role = sys.argv[1]
    if role == "receiver":
        receiver(int(sys.argv[2]), sys.argv[3])
    else:
        sender(sys.argv[2], [int(p) for p in sys.argv[3].split(",")])
