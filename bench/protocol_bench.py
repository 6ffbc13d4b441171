"""Seal and open of a 4 KB share to eight recipients, against the raw PyNaCl operations.

The raw floor for a seal is one SecretBox, eight SealedBox wraps and one Ed25519
signature; for an open, one Ed25519 verify, one SealedBox open and one SecretBox
open. The ratio (protocol time / raw time) shows what encoding, checks and policy
add. Target: <= 1.5 for both.

Last line: ``RESULT seal_per_s=... open_per_s=... seal_ratio=... open_ratio=...``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nacl.utils
from nacl.public import PrivateKey, SealedBox
from nacl.secret import SecretBox
from nacl.signing import SigningKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "protocol"))

from world import World  # noqa: E402

from protocol.share import Draft, open_share, seal_share, verify_share  # noqa: E402

TEXT_SIZE = 4096
NODES = {
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "om",
    "reclassering": "reclassering",
    "rvdk": "rvdk",
    "zvh": "zvh",
    "ggz": "ggz",
    "jeugdzorg": "jeugdzorg",
    "nctv": "nctv",
}


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per second, best of three rounds of ``seconds`` each."""
    best = 0.0
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            for _ in range(20):
                fn()
            n += 20
        best = max(best, n / elapsed)
    return best


def build_room() -> World:
    w = World(nodes=NODES)
    w.convene()
    for node in ("politie", "om", "reclassering", "rvdk", "zvh"):
        w.invite(node)
        w.join(node)
    w.epoch()
    for node in ("gemeente", "politie", "om"):
        w.assess(node)
    for node in ("ggz", "jeugdzorg", "nctv"):
        w.invite(node, "derde")
        w.join(node)
        for c in ("gemeente", "politie", "om"):
            w.consent(c, node)
    w.epoch()
    return w


def main() -> None:
    seconds = float(os.environ.get("BENCH_SECONDS", "1.0"))
    w = build_room()
    state = w.state
    assert state is not None
    sender = "gemeente"
    recipients = sorted(n for n in state.members if n != sender)
    assert len(recipients) == 8
    text = ("Signalen uit het wijkteam en van school. " * 200)[:TEXT_SIZE]
    draft = Draft(
        basis="pga-r",
        categories=["plan", "signalen", "sociale_relaties"],
        recipients=recipients,
        summary=text,
        author_function="gemeente · aandachtsfunctionaris",
        justification="Noodzakelijk en proportioneel voor de weging.",
    )
    signer = w.signer(sender)
    seq = iter(range(1, 10**9))

    def proto_seal() -> bytes:
        return seal_share(
            draft,
            state=state,
            registry=w.registry,
            sender=sender,
            signer=signer,
            seq=next(seq),
            now=w.now,
            rand=nacl.utils.random,
        )

    envelope = proto_seal()
    me = recipients[0]
    key = w.room_keys[me]

    def proto_open() -> object:
        share = verify_share(envelope, state=state, roster=w.roster, registry=w.registry)
        return open_share(share, me=me, room_key=key, state=state, registry=w.registry)

    # -- the raw operations a seal and an open consist of --------------------------
    sk = SigningKey.generate()
    vk = sk.verify_key
    payload = text.encode()
    pubs = [PrivateKey.generate().public_key for _ in range(8)]
    rkey = PrivateKey.generate()
    content_key = nacl.utils.random(32)
    raw_ct = SecretBox(content_key).encrypt(payload)
    raw_wrap = SealedBox(rkey.public_key).encrypt(content_key)
    raw_signed = sk.sign(raw_ct + raw_wrap * 8)

    def raw_seal() -> object:
        k = nacl.utils.random(32)
        ct = SecretBox(k).encrypt(payload)
        wraps = [SealedBox(p).encrypt(k) for p in pubs]
        return sk.sign(ct + b"".join(wraps))

    def raw_open() -> object:
        vk.verify(raw_signed)
        k = SealedBox(rkey).decrypt(raw_wrap)
        return SecretBox(k).decrypt(raw_ct)

    assert SecretBox(SealedBox(rkey).decrypt(raw_wrap)).decrypt(raw_ct) == payload

    seal_raw = rate(raw_seal, seconds)
    seal_proto = rate(proto_seal, seconds)
    open_raw = rate(raw_open, seconds)
    open_proto = rate(proto_open, seconds)
    seal_ratio = seal_raw / seal_proto
    open_ratio = open_raw / open_proto
    print(f"share: {TEXT_SIZE} bytes of text, 8 recipients, envelope {len(envelope)} bytes")
    for name, proto, raw, ratio in (
        ("seal", seal_proto, seal_raw, seal_ratio),
        ("open", open_proto, open_raw, open_ratio),
    ):
        print(f"{name}: protocol {proto:8.0f}/s   raw PyNaCl {raw:8.0f}/s   ratio {ratio:.2f}")
    print(
        f"RESULT seal_per_s={seal_proto:.0f} open_per_s={open_proto:.0f} "
        f"seal_ratio={seal_ratio:.2f} open_ratio={open_ratio:.2f}"
    )


if __name__ == "__main__":
    main()
