"""plotly.js served from the installed plotly package: no CDN, no copy in the repository."""

from __future__ import annotations

from functools import cache
from importlib import metadata, resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

PLOTLY_ASSET_PATH = "/static/vendor/plotly.min.js"
# A year: the URL carries the plotly version, so a new version is a new URL.
VENDOR_CACHE_MAX_AGE_S = 365 * 24 * 3600


class VendorAssetMissingError(RuntimeError):
    """The plotly package is installed without its bundled plotly.min.js."""


@cache
def find_plotly_bundle() -> Path:
    """The plotly.min.js the plotly Python package ships (``plotly/package_data``)."""
    bundle = resources.files("plotly") / "package_data" / "plotly.min.js"
    path = Path(str(bundle))
    if not path.is_file():
        raise VendorAssetMissingError(
            f"{path} not found: reinstall plotly (pip install --force-reinstall plotly)"
        )
    return path


@cache
def plotly_asset_url() -> str:
    """The script URL templates use: versioned, so browsers may keep it for a year."""
    return f"{PLOTLY_ASSET_PATH}?v={metadata.version('plotly')}"


vendor_router = APIRouter(include_in_schema=False)


@vendor_router.get(PLOTLY_ASSET_PATH)
def plotly_bundle() -> FileResponse:
    return FileResponse(
        find_plotly_bundle(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": f"public, max-age={VENDOR_CACHE_MAX_AGE_S}, immutable"},
    )
