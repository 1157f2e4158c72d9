"""A person's calendar as iCalendar (RFC 5545), built with the icalendar library."""

from django.utils import timezone
from icalendar import Calendar, Event


def calendar_bytes(entries: list[dict], name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Voisins//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    now = timezone.now()
    for entry in entries:
        event = Event()
        event.add("uid", entry["uid"])
        event.add("dtstamp", now)
        event.add("summary", entry["title"])
        event.add("dtstart", entry["start"])
        event.add("dtend", entry["end"])
        if entry["location"]:
            event.add("location", entry["location"])
        if entry["description"]:
            event.add("description", entry["description"])
        event.add("status", entry["status"])
        event.add("last-modified", entry["updated"])
        calendar.add_component(event)
    return calendar.to_ical()
