"""Ed25519 keys and the signatures on every exchange between a node and headquarters.

A request is signed over ``METHOD\\nPATH?QUERY\\nTIME\\nSHA256(BODY)``; a response over ``TIME\\nSHA256(BODY)``.
Keys travel as raw 32-byte values in base64.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

RAW = serialization.Encoding.Raw


def new_key_pair() -> tuple[str, str]:
    """A fresh (private, public) key pair, base64."""
    private = Ed25519PrivateKey.generate()
    private_raw = private.private_bytes(RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public_raw = private.public_key().public_bytes(RAW, serialization.PublicFormat.Raw)
    return base64.b64encode(private_raw).decode(), base64.b64encode(public_raw).decode()


def request_message(method: str, path: str, at: str, body: bytes) -> bytes:
    return f"{method.upper()}\n{path}\n{at}\n{hashlib.sha256(body).hexdigest()}".encode()


def response_message(at: str, body: bytes) -> bytes:
    return f"{at}\n{hashlib.sha256(body).hexdigest()}".encode()


def sign(private_key: str, message: bytes) -> str:
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_key))
    return base64.b64encode(key.sign(message)).decode()


def verify(public_key: str, message: bytes, signature: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def valid_public_key(value: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(value, validate=True))
    except (ValueError, TypeError):
        return False
    return True
