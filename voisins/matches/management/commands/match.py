import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voisins.matches import bridge, waiting
from voisins.matches.models import MatchingRun
from voisins.matches.services import matching_run_execute
from voisins.programmes.commands import programme_named


class Command(BaseCommand):
    help = ("Batch matching of everyone waiting in a programme: stores the engine's proposals "
            "for review (or, with --dry-run, only shows them).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme", help="slug of the programme")
        parser.add_argument("--dry-run", action="store_true", help="store nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: object, **options: object) -> None:
        programme = programme_named(options["programme"])
        # Run inline: the command is itself the background job.
        run = MatchingRun.objects.create(programme=programme, dry_run=bool(options["dry_run"]))
        try:
            run = matching_run_execute(run_id=run.pk)
        except Exception as exc:
            raise CommandError(f"Matching failed: {type(exc).__name__}: {exc}") from exc
        if run.dry_run:
            proposals = run.result
        else:
            proposals = [
                {"family_id": p.family_id, "volunteer_id": p.volunteer_id,
                 "score": round(p.score, 4), "distance_km": round(p.distance_km, 3),
                 "reasons": p.reasons}
                for p in run.proposals.order_by("-score", "id")
            ]
        totals = {
            "programme": programme.slug, "run": run.pk, "dry_run": run.dry_run,
            "families_waiting": run.families_waiting,
            "volunteers_with_room": run.volunteers_available,
            "families_proposed": run.families_proposed,
            "share_proposed": round(run.share_proposed, 4) if run.share_proposed is not None
            else None,
            "median_distance_km": run.median_distance_km,
        }
        if options["json"]:
            not_proposed = waiting.with_texts(run.not_proposed, programme)
            self.stdout.write(json.dumps({**totals, "proposals": proposals,
                                          "not_proposed": not_proposed},
                                         ensure_ascii=False, indent=2))
            return
        for p in proposals:
            reasons = "; ".join(bridge.reason_text(r) for r in p["reasons"])
            self.stdout.write(f"family {p['family_id']} – volunteer {p['volunteer_id']}: "
                              f"{p['distance_km']:.1f} km, score {p['score']:.2f} ({reasons})")
        share = "—" if totals["share_proposed"] is None else f"{totals['share_proposed']:.0%}"
        median = ("—" if run.median_distance_km is None
                  else f"{run.median_distance_km:.1f} km")
        for entry in waiting.with_texts(run.not_proposed, programme):
            changes = "; ".join(c["text"] for c in entry["changes"][:2])
            self.stdout.write(f"family {entry['family_id']} not proposed: "
                              f"{entry['text']}"
                              + (f" Smallest changes: {changes}" if changes else ""))
        verb = "would be proposed" if run.dry_run else "proposed for review"
        self.stdout.write(f"{run.families_proposed} of {run.families_waiting} waiting families "
                          f"{verb} ({share}); median distance {median}.")
