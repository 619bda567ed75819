"""CRM tools: campaigns, negotiations, pipeline, deliverables and content approval,
shipments, codes and links, payouts, notes, history and undo."""

from tools.crm.benchmarks import fee_benchmarks
from tools.crm.campaigns import add_to_campaign, create_campaign, update_campaign
from tools.crm.content import add_deliverable, review_content, submit_content
from tools.crm.logistics import create_discount_code, create_tracking_link, log_shipment
from tools.crm.negotiation import log_negotiation
from tools.crm.notes import list_pending_actions, log_note, undo_last_change
from tools.crm.payouts import mark_payout_paid, propose_payout, reverse_payout
from tools.crm.pipeline import creator_history, pipeline_status, update_stage
from tools.crm.post_detection import detect_posts

__all__ = [
    "add_deliverable", "add_to_campaign", "create_campaign", "create_discount_code", "create_tracking_link",
    "creator_history", "fee_benchmarks", "list_pending_actions", "log_negotiation", "log_note", "log_shipment", "mark_payout_paid",
    "pipeline_status", "propose_payout", "reverse_payout", "review_content", "submit_content", "undo_last_change", "update_campaign",
    "update_stage", "detect_posts",
]
