"""The inbox: creators' e-mail replies read by ``kolpilot worker`` (agent/jobs/inbox.py) from the
IMAP mailbox, tied to our outreach and acted on exactly once (``process``), and the tools to read
them and accept a counter found in one (``replies``). See docs/inbox.md.

Importing this package registers the ``log_email_counter`` executor with ``tools.approvals``.
"""

from tools.inbox.replies import accept_counter, execute_log_email_counter, get_reply, list_replies

__all__ = ["accept_counter", "execute_log_email_counter", "get_reply", "list_replies"]
