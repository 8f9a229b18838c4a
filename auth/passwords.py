"""Password hashing with scrypt (memory-hard), a per-password salt and constant-time comparison; the strength
rule (OWASP ASVS 2.1): at least 12 characters, not guessable by zxcvbn (its bundled lists of common and breached
passwords, names and words: PyPI `zxcvbn`, MIT), no user name inside, never a password this project publishes."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

N, R, P = 2 ** 14, 8, 1
MIN_LENGTH = 12
MIN_SCORE = 3                     # zxcvbn: 3 = "safely unguessable", about 10^8 guesses or more


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return "$".join(["scrypt", str(N), str(R), str(P), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                               dklen=32)
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def check_strength(password: str, username: str | None = None, published: tuple[str, ...] = ()) -> None:
    """Refuse passwords a guess would find: shorter than MIN_LENGTH, containing the user name, among the
    `published` ones (the README's demo passwords), or scored below MIN_SCORE by zxcvbn (which knows the
    common and breached passwords and keyboard patterns)."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_LENGTH:
        raise ValueError(f"password too short: at least {MIN_LENGTH} characters")
    if username and username.lower() in password.lower():
        raise ValueError("the password must not contain the user name")
    if password in published:
        raise ValueError("this password is published (README): choose another")
    if zxcvbn(password[:100], user_inputs=[username] if username else [])["score"] < MIN_SCORE:
        raise ValueError("password too easy to guess (a common or breached password, a word or a pattern)")
