"""The master key and what it protects: the node identity and private data at rest.

The master key is 32 random bytes, read from a key file (mode 0600), from a systemd
credential (``$CREDENTIALS_DIRECTORY/master.key``), or derived from a passphrase with
Argon2id (``nacl.pwhash.argon2id``; the salt is in the config). Everything private
(identity seeds, room private keys, own share plaintext) is stored as
``SecretBox(master)`` ciphertext with a purpose label as associated context.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import msgpack
import nacl.pwhash
import nacl.utils
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.secret import SecretBox

from protocol.errors import CasusnetError
from protocol.keys import BoxKeyPair, NodeIdentity, Signer

from .config import Config

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
        return _read_key_file(Path(cred_dir) / "master.key", check_mode=False)
    if config.master == "passphrase":
        phrase = passphrase if passphrase is not None else os.environ.get("CASUSNET_PASSPHRASE")
        if not phrase:
            raise KeyError_("this node's master key needs its passphrase (CASUSNET_PASSPHRASE)")
        return derive(phrase, config.salt)
    if config.master_file is None:
        raise KeyError_("no master key file configured")
    return _read_key_file(config.master_file, check_mode=True)


def _read_key_file(path: Path, check_mode: bool) -> MasterKey:
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


def save_identity(config: Config, master: MasterKey, identity: NodeIdentity) -> None:
    raw = msgpack.packb([identity.signer.seed, identity.box.private])
    fd = os.open(config.identity_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(master.seal("identity", raw))


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
    sign_seed, box_private = msgpack.unpackb(plain)
    return NodeIdentity(Signer(sign_seed), BoxKeyPair.from_private(box_private))
