"""A keyworker's appointments as an iCalendar feed, for their work calendar.

The feed is fetched by calendar software without a session, through a private
address; it carries case numbers and places, never names or offences.
"""

from datetime import timedelta

from icalendar import Calendar, Event


def appointments_calendar(appointments, *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//OoCR case manager//appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for contact in appointments:
        event = Event()
        event.add("uid", f"contact-{contact.pk}@oocr-case-manager")
        event.add("dtstart", contact.starts_at)
        event.add("dtend", contact.starts_at + timedelta(minutes=contact.duration_minutes or 60))
        event.add("dtstamp", contact.created_at)
        event.add("summary", f"{contact.get_type_display()}: case {contact.case.number}")
        if contact.place:
            event.add("location", contact.place)
        calendar.add_component(event)
    return calendar.to_ical()
