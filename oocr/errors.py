"""The one exception every app's services raise for a move the rules do not allow."""


class DomainError(Exception):
    """An illegal action (for example allocating a closed case); the message is a sentence a user can read."""
