"""The SQL data model. Importing this package registers every table on SQLModel.metadata."""

from memory.models.campaigns import (
    Campaign,
    CampaignCreate,
    CampaignPublic,
    CampaignUpdate,
    Collaboration,
    CollaborationPublic,
    Deliverable,
    DiscountCode,
    NegotiationEvent,
    Note,
    Payout,
    Shipment,
    StageEvent,
    TrackingLink,
)
from memory.models.creators import (
    Account,
    AccountBrand,
    AccountCreate,
    AccountPublic,
    AccountUpdate,
    Creator,
    CreatorCreate,
    CreatorNiche,
    CreatorPublic,
    CreatorUpdate,
    FollowerSnapshot,
    Post,
    PostCreate,
    PostPublic,
)
from memory.models.metrics import CodeRedemption, MetricSnapshot
from memory.models.outreach import DoNotContact, OutreachMessage
from memory.models.slack import slack_bots, slack_installations, slack_oauth_states  # noqa: F401 - OAuth stores' tables
from memory.models.system import AuditLog, PendingAction, ProcessedEvent
from memory.models.workspace import LOCAL_WORKSPACE, Workspace, WorkspacePublic

__all__ = [
    "LOCAL_WORKSPACE", "Account", "AccountBrand", "AccountCreate", "AccountPublic", "AccountUpdate",
    "AuditLog", "Campaign", "CampaignCreate", "CampaignPublic", "CampaignUpdate", "CodeRedemption",
    "Collaboration", "CollaborationPublic", "Creator", "CreatorCreate", "CreatorNiche", "CreatorPublic",
    "CreatorUpdate", "Deliverable", "DiscountCode", "DoNotContact", "FollowerSnapshot", "MetricSnapshot", "NegotiationEvent", "Note",
    "OutreachMessage", "Payout", "PendingAction", "Post", "PostCreate", "PostPublic", "ProcessedEvent",
    "Shipment", "StageEvent", "TrackingLink", "Workspace", "WorkspacePublic",
]
