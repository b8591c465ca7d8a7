"""The tool's signing keys: RSA keys in instance/lti_keys (or LTI_KEY_DIR), made on first use.

Every key in the folder is published at /lti/jwks; the newest one signs. Rotating adds a new
key beside the old ones, so that tokens signed just before still verify while platforms
refresh their copy of the key set; an old key is retired by removing it, days later.
"""

import os
import time
from pathlib import Path

from flask import Flask
from joserfc.jwk import KeySet, RSAKey

KEY_DIR = "lti_keys"
KEY_BITS = 2048


class KeyProblem(Exception):
    """A key that cannot be retired; the message says why."""


def directory_of(app: Flask) -> str:
    """Where the app keeps its keys; the web server and the worker must share it."""
    return app.config.get("LTI_KEY_DIR") or str(Path(app.key_dir) / KEY_DIR)


def _directory(key_dir: str) -> Path:
    path = Path(key_dir)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _files(key_dir: str) -> list[Path]:
    # Names start with the creation time, so the newest sorts last.
    return sorted(_directory(key_dir).glob("*.pem"))


def _load(path: Path) -> RSAKey:
    key = RSAKey.import_key(path.read_bytes(), {"use": "sig", "alg": "RS256"})
    key.ensure_kid()
    return key


def add_key(key_dir: str) -> RSAKey:
    """Make a new signing key, readable by this user only; it signs from now on."""
    key = RSAKey.generate_key(KEY_BITS, {"use": "sig", "alg": "RS256"}, private=True)
    key.ensure_kid()
    path = _directory(key_dir) / f"{time.time_ns():020d}-{key.kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.as_pem(private=True))
    return key


def signing_key(key_dir: str) -> RSAKey:
    """The newest key, made now if there is none yet."""
    files = _files(key_dir)
    return _load(files[-1]) if files else add_key(key_dir)


def public_key_set(key_dir: str) -> dict:
    """Every key's public half, as a JSON Web Key Set."""
    signing_key(key_dir)  # the first request makes the first key
    keys = [_load(path) for path in _files(key_dir)]
    return KeySet(keys).as_dict(private=False)


def key_ids(key_dir: str) -> list[str]:
    """The key ids, oldest first; the last one signs."""
    return [_load(path).kid for path in _files(key_dir)]


def retire_key(key_dir: str, kid: str) -> None:
    """Remove an older key, so that it is no longer published or trusted."""
    files = _files(key_dir)
    matches = [path for path in files if path.stem.split("-", 1)[-1] == kid]
    if not matches:
        raise KeyProblem(f"There is no key {kid}. Keys: {', '.join(key_ids(key_dir))}.")
    if matches[0] == files[-1]:
        raise KeyProblem(f"Key {kid} is the one that signs: add a new key first.")
    matches[0].unlink()
