"""The demo data (`manage.py seed_demo`): a team, cases in every state, referrals, an evaluation, the partner
portal and a trial.

It spans every app, made through their real services, so it sits on top of them all: it imports any app and
nothing imports it (tests/test_architecture.py holds to that). One module per part of the story, run in order
by the command.
"""
