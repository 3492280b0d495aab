"""Open work an account holds, asked before it is closed or loses a role (it would drop out of every list).

Accounts only asks; the app that allocates the work answers, by registering a counter when it is ready
(keyworkers: the open cases allocated to the account), so accounts names no domain app.
"""

from collections.abc import Callable

_counters: list[Callable[..., int]] = []


def work_held_register(counter: Callable[..., int]) -> None:
    """`counter(user=account)` returns how many open cases the account holds."""
    if counter not in _counters:
        _counters.append(counter)


def open_cases_held(account) -> int:
    return sum(counter(user=account) for counter in _counters)
