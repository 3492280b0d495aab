"""The parts cases itself adds to its overview through cases.sections (cases/apps.py registers them), ordered among those of other apps."""

from cases import sections, selectors


def _victims_code_late(*, case, user, today) -> dict | None:
    late = [item for item in selectors.victims_code_items(case=case) if item.is_late(today)]
    return {"victims_code_late": late} if late else None


def register() -> None:
    sections.register(sections.Section(name="cases.victims_code_late", page="overview", order=20, context=_victims_code_late,
                                       templates={"alerts": "cases/sections/victims_code_late.html"}))
