"""`manage.py seed_demo`: the demo data made or refreshed, part by part in story order (demo/__init__.py), and the
demo log-ins printed. Safe to run again."""

import os
import secrets

from django.core.management.base import BaseCommand

from demo.casework import demo_casework_seed
from demo.evaluation import demo_evaluation_seed
from demo.portal import demo_portal_seed
from demo.referrals import demo_referrals_seed
from demo.staff import demo_staff_seed
from demo.submissions import demo_submissions_seed
from demo.team import demo_team_seed
from demo.trials import demo_trial_seed


class Command(BaseCommand):
    help = "Create or refresh the demo team and its data. Safe to run repeatedly."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        accounts = demo_staff_seed(password=password)
        submissions = demo_submissions_seed()
        allocated = demo_team_seed()
        contacted = demo_casework_seed()
        referred = demo_referrals_seed()
        evaluated = demo_evaluation_seed()
        partner_account = demo_portal_seed(password=password)
        randomised = demo_trial_seed()
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {len(accounts)} staff accounts, {submissions or 'no new'} submissions, "
            f"{allocated or 'no new'} allocations, {contacted or 'no new'} first contacts, "
            f"{referred or 'no new'} referrals, {evaluated or 'no new'} closed cases for the evaluation, "
            f"{randomised or 'no new'} randomisations in the demo trial."
        ))
        self.stdout.write("\nDemo log-ins (every account has the same password):")
        for account, roles in accounts:
            self.stdout.write(f"  {account.username:<12} {account.get_full_name():<20} {', '.join(roles)}")
        if partner_account is not None:
            self.stdout.write(f"  {'partner1':<12} {partner_account.user.get_full_name():<20} "
                              f"Partner portal: point of contact at {partner_account.partner.name}")
        self.stdout.write(f"\n  Password: {password}")
        if not os.environ.get("DEMO_PASSWORD"):
            self.stdout.write("  (generated: set DEMO_PASSWORD to choose your own)")
