"""Errors a user can cause. Interfaces print ``str(error)`` as one line, never a traceback."""


class UserError(Exception):
    """Bad input, missing configuration, unknown creator... The message is for the user."""
