"""County and province geometry for the app: static GeoJSON URLs and county attributes."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import polars as pl

from loaders import paths

# NOTE: geometry is built by `loaders.build.geometry` (GeoPandas); this module must stay light,
# so it never imports geopandas or shapely and never reads the geometry column.

#: The national map's fixed extent (degrees), shared by the app's maps and the bench.
CHINA_LON = (73.4, 135.2)
CHINA_LAT = (17.6, 53.7)
NATIONAL_LAYER = "counties_national"
PROVINCES_LAYER = "provinces"
COUNTIES_PARQUET = "counties_national.parquet"

#: Columns of the county attribute table (all strings; one row per county-level unit).
SCHEMA = pl.Schema(
    {
        "adcode": pl.String,
        "name_zh": pl.String,
        "prefecture_adcode": pl.String,
        "prefecture_name_zh": pl.String,
        "province_adcode": pl.String,
        "province_name_zh": pl.String,
    }
)

#: Where Streamlit serves ``static/`` when ``server.enableStaticServing`` is on.
STATIC_URL_PREFIX = "app/static/geo"

_LAYER = re.compile(r"counties_national|provinces|counties_\d{2}")
_PROVINCE = re.compile(r"\d{2}(0000)?")


def static_url(layer: str) -> str:
    """Return the URL path of a layer's GeoJSON as served by Streamlit's static serving.

    The path is relative (no leading slash), so it also works when the app runs under
    a ``server.baseUrlPath``. It ends in ``?v=`` and the first 12 hex digits of the
    file's sha256, so a proxy can let browsers cache it for a year (deploy/nginx.conf):
    rebuilt geometry gets a new URL.

    Parameters
    ----------
    layer
        ``"counties_national"``, ``"provinces"`` or ``"counties_<2-digit province code>"``
        (see `province_layer_name`).

    Returns
    -------
    str
        For example ``"app/static/geo/counties_national.json?v=3f2a9c1b7d4e"`` (without
        ``?v=`` when the file is missing).

    Raises
    ------
    ValueError
        If ``layer`` is not a layer name.

    Examples
    --------
    >>> static_url("counties_52").split("?v=")[0]
    'app/static/geo/counties_52.json'
    """
    if not _LAYER.fullmatch(layer):
        raise ValueError(f"not a geometry layer: {layer!r}")
    url = f"{STATIC_URL_PREFIX}/{layer}.json"
    path = paths.STATIC_GEO_DIR / f"{layer}.json"
    try:
        info = path.stat()
    except OSError:
        return url
    return f"{url}?v={_content_version(path, info.st_size, info.st_mtime_ns)}"


@functools.lru_cache(maxsize=64)
def _content_version(path: Path, size: int, mtime_ns: int) -> str:
    """Return the first 12 hex digits of a file's sha256 (cached per size and mtime)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def province_layer_name(province_adcode: str) -> str:
    """Return the name of the province-view county layer of a province.

    Parameters
    ----------
    province_adcode
        Six-digit province adcode (``"520000"``) or its two-digit prefix (``"52"``).

    Returns
    -------
    str
        ``"counties_<2-digit province code>"``.

    Raises
    ------
    ValueError
        If ``province_adcode`` is not a province code.

    Examples
    --------
    >>> province_layer_name("520000")
    'counties_52'
    """
    if not _PROVINCE.fullmatch(province_adcode):
        raise ValueError(f"not a province adcode: {province_adcode!r}")
    return f"counties_{province_adcode[:2]}"


def available_layers(static_dir: Path | None = None) -> list[str]:
    """List the layers whose GeoJSON exists in the static folder.

    Parameters
    ----------
    static_dir
        Folder of the browser GeoJSON; defaults to ``static/geo``.

    Returns
    -------
    list of str
        Layer names, sorted (``counties_11`` … ``counties_national``, ``provinces``).
    """
    folder = static_dir if static_dir is not None else paths.STATIC_GEO_DIR
    return sorted(p.stem for p in folder.glob("*.json") if _LAYER.fullmatch(p.stem))


def county_attributes(geo_dir: Path | None = None) -> pl.DataFrame:
    """Read the county attributes (no geometry) of the national GeoParquet layer.

    Parameters
    ----------
    geo_dir
        Folder of the GeoParquet layers; defaults to ``data/geo``.

    Returns
    -------
    polars.DataFrame
        One row per county-level unit, sorted by adcode, with the columns of `SCHEMA`.

    Raises
    ------
    ValueError
        If the file's columns do not match `SCHEMA`.
    """
    folder = geo_dir if geo_dir is not None else paths.GEO_DIR
    frame = pl.read_parquet(folder / COUNTIES_PARQUET, columns=list(SCHEMA.names()))
    if frame.schema != SCHEMA:
        raise ValueError(f"{COUNTIES_PARQUET}: expected {SCHEMA}, found {frame.schema}")
    return frame


POINTS_PARQUET = "county_points.parquet"


@functools.cache
def county_points(geo_dir: Path | None = None) -> pl.DataFrame:
    """Return one point inside every county: ``adcode``, ``lon``, ``lat`` (for markers)."""
    folder = geo_dir if geo_dir is not None else paths.GEO_DIR
    return pl.read_parquet(folder / POINTS_PARQUET)
