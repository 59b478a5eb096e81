"""The base of every model documenting a read endpoint's body: no key beyond its fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictBody(BaseModel):
    """A body as the OpenAPI contract documents it.

    The routes send pre-serialised bytes (scoreline.api.responses), so these models document
    the bodies rather than build them; the API tests validate every body against its model,
    strictly and with no extra key allowed.
    """

    model_config = ConfigDict(extra="forbid")
