"""An RFC 7946 check of the GeoJSON the build writes and the accessor returns."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import shape


def ring_problems(ring: list[list[float]], exterior: bool) -> list[str]:
    """What is wrong with one linear ring (RFC 7946 §3.1.6)."""
    problems = []
    if len(ring) < 4 or ring[0] != ring[-1]:
        problems.append("a ring must be closed and have at least four positions")
    if any(len(p) != 2 or not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90) for p in ring):
        problems.append("a position is not longitude, latitude in range")
    if len(ring) >= 4 and shapely.LinearRing(ring).is_ccw != exterior:
        problems.append("exterior rings counter-clockwise, holes clockwise")
    return problems


def feature_problems(feature: Any) -> list[str]:
    """What is wrong with one Feature whose geometry is a MultiPolygon."""
    if feature.get("type") != "Feature" or not isinstance(feature.get("properties"), dict):
        return ["not a Feature with properties"]
    geometry = feature.get("geometry") or {}
    if geometry.get("type") != "MultiPolygon":
        return ["not a MultiPolygon"]
    problems = [
        problem
        for polygon in geometry["coordinates"]
        for index, ring in enumerate(polygon)
        for problem in ring_problems(ring, index == 0)
    ]
    if not problems and not shape(geometry).is_valid:
        problems.append("not a valid geometry")
    return problems


def collection_problems(data: Any) -> list[str]:
    """What is wrong with a FeatureCollection (no 'crs' member: RFC 7946 is CRS84)."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or "crs" in data:
        return ["not a FeatureCollection without 'crs'"]
    return [f"{f.get('id')}: {p}" for f in data.get("features", []) for p in feature_problems(f)]
