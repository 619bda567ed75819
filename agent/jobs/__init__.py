"""Background jobs run by ``kolpilot worker``."""
