"""Partner accounts are managed in the application (portal.views), never in the Django admin."""
