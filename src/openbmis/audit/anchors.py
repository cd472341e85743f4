"""Signed checkpoints of the chain head, written to an append-only file outside the database.

A checkpoint is one JSON line ``{"v", "origin", "seq", "hash", "at", "sig"}``; ``sig`` is an Ed25519
signature over the canonical JSON of the other fields.  Someone who can write to the database but
holds neither the chain key nor the signing key cannot rewind the head below a checkpoint, nor
replace the events a checkpoint saw, without ``openbmis audit verify`` saying so.

No database access here: the services module decides when to write and what to compare.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from openbmis.audit.chain import canonical
from openbmis.core.files import write_private

CHECKPOINT_VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    seq: int
    hash: str
    at: str
    line: int  # 1-based line number in the file
    kind: str = "head"  # "restore": the chain was restored from a backup and goes on from here


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


def load_or_create_secret(path: Path) -> bytes:
    """The chain's master key: 32 random bytes kept hex-encoded in ``path`` (made once, mode 0600)."""
    if not path.exists():
        try:
            write_private(path, os.urandom(32).hex().encode() + b"\n", exclusive=True)
        except FileExistsError:
            pass  # another process made it first
    raw = path.read_text().strip()
    key = bytes.fromhex(raw)
    if len(key) < 32:
        raise ValueError(f"{path}: the audit chain key must be at least 32 bytes (64 hex digits)")
    return key


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key that signs checkpoints (PKCS#8 PEM, made once, mode 0600); its public half
    is written beside it as ``<name>.pub`` so that a verifier elsewhere needs only that."""
    if not path.exists():
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            write_private(path, pem, exclusive=True)
        except FileExistsError:
            pass
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    public_path = public_key_path(path)
    if not public_path.exists():
        public_path.write_bytes(
            loaded.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return loaded


def public_key_path(signing_key_path: Path) -> Path:
    return signing_key_path.with_name(signing_key_path.name + ".pub")


def load_public_key(path: Path) -> Ed25519PublicKey:
    loaded = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 public key")
    return loaded


def _signed(origin: str, seq: int, head_hash: str, at: str, kind: str) -> dict[str, object]:
    fields: dict[str, object] = {"v": CHECKPOINT_VERSION, "origin": origin, "seq": seq, "hash": head_hash, "at": at}
    if kind != "head":
        fields["kind"] = kind
    return fields


def sign_line(private: Ed25519PrivateKey, *, origin: str, seq: int, hash: str, at: str, kind: str = "head") -> str:
    """One signed checkpoint line. ``kind`` "restore" marks a restore from a backup: checkpoints before it
    that saw a longer chain no longer count (the restore itself is signed and audited)."""
    fields = _signed(origin, seq, hash, at, kind)
    signature = base64.b64encode(private.sign(canonical(fields))).decode("ascii")
    return json.dumps({**fields, "sig": signature}, sort_keys=True, separators=(",", ":")) + "\n"


def append(path: Path, line: str, *, sync: bool = False) -> None:
    """Append one line with a single write on a descriptor opened O_APPEND (whole lines, even with
    several writer processes). ``sync`` also flushes it to disk; checkpoints after each commit do not
    (like the database's own commits with synchronous=NORMAL, they survive a crash of the process, not
    necessarily of the machine: docs/adr/0003)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path, public: Ed25519PublicKey) -> Iterator[Checkpoint | BadLine]:
    """Every line of the file, checked: a Checkpoint when its signature holds, else a BadLine.

    A last line without its newline (a crash while appending) is reported as a BadLine too.
    """
    if not path.exists():
        return
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n"):
                yield BadLine(number, "incomplete last line")
                return
            try:
                data = json.loads(raw)
                version, chain_origin, seq = int(data["v"]), str(data["origin"]), int(data["seq"])
                head_hash, at, kind = str(data["hash"]), str(data["at"]), str(data.get("kind", "head"))
                signature = base64.b64decode(data["sig"], validate=True)
            except (ValueError, KeyError, TypeError):
                yield BadLine(number, "not a checkpoint")
                continue
            fields = _signed(chain_origin, seq, head_hash, at, kind)
            fields["v"] = version
            try:
                public.verify(signature, canonical(fields))
            except InvalidSignature:
                yield BadLine(number, "signature does not verify")
                continue
            yield Checkpoint(chain_origin, seq, head_hash, at, number, kind)
