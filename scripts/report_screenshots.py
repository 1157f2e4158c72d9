"""Render the funder report of the demo programme, page by page, to
docs/screenshots/report-<language>-<page>.png (French, Dutch and English), so that what a
funder gets can be looked at and compared from one change to the next.

It builds the demo programme of `make run` in a throwaway SQLite database, adds one
programme pause (16 March to 18 May of last year) so that the lockdown figure shows,
writes each report as a PDF and renders it with poppler's `pdftoppm` at 60 dpi. With
--export it also renders a family's personal data export (voisins.gdpr) and the report's
pages at 70 dpi to a folder given, for looking at without committing them.

    .venv/bin/python scripts/report_screenshots.py [--export /tmp/pages]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "docs" / "screenshots"
LANGUAGES = ("fr", "nl", "en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path, help="also render every PDF page at 70 dpi here")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        os.environ["DATABASE_URL"] = f"sqlite:///{work}/screenshots.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voisins.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        from voisins.evaluation import reports, selectors
        from voisins.matches.models import ProgrammePause
        from voisins.programmes.models import Programme

        call_command("migrate", verbosity=0)
        call_command("demo", families=120, volunteers=100, matches=25, proposals=8, ended=80,
                     journey=True, seed=1, verbosity=0)
        programme = Programme.objects.get(slug="demo")
        year = timezone.localdate().year - 1
        ProgrammePause.objects.create(
            programme=programme, message="Confinement",
            started_at=timezone.make_aware(datetime(year, 3, 16, 9)),
            ended_at=timezone.make_aware(datetime(year, 5, 18, 9)))
        for old in SCREENSHOTS.glob("report-*.png"):
            old.unlink()
        for language in LANGUAGES:
            report = reports.report_build(programme=programme,
                                          period=selectors.default_period(),
                                          language=language)
            pdf = Path(work) / f"report-{language}.pdf"
            pdf.write_bytes(reports.report_pdf(report))
            _render(pdf, SCREENSHOTS / f"report-{language}", 60)
            if options.export:
                options.export.mkdir(parents=True, exist_ok=True)
                _render(pdf, options.export / f"report-{language}", 70)
        if options.export:
            _render_export(programme, Path(work), options.export)
    print(f"written: {', '.join(sorted(p.name for p in SCREENSHOTS.glob('report-*.png')))}")


def _render(pdf: Path, stem: Path, dpi: int) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        sys.exit("pdftoppm is missing: apt-get install poppler-utils")
    # Our own PDF and paths, no shell.
    subprocess.run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(stem)], check=True)  # noqa: S603


def _render_export(programme, work: Path, folder: Path) -> None:
    from django.utils import translation

    from voisins.gdpr.pdf import export_pdf
    from voisins.gdpr.selectors import household_export
    from voisins.households.models import FamilyHousehold

    family = FamilyHousehold.objects.filter(programme=programme, status="matched").first()
    for language in LANGUAGES:
        with translation.override(language):
            pdf = work / f"export-{language}.pdf"
            pdf.write_bytes(export_pdf(household_export(family)))
            _render(pdf, folder / f"export-{language}", 70)


if __name__ == "__main__":
    main()
