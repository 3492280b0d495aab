"""What other apps add to the case pages, registered by those apps: cases renders it without importing them.

cases sits at the bottom of the domain stack (design.md section 2): keyworkers, contracts, referrals and trials
build on it, so a case page cannot import what they show. Each of those apps registers its parts here in its
AppConfig.ready() (each app's contributions.py):

- `register(Section(...))`: a part of a case page. `context(case=, user=, today=)` reads what the part shows
  (once per page, whatever the number of slots it fills) and returns None for nothing to show; each of its
  `templates` ({slot: template}) is included where the page's template loops over that slot, with the context
  as `part` (the page's own context, `case`, `held`, `supervises`..., is there too).
- `register_history(label, versions)`: a kind of record whose changes the case's change history lists:
  `versions(case)` returns (model, its django-simple-history versions for the case).

The pages and their slots: "overview" (alerts, next_step), "submission" (actions, held_by_team), "intake_done" (next).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Section:
    name: str  # unique: registering the same name again replaces the part
    page: str
    templates: dict[str, str]
    context: Callable[..., dict[str, Any] | None]
    order: int = 100  # lower first within a slot


@dataclass(frozen=True)
class Part:
    template: str
    context: dict[str, Any]

    def __getattr__(self, name):  # the template reads `part.pending_closure`
        try:
            return self.context[name]
        except KeyError:
            raise AttributeError(name) from None


_sections: dict[str, Section] = {}
_history: dict[str, Callable[[Model], tuple[type[Model], QuerySet]]] = {}


def register(section: Section) -> None:
    _sections[section.name] = section


def register_history(label: str, versions: Callable[[Model], tuple[type[Model], QuerySet]]) -> None:
    _history[label] = versions


def parts(page: str, *, case, user, today: date) -> dict[str, list[Part]]:
    """The parts registered for a page, each context read once: {slot: [parts, in order]}."""
    slots: dict[str, list[Part]] = {}
    for section in sorted((s for s in _sections.values() if s.page == page), key=lambda s: (s.order, s.name)):
        context = section.context(case=case, user=user, today=today)
        if context is None:
            continue
        for slot, template in section.templates.items():
            slots.setdefault(slot, []).append(Part(template, context))
    return slots


def history_records() -> dict[str, Callable[[Model], tuple[type[Model], QuerySet]]]:
    """{label: versions(case)} of the records other apps keep about a case, in the order they registered."""
    return dict(_history)
