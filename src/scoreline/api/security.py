"""Bearer tokens for the write and admin endpoints, compared as sha256 digests in constant time."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from scoreline.api.deps import get_settings
from scoreline.bootstrap.settings import find_env_name

TOKENS_ENV = find_env_name("api_tokens")
WRITES_DISABLED = f"write endpoints are disabled: set {TOKENS_ENV}"
MISSING_TOKEN = "this endpoint needs an Authorization: Bearer <token> header"
UNKNOWN_TOKEN = f"the bearer token is not one of {TOKENS_ENV}"

# auto_error off: the answer (403 without configured tokens, else 401) is decided below; the
# scheme is still declared, so the OpenAPI document shows which operations need a token.
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description=f"One of the tokens in {TOKENS_ENV} (comma-separated).",
)


@lru_cache(maxsize=8)
def hash_tokens(tokens: tuple[str, ...]) -> tuple[bytes, ...]:
    """The sha256 digests of ``tokens``, computed once per configured set."""
    return tuple(hashlib.sha256(token.encode()).digest() for token in tokens)


def is_known_token(presented: str, digests: tuple[bytes, ...]) -> bool:
    """True when ``presented`` hashes to one of ``digests``.

    Digests, not the tokens, are compared: they have one length, so compare_digest's time
    says nothing about a token's length; and every digest is compared, so the time does not
    say which token matched either.
    """
    candidate = hashlib.sha256(presented.encode()).digest()
    known = False
    for digest in digests:
        known |= hmac.compare_digest(candidate, digest)
    return known


async def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Let the request through with a configured bearer token: 403 when none is configured,
    401 (with ``WWW-Authenticate: Bearer``) when the token is missing or unknown."""
    digests = hash_tokens(get_settings(request).api_token_list)
    if not digests:
        raise HTTPException(status_code=403, detail=WRITES_DISABLED)
    if credentials is None:
        raise _unauthorized(MISSING_TOKEN)
    if not is_known_token(credentials.credentials, digests):
        raise _unauthorized(UNKNOWN_TOKEN)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


TokenRequired = Depends(require_token)
