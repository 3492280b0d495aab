"""What cases announces for the apps built on it to act on (they connect in their AppConfig.ready; cases imports none
of them)."""

from django.dispatch import Signal

# Sent by every closure after the state change, inside its transaction, with case= (closed_at set) and user=.
# keyworkers connects: the case's open allocation ends, so it stops counting in its keyworker's load.
case_closed = Signal()
