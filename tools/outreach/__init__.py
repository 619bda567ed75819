"""Outreach tools: personalised drafts (one or in bulk), edits, review, approval for sending
(a pending action an approver confirms), follow-up sequences, replies and do-not-contact.

Importing this package registers the ``send_outreach`` executor with ``tools.approvals``.
"""

from tools.outreach.bulk import draft_outreach_bulk
from tools.outreach.dnc import do_not_contact
from tools.outreach.drafting import draft_outreach, edit_draft
from tools.outreach.replies import log_reply, stop_outreach
from tools.outreach.review import approve_outreach, review_drafts
from tools.outreach.sending import execute_send_outreach

__all__ = [
    "approve_outreach", "do_not_contact", "draft_outreach", "draft_outreach_bulk", "edit_draft", "execute_send_outreach",
    "log_reply", "review_drafts", "stop_outreach",
]
