"""The commands that take a programme by its short name (purge-inactive, processing-record,
import, match) find it, or stop with one message naming the name given."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from voisins.programmes.commands import programme_named


@pytest.mark.django_db
@pytest.mark.parametrize("command", [["purge-inactive", "--dry-run", "--programme", "nowhere"],
                                     ["processing-record", "--programme", "nowhere"],
                                     ["match", "nowhere"]])
def test_an_unknown_programme_stops_the_command_naming_it(command):
    with pytest.raises(CommandError, match="No programme with short name 'nowhere'"):
        call_command(*command)


@pytest.mark.django_db
def test_a_known_programme_is_found_by_its_short_name(north):
    assert programme_named(north.slug) == north
