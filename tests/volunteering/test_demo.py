"""The demo programme gets a note (ASBL template), a policy in force and one that ended,
and households that acknowledged it (by link, portal or on paper) while others have not."""

from voisins.blueprints.demo import journey_demo
from voisins.ops.household_demo import generate
from voisins.programmes.models import Programme
from voisins.volunteering import selectors
from voisins.volunteering.demo import volunteering_demo


def test_the_demo_has_a_note_a_policy_and_households_on_both_sides(db):
    generate(families=10, volunteers=30, seed=3, slug="demo")
    programme = Programme.objects.get(slug="demo")
    journey_demo(programme, seed=3)
    note = selectors.current_note(programme)
    assert note is not None and note.legal_status == "asbl"
    assert len(selectors.policies_in_force(programme)) == 1
    assert programme.insurance_policies.count() == 2
    expected = selectors.expected_households(programme).count()
    pending = selectors.unacknowledged_count(programme)
    assert 0 < pending < expected
    channels = set(note.acknowledgements.filter(acknowledged_at__isnull=False)
                   .values_list("channel", flat=True))
    assert "paper" in channels and "link" in channels
    volunteering_demo(programme, seed=3)  # a second run adds nothing
    assert programme.information_notes.count() == 1
