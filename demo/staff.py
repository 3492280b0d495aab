"""Demo staff: one team with every role, for `manage.py seed_demo`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from oocr.accounts.roles import Role, roles_sync

# (user name, first name, last name, roles)
DEMO_STAFF = [
    ("manager", "Helen", "Trewin", [Role.TEAM_MANAGER]),
    ("supervisor1", "Mark", "Pascoe", [Role.SUPERVISOR]),
    ("supervisor2", "Priya", "Nair", [Role.SUPERVISOR]),
    ("keyworker1", "Jess", "Penrose", [Role.KEYWORKER]),
    ("keyworker2", "Tom", "Hocking", [Role.KEYWORKER]),
    ("keyworker3", "Amira", "Haddad", [Role.KEYWORKER]),
    ("keyworker4", "Sam", "Rowe", [Role.KEYWORKER]),
    ("keyworker5", "Claire", "Jago", [Role.KEYWORKER]),
    ("keyworker6", "Daniel", "Okafor", [Role.KEYWORKER]),
    ("keyworker7", "Rachel", "Bolitho", [Role.KEYWORKER]),
    ("keyworker8", "Lee", "Tremayne", [Role.KEYWORKER]),
    ("keyworker9", "Sophie", "Ward", [Role.KEYWORKER]),
    ("keyworker10", "Kieran", "Moyle", [Role.KEYWORKER]),
    ("keyworker11", "Hannah", "Lobb", [Role.KEYWORKER]),
    ("keyworker12", "Ollie", "Carne", [Role.KEYWORKER]),
    ("admin", "Gareth", "Wills", [Role.ADMINISTRATOR]),
    ("ero1", "Nadia", "Kowalski", [Role.EVIDENCE_REVIEW_OFFICER]),
    ("ero2", "Peter", "Chegwidden", [Role.EVIDENCE_REVIEW_OFFICER]),
    ("ero3", "Laura", "Stephens", [Role.EVIDENCE_REVIEW_OFFICER]),
    ("trials", "Ruth", "Kitto", [Role.TRIAL_MANAGER]),
]


@transaction.atomic
def demo_staff_seed(*, password: str) -> list:
    """Create or refresh the demo accounts; running it again changes nothing else."""
    roles_sync()
    User = get_user_model()
    groups = {group.name: group for group in Group.objects.all()}
    accounts = []
    for username, first_name, last_name, roles in DEMO_STAFF:
        account, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{first_name}.{last_name}@example.org".lower(),
                "is_active": True,
                "is_staff": Role.ADMINISTRATOR in roles,
            },
        )
        account.set_password(password)
        account.save(update_fields=["password"])
        account.groups.set([groups[role] for role in roles])
        accounts.append((account, roles))
    return accounts
