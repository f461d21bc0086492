"""Great-circle distance helpers on a spherical Earth.

The matcher needs distances between a few hundred places, many times over, so everything is
vectorised with numpy. Distances use the mean Earth radius (IUGG R1 = 6371.0088 km); the
spherical model is within 0.6 % of the WGS-84 geodesic, which is irrelevant for allocation and
about ten thousand times faster (research/matching.md §5).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Return the 3-D unit vectors (n, 3) of points given in degrees."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)], axis=-1)


def chord_to_km(chord: npt.ArrayLike) -> FloatArray:
    """Convert a chord length between unit vectors into a great-circle distance in km."""
    half = np.clip(np.asarray(chord, dtype=np.float64) / 2.0, 0.0, 1.0)
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(half), dtype=np.float64)


def great_circle_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Haversine distance in km between points (degrees); arguments broadcast."""
    p1, p2 = np.radians(np.asarray(lat1, float)), np.radians(np.asarray(lat2, float))
    dphi = p2 - p1
    dlam = np.radians(np.asarray(lon2, float)) - np.radians(np.asarray(lon1, float))
    h = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def rounded_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> IntArray:
    """Great-circle distance rounded to whole km, the unit of the matcher's costs."""
    return np.rint(great_circle_km(lat1, lon1, lat2, lon2)).astype(np.int64)


def km_matrix(
    lat_a: npt.ArrayLike, lon_a: npt.ArrayLike, lat_b: npt.ArrayLike, lon_b: npt.ArrayLike
) -> IntArray:
    """Rounded km from every point of A (rows) to every point of B (columns)."""
    la, oa = np.asarray(lat_a, float)[:, None], np.asarray(lon_a, float)[:, None]
    lb, ob = np.asarray(lat_b, float)[None, :], np.asarray(lon_b, float)[None, :]
    return rounded_km(la, oa, lb, ob)
