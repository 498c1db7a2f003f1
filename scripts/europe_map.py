#!/usr/bin/env python3
"""Make the map of Europe the build draws participating countries on
(``src/innoproc/build/charts/europe.json``): one SVG path per country, keyed by its ISO 3166-1
alpha-3 code, the code the EU country table gives as ``skos:notation``.

The geometry is Natural Earth's 1:50m countries (public domain), as the npm package
``world-atlas`` (ISC licence) ships it as TopoJSON, pinned to version and checksum below. Its
countries carry ISO 3166-1 numeric codes; the alpha-3 code of each comes from Debian's
``iso-codes`` (``/usr/share/iso-codes/json/iso_3166-1.json``). Countries without a code there
(Kosovo, Northern Cyprus, ...) are drawn as background and have no key.

The countries are projected with the Lambert azimuthal equal-area projection centred on
53° N 12° E (near EPSG:3035, ETRS89-LAEA, which centres on 52° N 10° E), clamped to a frame
a little wider than the picture, simplified (Ramer-Douglas-Peucker, half a unit) and rounded
to whole units, so the file is small and the same every time::

    python scripts/europe_map.py            # writes the file
    python scripts/europe_map.py --check    # fails if the file is not what it would write
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "world-atlas@2.0.2"
SHA256 = "032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97"
MEMBER = "package/countries-50m.json"
ISO_CODES = Path("/usr/share/iso-codes/json/iso_3166-1.json")
OUT = Path(__file__).resolve().parent.parent / "src/innoproc/build/charts/europe.json"

WIDTH, HEIGHT = 600, 560
CENTRE = (12.0, 53.0)
SCALE = 640.0
"""Map units per radian of the unit sphere: sets the zoom."""
OFFSET = (290.0, 275.0)
"""Where the centre lands in the picture."""
MARGIN = 20.0
TOLERANCE = 0.5
Point = tuple[float, float]


def download() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        data = tarball.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        sys.exit(f"{PACKAGE}: sha256 {digest}, expected {SHA256}")
    return data


def topology(tarball: bytes) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".tgz") as f:
        f.write(tarball)
        f.flush()
        with tarfile.open(f.name) as tar:
            member = tar.extractfile(MEMBER)
            assert member is not None
            return json.loads(member.read())  # type: ignore[no-any-return]


def arcs(topo: dict[str, Any]) -> list[list[Point]]:
    """The arcs in longitude and latitude (TopoJSON stores them quantised and delta-coded)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def ring(indices: list[int], lines: list[list[Point]]) -> list[Point]:
    points: list[Point] = []
    for i in indices:
        arc = lines[i] if i >= 0 else lines[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def project(lon: float, lat: float) -> Point:
    """Lambert azimuthal equal-area, centred on :data:`CENTRE`, y downwards."""
    lam, phi = math.radians(lon - CENTRE[0]), math.radians(lat)
    phi0 = math.radians(CENTRE[1])
    k = math.sqrt(
        2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam))
    )
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    return OFFSET[0] + SCALE * x, OFFSET[1] - SCALE * y


def in_europe(points: list[Point]) -> bool:
    """A ring to draw: some of it within 60° of arc of the centre and inside the frame
    (French Guiana, Réunion and the like fall outside)."""
    for lon, lat in points:
        if abs(lon - CENTRE[0]) < 60 and lat > 25:
            x, y = project(lon, lat)
            if -MARGIN <= x <= WIDTH + MARGIN and -MARGIN <= y <= HEIGHT + MARGIN:
                return True
    return False


def clamp(p: Point) -> Point:
    return (
        min(max(p[0], -MARGIN), WIDTH + MARGIN),
        min(max(p[1], -MARGIN), HEIGHT + MARGIN),
    )


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Ramer-Douglas-Peucker, iteratively."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            d = (
                abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
                if norm
                else math.hypot(px - x1, py - y1)
            )
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def path(rings: list[list[Point]]) -> str:
    parts = []
    for points in rings:
        projected = [clamp(project(lon, lat)) for lon, lat in points]
        simple = simplify(projected, TOLERANCE)
        rounded: list[tuple[int, int]] = []
        for x, y in simple:
            p = (round(x), round(y))
            if not rounded or rounded[-1] != p:
                rounded.append(p)
        if rounded[-1] == rounded[0]:
            rounded.pop()
        if len(rounded) < 3:
            continue
        x0, y0 = rounded[0]
        steps = " ".join(f"{x - px} {y - py}" for (px, py), (x, y) in itertools.pairwise(rounded))
        parts.append(f"M{x0} {y0}l{steps}z")
    return "".join(parts)


def build() -> str:
    topo = topology(download())
    lines = arcs(topo)
    codes = {c["numeric"]: c["alpha_3"] for c in json.loads(ISO_CODES.read_text("utf-8"))["3166-1"]}
    countries: dict[str, str] = {}
    background: list[str] = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [ring(r, lines) for polygon in polygons for r in polygon]
        rings = [r for r in rings if in_europe(r)]
        d = path(rings) if rings else ""
        if not d:
            continue
        code = codes.get(geometry.get("id", ""))
        if code:
            countries[code] = d
        else:
            background.append(d)
    data = {
        "source": f"Natural Earth 1:50m countries (public domain), from the npm package {PACKAGE}",
        "projection": "Lambert azimuthal equal-area, centred on 53N 12E",
        "width": WIDTH,
        "height": HEIGHT,
        "countries": dict(sorted(countries.items())),
        "background": sorted(background),
    }
    return json.dumps(data, indent=0, sort_keys=True) + "\n"


def main() -> None:
    text = build()
    if "--check" in sys.argv:
        if OUT.read_text("utf-8") != text:
            sys.exit(f"{OUT} is not what {PACKAGE} gives: run scripts/europe_map.py")
        return
    OUT.write_text(text, "utf-8")
    print(f"{OUT}: {len(text)} bytes")


if __name__ == "__main__":
    main()
