"""The roles of the service: which group holds which rights, and where each lands.

Roles are Django groups and rights are permissions (design.md section 5). The
mapping below is the single source: migrations call `roles_sync` so that every
database has these groups, and a later issue that adds rights adds them here and
adds a migration that calls `roles_sync` again.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions


class Role:
    EVIDENCE_REVIEW_OFFICER = "Evidence review officer"
    KEYWORKER = "Keyworker"
    SUPERVISOR = "Supervisor"
    TEAM_MANAGER = "Team manager"
    ADMINISTRATOR = "Administrator"
    # Sets up, starts and stops randomised trials (trials app); not an administrator's right, so that nobody
    # who manages the service can also change a trial or see its results unless given this role.
    TRIAL_MANAGER = "Trial manager"

    ALL = [EVIDENCE_REVIEW_OFFICER, KEYWORKER, SUPERVISOR, TEAM_MANAGER, ADMINISTRATOR, TRIAL_MANAGER]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.EVIDENCE_REVIEW_OFFICER: [
        "cases.submit_case",
        "today.view_today",
    ],
    Role.KEYWORKER: [
        "accounts.hold_caseload",
        "referrals.view_partner",
        "today.view_today",
    ],
    Role.SUPERVISOR: [
        "accounts.allocate_cases",
        "accounts.view_team_performance",
        "accounts.reset_two_factor",
        "cases.view_team_cases",
        "referrals.view_partner",
        "today.view_today",
    ],
    Role.TEAM_MANAGER: [
        "accounts.view_team_performance",
        "accounts.reset_two_factor",
        "accounts.review_retention",
        "cases.view_team_cases",
        "keyworkers.manage_staff",
        "referrals.view_partner",
        "referrals.add_partner",
        "referrals.change_partner",
        "referrals.view_referral_report",
        "evaluation.view_outcomes",
        "today.view_today",
    ],
    Role.ADMINISTRATOR: [
        "accounts.administer_service",
        "accounts.reset_two_factor",
        "accounts.review_retention",
        "accounts.produce_subject_access",
        "audit.view_accesslog",
        "cases.submit_case",
        "cases.view_all_submissions",
        "cases.view_offence",
        "cases.add_offence",
        "cases.change_offence",
        "cases.view_eligibilityrule",
        "cases.change_eligibilityrule",
        "contracts.view_needdomain",
        "contracts.add_needdomain",
        "contracts.change_needdomain",
        "contracts.view_conditiontemplate",
        "contracts.add_conditiontemplate",
        "contracts.change_conditiontemplate",
        "contracts.view_schemesettings",
        "contracts.change_schemesettings",
        "keyworkers.view_specialism",
        "keyworkers.add_specialism",
        "keyworkers.change_specialism",
        "referrals.view_partner",
        "referrals.add_partner",
        "referrals.change_partner",
        "referrals.view_referral_report",
        "auth.view_user",
        "accounts.manage_accounts",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "evaluation.manage_evaluation",
        "evaluation.view_outcomes",
        "evaluation.view_reoffendingdefinition",
        "evaluation.add_reoffendingdefinition",
        "evaluation.change_reoffendingdefinition",
        "evaluation.view_harmweightset",
        "evaluation.view_surveyinstrument",
        # The force's offence codes the integration API maps to the catalogue (api/).
        "api.view_offencecode",
        "api.add_offencecode",
        "api.change_offencecode",
    ],
    Role.TRIAL_MANAGER: [
        "trials.manage_trial",
    ],
}


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    permission: str


# In order of precedence: a person with several roles starts on the first they hold.
NAVIGATION = [
    # Administrators have no Today page: they start on Administration, as before.
    NavigationItem("Today", "today:today", "today.view_today"),
    NavigationItem("My caseload", "keyworkers:caseload", "accounts.hold_caseload"),
    # Supervisors allocate from the queue; the team manager reads it.
    NavigationItem("Allocation", "keyworkers:allocation", "cases.view_team_cases"),
    NavigationItem("Team", "keyworkers:team", "accounts.view_team_performance"),
    NavigationItem("Administration", "accounts:administration", "accounts.administer_service"),
    NavigationItem("Evaluation", "evaluation:home", "evaluation.manage_evaluation"),
    NavigationItem("Outcomes", "evaluation:dashboard", "evaluation.view_outcomes"),
    NavigationItem("Intake", "cases:intake", "cases.submit_case"),
    NavigationItem("Partners", "referrals:partners", "referrals.view_partner"),
    NavigationItem("Retention", "retention:review_list", "accounts.review_retention"),
    NavigationItem("Trials", "trials:list", "trials.manage_trial"),
]


def navigation_for(user) -> list[NavigationItem]:
    """The pages this user's roles may use, in order of precedence.

    `user.has_perm` for each item, from the permissions read once (asking each backend nine times per page cost
    more than the rest of the navigation)."""
    if not user.is_active:
        return []
    if user.is_superuser:
        return list(NAVIGATION)
    permissions = user.get_all_permissions()
    return [item for item in NAVIGATION if item.permission in permissions]


def roles_sync(apps=global_apps) -> None:
    """Create every role's group and give it exactly its rights.

    Safe to run repeatedly. A right whose model does not exist yet (at this
    point of the migration history) is skipped; the migration that adds the
    model's rights calls this again.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in permission_names:
            app_label, codename = name.split(".")
            wanted += Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        group.permissions.set(wanted)


def roles_migrate(apps, schema_editor) -> None:
    """A RunPython step: create the permissions known so far, then sync the roles.

    Permissions are normally created after all migrations have run; the roles
    need them now.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    roles_sync(apps)
