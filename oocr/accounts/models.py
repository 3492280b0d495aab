from django.contrib.auth import get_user_model
from django.db import models
from simple_history import register


class Capability(models.Model):
    """The rights that belong to a role rather than to one model.

    Never stored (no table): it exists so that these rights are ordinary
    permissions that groups hold and views check. Model-specific rights live on
    the models of the app that owns them.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("hold_caseload", "Can hold a caseload of cases"),
            ("allocate_cases", "Can allocate cases and approve decisions"),
            ("view_team_performance", "Can see the team's workload and performance"),
            ("administer_service", "Can manage users, reference data and jobs"),
            ("reset_two_factor", "Can reset a person's two-factor sign-in"),
            ("review_retention", "Can decide whether closed records are kept or disposed of"),
            ("produce_subject_access", "Can produce everything held about a person (subject access)"),
        ]


# Changes to staff accounts (names, roles, active flag) are part of the audit trail.
register(get_user_model(), app=__package__, table_name="accounts_historicaluser")
