"""Keeping keys out of error texts: one function, applied wherever an error text is built
(provider errors and replies, data-source errors, the admin surface).

A provider can echo what it was sent: a proxy's error page repeats the ``Authorization``
header, a model repeats part of its prompt, an SDK error quotes the body it got. Every
``ProviderError`` message, every rejected reply's reason and every body excerpt goes
through ``redact`` before it is raised, so nothing downstream (logs, ``models.last_error``,
the admin API, the CLI) can leak a key. Configured keys are removed by value; anything
shaped like a credential (a bearer token, an ``sk-`` key, a long opaque token, a password
in a URL) is removed by shape, so an unknown or partial key is masked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["REDACTED", "redact"]

REDACTED = "***"
"""What a removed secret is replaced with."""

_LABELLED = re.compile(
    r"(?i)\b((?:proxy-)?authorization|x-api-key|api[-_]?key|(?:access|auth|refresh)[-_]?token"
    r"|client[-_]?secret|secret|password|passwd)"
    r"([\"']?\s*[:=]\s*[\"']?)(?:(?:bearer|basic|token)\s+)?[^\s\"',;&<>]+"
)
"""A credential named by its label (``Authorization: Bearer x``, ``api_key=x``)."""
_SHAPES = (
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{4,}"),
    re.compile(r"\b(?:sk|pk|rk|xai)-[A-Za-z0-9_-]{6,}"),
    re.compile(r"\b(?:gsk|hf|ghp|gho|ghs|glpat|xox[abprs])[_-][A-Za-z0-9_-]{8,}"),
    re.compile(r"\bAIza[0-9A-Za-z_-]{20,}"),
    re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
    re.compile(r"\b(?=[A-Za-z_]*\d)(?=[0-9_]*[A-Za-z])[A-Za-z0-9_]{32,}\b"),
)
"""Credentials recognised by shape: bearer/basic values, vendor key prefixes, JWTs, and
long opaque tokens mixing letters and digits."""
_URL_PASSWORD = re.compile(r"(://[^/\s:@]+):[^/\s@]+@")


def _mask_shape(match: re.Match[str]) -> str:
    scheme = match.group(1) if match.re.groups else None
    return f"{scheme} {REDACTED}" if scheme else REDACTED


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with every configured secret and every credential-shaped string masked.

    Redact before truncating: a key cut in half by an excerpt no longer matches its value.

    Args:
        text: An error text that may hold something a provider echoed.
        secrets: The configured key values (longest are replaced first, so a key that
            contains another is masked whole).

    Returns:
        The text with ``***`` in place of each secret.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _LABELLED.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    for pattern in _SHAPES:
        text = pattern.sub(_mask_shape, text)
    return _URL_PASSWORD.sub(rf"\1:{REDACTED}@", text)
