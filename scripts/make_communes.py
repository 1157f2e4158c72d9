"""Write voisins/static/voisins/communes-be.geojson: approximate boundaries of Brussels'
19 communes and of the main Walloon towns, derived offline from postcode centroids.

No openly licensed boundary file of Belgian communes is available offline from PyPI or
npm, so the boundaries are *derived*, and drawn as such on the map: each postcode of
Belgium (countrystatecity-postal-codes, ODbL/CC-BY data) gets the Voronoi cell of its
centroid, cut to a disc of CLIP_KM around it; the cells of a commune's postcodes are
merged and simplified. Inner communes come out close to reality, outer edges of a town
are only roughly right. Run again to regenerate (needs shapely: pip install shapely).

    .venv/bin/python scripts/make_communes.py
"""

import json
import math
from pathlib import Path

import numpy as np
from countrystatecity_postal_codes import get_postcodes_of_country
from scipy.spatial import Voronoi
from shapely.geometry import Point, Polygon, mapping
from shapely.ops import unary_union

OUT = Path(__file__).resolve().parents[1] / "voisins/static/voisins/communes-be.geojson"
CLIP_KM = 4.0
LAT0 = 50.6
KX = 111.32 * math.cos(math.radians(LAT0))  # km per degree of longitude
KY = 110.57  # km per degree of latitude


def codes(*spec: str) -> list[str]:
    """'1000' or a range '6000-6044' (every existing postcode in it)."""
    out = []
    for item in spec:
        low, _, high = item.partition("-")
        out.extend(str(n) for n in range(int(low), int(high or low) + 1))
    return out


COMMUNES = {
    # Brussels-Capital Region: the 19 communes
    "Bruxelles / Brussel": ("bru", codes("1000", "1020", "1120", "1130")),
    "Schaerbeek / Schaarbeek": ("bru", codes("1030")),
    "Etterbeek": ("bru", codes("1040")),
    "Ixelles / Elsene": ("bru", codes("1050")),
    "Saint-Gilles / Sint-Gillis": ("bru", codes("1060")),
    "Anderlecht": ("bru", codes("1070")),
    "Molenbeek-Saint-Jean / Sint-Jans-Molenbeek": ("bru", codes("1080")),
    "Koekelberg": ("bru", codes("1081")),
    "Berchem-Sainte-Agathe / Sint-Agatha-Berchem": ("bru", codes("1082")),
    "Ganshoren": ("bru", codes("1083")),
    "Jette": ("bru", codes("1090")),
    "Evere": ("bru", codes("1140")),
    "Woluwe-Saint-Pierre / Sint-Pieters-Woluwe": ("bru", codes("1150")),
    "Auderghem / Oudergem": ("bru", codes("1160")),
    "Watermael-Boitsfort / Watermaal-Bosvoorde": ("bru", codes("1170")),
    "Uccle / Ukkel": ("bru", codes("1180")),
    "Forest / Vorst": ("bru", codes("1190")),
    "Woluwe-Saint-Lambert / Sint-Lambrechts-Woluwe": ("bru", codes("1200")),
    "Saint-Josse-ten-Noode / Sint-Joost-ten-Node": ("bru", codes("1210")),
    # Main Walloon towns
    "Liège": ("wal", codes("4000", "4020", "4030-4032")),
    "Seraing": ("wal", codes("4100-4102")),
    "Verviers": ("wal", codes("4800-4802")),
    "Namur": ("wal", codes("5000-5004", "5020-5024", "5100-5101")),
    "Charleroi": ("wal", codes("6000-6044", "6060-6061")),
    "Arlon": ("wal", codes("6700", "6704", "6706")),
    "Mons": ("wal", codes("7000-7034")),
    "La Louvière": ("wal", codes("7100", "7110")),
    "Tournai": ("wal", codes("7500-7548")),
    "Mouscron": ("wal", codes("7700-7712")),
    "Wavre": ("wal", codes("1300-1301")),
    "Ottignies-Louvain-la-Neuve": ("wal", codes("1340-1348")),
}


def main() -> None:
    entries = [e for e in get_postcodes_of_country("BE")
               if e.latitude is not None and e.longitude is not None]
    points = np.array([[e.longitude * KX, e.latitude * KY] for e in entries])
    index = {e.code: i for i, e in enumerate(entries)}
    # Far-away guard points make every real cell finite.
    lo, hi = points.min(axis=0) - 500, points.max(axis=0) + 500
    guards = np.array([[lo[0], lo[1]], [lo[0], hi[1]], [hi[0], lo[1]], [hi[0], hi[1]]])
    vor = Voronoi(np.vstack([points, guards]))

    def cell(i: int) -> Polygon:
        region = vor.regions[vor.point_region[i]]
        polygon = Polygon([vor.vertices[v] for v in region if v >= 0])
        return polygon.intersection(Point(points[i]).buffer(CLIP_KM, 32))

    features = []
    for name, (region, postcodes) in COMMUNES.items():
        found = [p for p in postcodes if p in index]
        shape = unary_union([cell(index[p]) for p in found]).simplify(0.15)
        geometry = mapping(shape)

        def to_lonlat(ring):
            return [[round(x / KX, 4), round(y / KY, 4)] for x, y in ring]

        if geometry["type"] == "Polygon":
            coords = [to_lonlat(r) for r in geometry["coordinates"]]
        else:
            coords = [[to_lonlat(r) for r in poly] for poly in geometry["coordinates"]]
        features.append({
            "type": "Feature",
            "properties": {"name": name, "region": region, "postcodes": found},
            "geometry": {"type": geometry["type"], "coordinates": coords},
        })
    OUT.write_text(json.dumps({
        "type": "FeatureCollection",
        "properties": {"source": "Derived from postcode centroids (Voronoi); approximate."},
        "features": features,
    }, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(features)} communes, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
