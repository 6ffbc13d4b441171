"""The master key and what it protects: the node identity and private data at rest.

The master key is 32 random bytes, read from a key file (mode 0600), from a systemd
credential (``$CREDENTIALS_DIRECTORY/master.key``), or derived from a passphrase with
Argon2id (``nacl.pwhash.argon2id``; the salt is in the config). Everything private
(identity seeds, room private keys, own share plaintext) is stored as
``SecretBox(master)`` ciphertext with a purpose label as associated context.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgpack
import nacl.pwhash
import nacl.utils
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.secret import SecretBox

from node.config import Config
from protocol.errors import CasusnetError
from protocol.keys import BoxKeyPair, NodeIdentity, Signer

HISTORY_NAME = "identity.history.sealed"
NEXT_NAME = "identity.next.sealed"
ARGON_OPS = nacl.pwhash.argon2id.OPSLIMIT_MODERATE
ARGON_MEM = nacl.pwhash.argon2id.MEMLIMIT_MODERATE


class KeyError_(CasusnetError):
    """The node's keys could not be opened: wrong passphrase or master key file."""

    code = "node.keys"


class BadPassphraseError(KeyError_):
    """The passphrase is not correct. Try again; the node was not started."""

    code = "node.passphrase"


@dataclass(frozen=True)
class MasterKey:
    key: bytes

    def seal(self, label: str, data: bytes) -> bytes:
        """Encrypt ``data``; ``label`` (the purpose) must match when opening."""
        box = SecretBox(self.key)
        return bytes(box.encrypt(label.encode() + b"\x00" + data))

    def derive(self, label: str) -> bytes:
        """A 32-byte subkey for one purpose (BLAKE2b keyed with the master key)."""
        return hashlib.blake2b(label.encode(), key=self.key, digest_size=32).digest()

    def open(self, label: str, sealed: bytes) -> bytes:
        try:
            plain = SecretBox(self.key).decrypt(sealed)
        except NaclCryptoError:
            raise KeyError_("data at rest does not open with this master key") from None
        prefix = label.encode() + b"\x00"
        if not plain.startswith(prefix):
            raise KeyError_("data at rest is for another purpose")
        return plain[len(prefix) :]


def new_master_file(path: Path) -> MasterKey:
    key = nacl.utils.random(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.hex() + "\n")
    return MasterKey(key)


def derive(passphrase: str, salt: bytes) -> MasterKey:
    return MasterKey(
        nacl.pwhash.argon2id.kdf(
            32, passphrase.encode(), salt, opslimit=ARGON_OPS, memlimit=ARGON_MEM
        )
    )


def load_master(config: Config, passphrase: str | None = None) -> MasterKey:
    """The master key as the config says: credential, key file or passphrase."""
    cred_dir = os.environ.get("CREDENTIALS_DIRECTORY")
    if cred_dir and (Path(cred_dir) / "master.key").exists():
        return read_key_file(Path(cred_dir) / "master.key", check_mode=False)
    if config.master == "passphrase":
        phrase = passphrase if passphrase is not None else os.environ.get("CASUSNET_PASSPHRASE")
        if not phrase:
            raise KeyError_("this node's master key needs its passphrase (CASUSNET_PASSPHRASE)")
        return derive(phrase, config.salt)
    if config.master_file is None:
        raise KeyError_("no master key file configured")
    return read_key_file(config.master_file, check_mode=True)


def read_key_file(path: Path, check_mode: bool) -> MasterKey:
    try:
        st = path.stat()
        text = path.read_text().strip()
    except OSError:
        raise KeyError_(f"cannot read the master key file {path}") from None
    if check_mode and stat.S_IMODE(st.st_mode) & 0o077:
        raise KeyError_(f"{path} is readable by others; chmod 600 it")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyError_(f"{path} does not hold a master key") from None
    if len(key) != 32:
        raise KeyError_(f"{path} does not hold a master key")
    return MasterKey(key)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file renamed), mode 0600."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _pack_identity(identity: NodeIdentity) -> bytes:
    return bytes(msgpack.packb([identity.signer.seed, identity.box.private]))


def _unpack_identity(plain: bytes) -> NodeIdentity:
    sign_seed, box_private = msgpack.unpackb(plain)
    return NodeIdentity(Signer(sign_seed), BoxKeyPair.from_private(box_private))


def save_identity(config: Config, master: MasterKey, identity: NodeIdentity) -> None:
    write_private(config.identity_path, master.seal("identity", _pack_identity(identity)))


def load_identity(config: Config, master: MasterKey) -> NodeIdentity:
    try:
        sealed = config.identity_path.read_bytes()
    except OSError:
        raise KeyError_(f"no identity at {config.identity_path}; run `casusnet init`") from None
    try:
        plain = master.open("identity", sealed)
    except KeyError_:
        if config.master == "passphrase":
            raise BadPassphraseError() from None
        raise
    return _unpack_identity(plain)


# --- key rotation ----------------------------------------------------------------------
#
# ``casusnet key rotate`` makes the next identity and keeps it sealed in
# ``identity.next.sealed``; the node goes on signing with the current one. When a roster
# lists the next key for this node, the node adopts it (:func:`adopt_rotation`): the
# current identity moves to the sealed key history ``identity.history.sealed`` (with
# the time it was retired) and the next one becomes ``identity.sealed``. Each step is
# an atomic rename, so a crash leaves either the old or the new state.


@dataclass(frozen=True)
class RetiredIdentity:
    identity: NodeIdentity
    retired_at: int


def load_history(config: Config, master: MasterKey) -> list[RetiredIdentity]:
    """The node's earlier identities, oldest first (empty if it never rotated)."""
    path = config.data_dir / HISTORY_NAME
    try:
        sealed = path.read_bytes()
    except FileNotFoundError:
        return []
    entries = msgpack.unpackb(master.open("identity-history", sealed))
    return [RetiredIdentity(_unpack_identity(raw), int(at)) for raw, at in entries]


def _save_history(config: Config, master: MasterKey, history: list[RetiredIdentity]) -> None:
    raw = msgpack.packb([[_pack_identity(h.identity), h.retired_at] for h in history])
    write_private(config.data_dir / HISTORY_NAME, master.seal("identity-history", raw))


def load_next(config: Config, master: MasterKey) -> NodeIdentity | None:
    """The identity made by ``key rotate`` that no roster lists yet, if any."""
    try:
        sealed = (config.data_dir / NEXT_NAME).read_bytes()
    except FileNotFoundError:
        return None
    return _unpack_identity(master.open("identity-next", sealed))


def prepare_rotation(
    config: Config, master: MasterKey, rand: Callable[[int], bytes]
) -> tuple[NodeIdentity, bool]:
    """The next identity: the pending one if there is one, else a new one.

    Returns it and whether it was made just now. Asking twice gives the same keys,
    so the roster authority never gets two different new keys for one rotation.
    """
    pending = load_next(config, master)
    if pending is not None:
        return pending, False
    identity = NodeIdentity.generate(rand)
    write_private(
        config.data_dir / NEXT_NAME, master.seal("identity-next", _pack_identity(identity))
    )
    return identity, True


def adopt_rotation(
    config: Config, master: MasterKey, roster_sign: bytes, now: int
) -> NodeIdentity | None:
    """Make the pending identity current if the roster lists its key for this node.

    Returns the identity now in force when it differs from what ``roster_sign`` was
    checked against before, else None. Safe to call from several processes and after
    a crash at any point.
    """
    current = load_identity(config, master)
    pending = load_next(config, master)
    if current.sign_public == roster_sign:
        if pending is not None and pending.sign_public == roster_sign:
            (config.data_dir / NEXT_NAME).unlink(missing_ok=True)  # finished earlier
        return current
    if pending is None or pending.sign_public != roster_sign:
        return None
    history = load_history(config, master)
    if all(h.identity.sign_public != current.sign_public for h in history):
        history.append(RetiredIdentity(current, now))
        _save_history(config, master, history)
    save_identity(config, master, pending)
    (config.data_dir / NEXT_NAME).unlink(missing_ok=True)
    return pending
