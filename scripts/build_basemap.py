"""Build static/basemap/world.json, the map's offline outline, from the npm package world-atlas.

world-atlas redistributes Natural Earth (public domain) as TopoJSON under the ISC licence.
This script takes its 1:50m countries topology and writes one smaller TopoJSON topology
with three objects, which static/js/map-outline.js draws when no tile server answers:

- ``land``: the merged land polygons, filled, never stroked (Natural Earth cuts some
  polygons at the date line and the south pole, and a stroke would draw those cuts);
- ``coast``: the outline of the land, without the cuts;
- ``borders``: the arcs two countries share.

world-atlas is made for spherical renderers: some of its rings step from 180 to -180
between two points (Chukotka, Fiji, Antarctica). Each arc here is unwrapped instead, its
longitudes running on past 180; map-outline.js joins the arcs of a ring the same way and
closes a ring that goes round the pole along the pole.

Each comes at two levels of detail (``land`` and ``land_low`` ...): the map shows the
lighter one up to zoom 3, where it is as sharp and a third of the work to draw.

TopoJSON keeps every arc once (a coast is also the edge of a land polygon) and
delta-encoded, so the file is a third of the same data as GeoJSON. Arcs are simplified
(Douglas-Peucker, each shared arc once, so borders and coasts still meet) and put on a
0.01-degree grid: enough detail up to zoom 6 or 7.

Run from the repository's root (needs npm, or a tarball fetched by ``npm pack`` elsewhere)::

    python scripts/build_basemap.py                # npm pack world-atlas@2.0.2, then build
    python scripts/build_basemap.py --tarball world-atlas-2.0.2.tgz

The tarball's SHA-512 is checked against the one npm publishes, so the output is the same
on every machine.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import itertools
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

PACKAGE = "world-atlas@2.0.2"
# npm's dist.integrity for world-atlas 2.0.2 (`npm view world-atlas@2.0.2 dist.integrity`).
INTEGRITY = ("sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5l"
             "FHcYa5ChG0LQ==")
MEMBER = "package/countries-50m.json"
# Two levels of detail, as suffixes of the object names: Douglas-Peucker tolerances in
# degrees, each about one pixel where map-outline.js uses it (zoom 4 and up; zoom 3 and below).
LEVELS = {"": 0.03, "_low": 0.15}
QUANTUM = 100  # grid steps per degree
OUTPUT = Path(__file__).resolve().parents[1] / "static" / "basemap" / "world.json"

Point = tuple[float, float]


def fetch_tarball(folder: Path) -> Path:
    """``npm pack`` the pinned package into ``folder`` (npm's ordinary registry client)."""
    # A fixed command line on the developer's machine: nothing in it comes from input.
    subprocess.run(["npm", "pack", PACKAGE, "--pack-destination", str(folder)],  # noqa: S603, S607
                   check=True, capture_output=True)
    return next(folder.glob("world-atlas-*.tgz"))


def read_topology(tarball: Path) -> dict[str, Any]:
    """The 1:50m topology from a verified tarball."""
    data = tarball.read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise SystemExit(f"{tarball}: integrity {digest} is not {PACKAGE}'s")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{tarball} has no {MEMBER}")
        topology: dict[str, Any] = json.load(member)
    return topology


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Absolute longitude/latitude points of every arc (delta-encoded, quantised in TopoJSON)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def unwrapped(points: list[Point]) -> list[Point]:
    """An arc with continuous longitudes: where it steps across the date line, it goes on
    past 180 (or -180) instead of jumping to the other side of the plane."""
    out, shift = points[:1], 0.0
    for (x0, _y0), (x, y) in itertools.pairwise(points):
        if x - x0 > 180:
            shift -= 360
        elif x0 - x > 180:
            shift += 360
        out.append((x + shift, y))
    return out


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative; the two ends always stay."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, distance = _farthest(points, first, last)
        if distance > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _farthest(points: list[Point], first: int, last: int) -> tuple[int, float]:
    (ax, ay), (bx, by) = points[first], points[last]
    dx, dy = bx - ax, by - ay
    length = (dx * dx + dy * dy) ** 0.5
    best, best_distance = first, -1.0
    for k in range(first + 1, last):
        px, py = points[k]
        if length == 0:
            distance = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
        else:
            distance = abs(dy * (px - ax) - dx * (py - ay)) / length
        if distance > best_distance:
            best, best_distance = k, distance
    return best, best_distance


def quantised(points: Iterable[Point]) -> list[tuple[int, int]]:
    """Points on the output grid (``1 / QUANTUM`` degree), without the repeats it makes."""
    out: list[tuple[int, int]] = []
    for x, y in points:
        point = (round((x + 180) * QUANTUM), round((y + 90) * QUANTUM))
        if not out or out[-1] != point:
            out.append(point)
    return out if len(out) > 1 else out * 2


def on_cut(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """A segment along the date line or the south pole: where Natural Earth cuts, not a coast."""
    return (a[0] % (360 * QUANTUM) == 0 and b[0] == a[0]) or (a[1] == 0 and b[1] == 0)


def pieces(points: list[tuple[int, int]]) -> list[tuple[list[tuple[int, int]], bool]]:
    """An arc split where it enters or leaves the cut: (points, lies on the cut) in order."""
    out: list[tuple[list[tuple[int, int]], bool]] = []
    for a, b in itertools.pairwise(points):
        cut = on_cut(a, b)
        if out and out[-1][1] == cut:
            out[-1][0].append(b)
        else:
            out.append(([a, b], cut))
    return out


def polygons(geometry: dict[str, Any]) -> Iterator[list[list[int]]]:
    """The polygons (lists of rings of arc indices) of a Polygon or MultiPolygon."""
    if geometry.get("type") == "Polygon":
        yield geometry["arcs"]
    elif geometry.get("type") == "MultiPolygon":
        yield from geometry["arcs"]


def arc_owners(topology: dict[str, Any]) -> dict[int, set[int]]:
    """For each arc, the countries whose rings use it."""
    owners: dict[int, set[int]] = {}
    for country, geometry in enumerate(topology["objects"]["countries"]["geometries"]):
        for polygon in polygons(geometry):
            for indices in polygon:
                for index in indices:
                    owners.setdefault(index if index >= 0 else ~index, set()).add(country)
    return owners


def delta(points: list[tuple[int, int]]) -> list[list[int]]:
    """TopoJSON's arc encoding: the first position, then differences."""
    out, (px, py) = [], (0, 0)
    for x, y in points:
        out.append([x - px, y - py])
        px, py = x, y
    return out


class Outline:
    """One level of detail of the output topology, its arcs appended to a shared list."""

    def __init__(self, topology: dict[str, Any], tolerance: float,
                 arcs: list[list[list[int]]]) -> None:
        self.arcs = arcs
        self.split: list[list[tuple[int, bool]]] = []  # per input arc: (output arc, on the cut)
        for arc in decode_arcs(topology):
            grid = quantised(simplify(unwrapped(arc), tolerance))
            self.split.append([(self._add(points), cut) for points, cut in pieces(grid)])

    def _add(self, points: list[tuple[int, int]]) -> int:
        self.arcs.append(delta(points))
        return len(self.arcs) - 1

    def ring(self, indices: list[int]) -> list[int]:
        """A ring's output arcs (``~i`` runs arc ``i`` backwards, as in TopoJSON)."""
        out: list[int] = []
        for index in indices:
            if index >= 0:
                out += [arc for arc, _cut in self.split[index]]
            else:
                out += [~arc for arc, _cut in reversed(self.split[~index])]
        return out

    def lines(self, arcs: Iterable[int]) -> list[list[int]]:
        """The output arcs of these input arcs that are not on the cut, one line each."""
        return [[arc] for index in arcs for arc, cut in self.split[index] if not cut]

    def objects(self, topology: dict[str, Any], suffix: str) -> dict[str, Any]:
        """land, coast and borders at this level, their names ending in ``suffix``."""
        owners = arc_owners(topology)
        land = [[self.ring(indices) for indices in polygon]
                for geometry in topology["objects"]["land"]["geometries"]
                for polygon in polygons(geometry)]
        coast = sorted(index for index, countries in owners.items() if len(countries) == 1)
        borders = sorted(index for index, countries in owners.items() if len(countries) > 1)
        return {f"land{suffix}": {"type": "MultiPolygon", "arcs": land},
                f"coast{suffix}": {"type": "MultiLineString", "arcs": self.lines(coast)},
                f"borders{suffix}": {"type": "MultiLineString", "arcs": self.lines(borders)}}


def build(topology: dict[str, Any]) -> dict[str, Any]:
    """The outline: a TopoJSON topology with land, coast and borders at each level."""
    arcs: list[list[list[int]]] = []
    objects: dict[str, Any] = {}
    for suffix, tolerance in LEVELS.items():
        objects.update(Outline(topology, tolerance, arcs).objects(topology, suffix))
    return {"type": "Topology",
            "source": f"Natural Earth 1:50m via npm {PACKAGE} (ISC); data in the public domain",
            "transform": {"scale": [1 / QUANTUM, 1 / QUANTUM], "translate": [-180, -90]},
            "objects": objects, "arcs": arcs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="world-atlas-2.0.2.tgz, if already fetched")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        tarball = args.tarball or fetch_tarball(Path(folder))
        document = build(read_topology(tarball))
    args.output.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(arc) for arc in document["arcs"])
    print(f"{args.output}: {args.output.stat().st_size} bytes, {points} points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
