"""The default library of condition templates (at least 25) and the scheme settings row."""

from django.db import migrations

# (kind, title, text, involves victim, unpaid work, need domain code)
TEMPLATES = [
    ("restorative", "Letter of apology", "You will write a letter of apology to the victim, which your keyworker will read before it is sent.", True, False, ""),
    ("restorative", "Restorative justice conference", "You will take part in a restorative justice conference with the victim, if they wish to meet.", True, False, ""),
    ("restorative", "Letter of apology to the community", "You will write a letter of apology to the community affected by what you did.", False, False, ""),
    ("restorative", "Victim awareness course", "You will complete a victim awareness course and talk through what you learned with your keyworker.", False, False, "attitudes"),
    ("restorative", "Shuttle mediation", "You will take part in mediation through a trained facilitator, if the victim agrees.", True, False, ""),
    ("rehabilitative", "Drug service assessment and treatment", "You will attend an assessment at the drug service and follow the treatment plan agreed with them.", False, False, "drugs"),
    ("rehabilitative", "Alcohol service sessions", "You will attend sessions at the alcohol service and work on a plan to reduce your drinking.", False, False, "alcohol"),
    ("rehabilitative", "Debt advice", "You will meet a debt adviser and follow the plan you agree with them.", False, False, "finance"),
    ("rehabilitative", "Mental health support", "You will register with your GP and attend the mental health support offered to you.", False, False, "mental_health"),
    ("rehabilitative", "Women's centre", "You will attend the women's centre and take part in the support you agree with them.", False, False, "relationships"),
    ("rehabilitative", "Housing options appointment", "You will attend an appointment with the council's housing options team.", False, False, "accommodation"),
    ("rehabilitative", "Education or training", "You will enrol on and attend the course agreed with your keyworker.", False, False, "education_employment"),
    ("rehabilitative", "Employment support", "You will attend sessions with the employment support service and apply for work with their help.", False, False, "education_employment"),
    ("rehabilitative", "Thinking skills programme", "You will complete the thinking skills sessions agreed with your keyworker.", False, False, "attitudes"),
    ("rehabilitative", "Healthy relationships course", "You will complete a healthy relationships course.", False, False, "relationships"),
    ("rehabilitative", "Parenting support", "You will attend the parenting support sessions offered to you.", False, False, "children_families"),
    ("rehabilitative", "Neurodiversity assessment", "You will attend an assessment and take part in the support it recommends.", False, False, "neurodiversity"),
    ("rehabilitative", "Gambling support", "You will contact the gambling support service and attend the sessions you agree with them.", False, False, "finance"),
    ("reparative", "Compensation to the victim", "You will pay compensation to the victim of the amount and by the date below.", True, False, ""),
    ("reparative", "Repair the damage", "You will repair, or pay for the repair of, the damage you caused.", False, False, ""),
    ("reparative", "Unpaid work in the community", "You will do unpaid work in the community for the number of hours below.", False, True, ""),
    ("reparative", "Return or replace property", "You will return, or pay to replace, the property taken.", False, False, ""),
    ("restrictive", "No contact with a named person", "You will not contact the person named below, directly or through anyone else, including online.", False, False, ""),
    ("restrictive", "Stay away from a place", "You will not go to the place named below.", False, False, ""),
    ("restrictive", "Do not enter a named shop", "You will not enter the shop named below.", False, False, ""),
    ("restrictive", "No specified activity", "You will not take part in the activity named below.", False, False, ""),
    ("restrictive", "No alcohol in a named area", "You will not drink alcohol in the area named below.", False, False, "alcohol"),
]


def create_library(apps, schema_editor):
    ConditionTemplate = apps.get_model("contracts", "ConditionTemplate")
    NeedDomain = apps.get_model("contracts", "NeedDomain")
    SchemeSettings = apps.get_model("contracts", "SchemeSettings")
    domains = {domain.code: domain for domain in NeedDomain.objects.all()}
    for kind, title, text, victim, unpaid, domain in TEMPLATES:
        ConditionTemplate.objects.get_or_create(title=title, defaults={
            "kind": kind, "text": text, "involves_victim": victim, "is_unpaid_work": unpaid,
            "need_domain": domains.get(domain),
        })
    SchemeSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0003_contracts_and_conditions")]

    operations = [migrations.RunPython(create_library, migrations.RunPython.noop)]
