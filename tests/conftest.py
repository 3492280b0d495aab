import pytest


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script; the service's own CSP would (rightly) refuse it.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 1280, "height": 800}}
