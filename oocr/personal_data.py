"""The personal-data hook: what each app holds about a person and their cases, how it is exported, how it is disposed of.

Subject access (oocr/audit/subject_access.py) and disposal at the end of retention (retention/services.py) ask
the hooks and nothing else, so the core names no domain app and a new app joins both by declaring its hook in
its own `<app>/personal_data.py`:

    register(PersonalDataHook(
        app_label="widgets",
        holds={"Widget": "notes about the case: erased at disposal", ...},
        sections=widget_sections,  # (person, case_ids) -> [Section, ...] for the subject access export
        erase=widgets_erase, erase_order=45,  # (disposal) -> None, in the disposal's transaction
    ))

`holds` names every model of the app that points at a person or a case (directly or through another model),
saying what happens to it; tests/test_personal_data.py walks the model graph and fails on a model no hook names.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO

from django.db import models
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Section:
    """One part of the subject access export: its title, its records, and where it comes in the document."""

    position: int  # the order of the sections in the export, across apps (the person first, the access log last)
    title: str
    records: Iterable[models.Model]
    # For records that are files (a case's documents): record -> (its name in the export's zip, a function opening it
    # for reading in binary), or None when the record's file is gone. The zip carries the file; the record names it.
    file_of: Callable[[models.Model], tuple[str, Callable[[], IO[bytes]]] | None] | None = None


@dataclass(frozen=True)
class Disposal:
    """One case being disposed of at the end of retention."""

    case_id: int
    # The person's id when their own details go too (none of their other cases is still held); otherwise None.
    person_id: int | None


def no_sections(*, person, case_ids: list[int]) -> list[Section]:
    return []


@dataclass(frozen=True)
class PersonalDataHook:
    app_label: str
    # Model name -> what it holds about the person or case and what becomes of it (exported, erased, kept and why).
    holds: dict[str, str]
    sections: Callable[..., list[Section]] = no_sections  # sections(person=, case_ids=)
    erase: Callable[[Disposal], None] | None = None
    erase_order: int = 100  # the order the apps' erasures run in, within the disposal's transaction
    # Finds the person a subject access request is about from what the requester gave (a case or record number).
    subject_find: Callable[[str], models.Model | None] | None = None
    # The ids of a person's cases, which the other apps' sections are filtered by (the app holding the cases gives it).
    cases_of: Callable[[models.Model], list[int]] | None = None

    def model_labels(self) -> set[str]:
        return {f"{self.app_label}.{name}" for name in self.holds}


_hooks: dict[str, PersonalDataHook] = {}
_discovered = False


def register(hook: PersonalDataHook) -> None:
    """Called by an app's personal_data module; registering the same app again replaces its hook."""
    _hooks[hook.app_label] = hook


def hooks() -> list[PersonalDataHook]:
    """Every app's hook (each installed app's personal_data module imported once, on first use)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("personal_data")
        _discovered = True
    return list(_hooks.values())


def subject_sections(*, person) -> list[Section]:
    """Everything held about `person` across the apps, in the export's order."""
    case_ids = [case_id for hook in hooks() if hook.cases_of is not None for case_id in hook.cases_of(person)]
    sections = [section for hook in hooks() for section in hook.sections(person=person, case_ids=case_ids)]
    return sorted(sections, key=lambda section: section.position)


def subject_find(text: str):
    """The person a subject access request names (by a case number or a record number), or None."""
    for hook in hooks():
        if hook.subject_find is not None and (person := hook.subject_find(text)) is not None:
            return person
    return None


def dispose(disposal: Disposal) -> None:
    """Remove the personal data every app holds about the case (and the person, when `disposal.person_id` is set)."""
    for hook in sorted(hooks(), key=lambda hook: (hook.erase_order, hook.app_label)):
        if hook.erase is not None:
            hook.erase(disposal)


def uncovered_models(model_classes: Iterable[type[models.Model]], *, roots: set[str], covered: set[str]) -> list[str]:
    """The labels of the models pointing at a root (a person, case or victim), directly or through a chain of foreign
    keys, that are not `covered`; the roots themselves must be covered too. A history table (django-simple-history)
    counts as the model it keeps versions of."""
    model_classes = list(model_classes)
    linked = {model._meta.label for model in model_classes if model._meta.label in roots}
    changed = True
    while changed:
        changed = False
        for model in model_classes:
            if model._meta.label in linked:
                continue
            relations = [field for field in [*model._meta.concrete_fields, *model._meta.many_to_many] if field.is_relation]
            if any(field.related_model is not None and field.related_model._meta.label in roots | linked for field in relations):
                linked.add(model._meta.label)
                changed = True
    by_label = {model._meta.label: model for model in model_classes}
    return sorted(label for label in linked if _kept_label(by_label[label]) not in covered)


def _kept_label(model: type[models.Model]) -> str:
    """A history model's label is that of the model it keeps (a many-to-many's: the model holding the field)."""
    kept = getattr(model, "instance_type", None)
    if kept is None:
        return model._meta.label
    return (kept._meta.auto_created or kept)._meta.label
