"""Shipments, discount codes and tracking links."""

from __future__ import annotations

import re
import secrets
from typing import Literal
from urllib.parse import urlencode, urlsplit, urlunsplit

from pydantic import Field
from sqlmodel import select

from memory.domain.money import MoneyInput
from memory.models import DiscountCode, Shipment, TrackingLink
from memory.models.common import Stage, utcnow
from tools.base import CampaignName, Handle, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common


class LogShipmentInput(ToolInput):
    """Record a product shipment to a creator (or update its status by tracking number)."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    product: str = Field(description="What was sent", min_length=2)
    carrier: str | None = Field(None, description="Carrier, e.g. DHL, UPS, La Poste")
    tracking_number: str | None = Field(None, description="Tracking number")
    status: Literal["pending", "shipped", "delivered", "returned", "lost"] = Field("shipped", description="Shipment status")
    cost: MoneyInput | None = Field(None, description="Product + shipping cost (counted in campaign cost); currency default: the collaboration's")


class ShipmentResult(ToolResult):
    kind: str = "shipment"
    shipment_id: int
    handle: str
    campaign: str
    product: str
    carrier: str | None = None
    tracking_number: str | None = None
    status: str


@tool(ToolTier.draft, progress="Logging the shipment…")
def log_shipment(ctx: ToolContext, args: LogShipmentInput) -> ShipmentResult:
    """Log a shipment (product, carrier, tracking number, status, cost). A shipment with the same
    tracking number is updated instead of duplicated. Shipping moves an agreed collaboration to product_shipped."""
    with common.changes(ctx, "log_shipment") as cs:
        s = cs.session
        collab, camp, _ = common.collaboration(s, ctx, args.handle, args.campaign)
        cents, cur = common.amount_cents(args.cost, collab.currency)
        existing = None
        if args.tracking_number:
            existing = s.exec(select(Shipment).where(Shipment.collaboration_id == collab.id,
                                                     Shipment.tracking_number == args.tracking_number)).first()
        now = utcnow()
        if existing:
            values = {"status": args.status, "carrier": args.carrier or existing.carrier}
            if args.status == "delivered" and existing.delivered_at is None:
                values["delivered_at"] = now
            cs.update(existing, **values)
            sh = existing
        else:
            sh = Shipment(workspace_id=ctx.workspace_id, collaboration_id=collab.id, product=args.product, carrier=args.carrier,
                          tracking_number=args.tracking_number, status=args.status, cost_cents=cents or 0,
                          currency=cur or collab.currency,
                          shipped_at=now if args.status in ("shipped", "delivered") else None,
                          delivered_at=now if args.status == "delivered" else None)
            cs.add(sh)
            if cents:
                cs.update(collab, product_cost_cents=collab.product_cost_cents + cents)
        if args.status in ("shipped", "delivered") and collab.stage == Stage.agreed.value:
            common.move(cs, collab, Stage.product_shipped, note=f"{args.product} {args.status}", soft=True)
        cid = collab.id
    common.reindex(ctx, collaboration_ids=[cid])
    h = common.display_handle(args.handle)
    track = f" ({sh.carrier or ''} {sh.tracking_number or ''})".replace("( ", "(").replace(" )", ")") if (sh.carrier or sh.tracking_number) else ""
    return ShipmentResult(summary=f"{sh.product} to {h}{track}: {sh.status}.", shipment_id=sh.id, handle=h, campaign=camp.name,
                          product=sh.product, carrier=sh.carrier, tracking_number=sh.tracking_number, status=sh.status)


class CreateDiscountCodeInput(ToolInput):
    """Create a unique discount code for a creator in a campaign (used for attribution)."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    code: str | None = Field(None, description="Desired code (letters/digits); default: derived from the handle, e.g. SAM15")
    discount_pct: float | None = Field(None, gt=0, le=100, description="Discount in percent, e.g. 15")


class CodeResult(ToolResult):
    kind: str = "discount_code"
    code: str
    handle: str
    campaign: str
    discount_pct: float | None = None


def _code_base(handle: str, pct: float | None) -> str:
    letters = re.sub(r"[^A-Za-z0-9]", "", handle.split(".")[-1] if "." in handle else handle).upper()[:10] or "KOL"
    return f"{letters}{int(pct) if pct else ''}"


@tool(ToolTier.draft, progress="Creating the discount code…")
def create_discount_code(ctx: ToolContext, args: CreateDiscountCodeInput) -> CodeResult:
    """Create a discount code that is unique in the workspace (a taken code gets a suffix, never a collision)."""
    with common.changes(ctx, "create_discount_code") as cs:
        s = cs.session
        collab, camp, _ = common.collaboration(s, ctx, args.handle, args.campaign)
        wanted = re.sub(r"[^A-Za-z0-9]", "", args.code or "").upper() or _code_base(args.handle.lstrip("@"), args.discount_pct)
        if args.code and len(wanted) < 3:
            raise ToolError("a discount code needs at least 3 letters or digits")
        taken = set(s.exec(select(DiscountCode.code).where(DiscountCode.workspace_id == ctx.workspace_id,
                                                           DiscountCode.code.startswith(wanted))).all())  # type: ignore[attr-defined]
        code, n = wanted, 2
        while code in taken:
            if args.code:
                raise ToolError(f"code {wanted} is already taken; try {wanted}{n}")
            code, n = f"{wanted}{n}", n + 1
        dc = DiscountCode(workspace_id=ctx.workspace_id, collaboration_id=collab.id, code=code, discount_pct=args.discount_pct)
        cs.add(dc)
        cid = collab.id
    common.reindex(ctx, collaboration_ids=[cid])
    h = common.display_handle(args.handle)
    pct = f" ({args.discount_pct:g}% off)" if args.discount_pct else ""
    return CodeResult(summary=f"Discount code {code}{pct} created for {h} in {camp.name}.", code=code, handle=h,
                      campaign=camp.name, discount_pct=args.discount_pct)


class CreateTrackingLinkInput(ToolInput):
    """Create a tracking link with UTM parameters for a creator in a campaign."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    destination_url: str = Field(description="Landing page, e.g. https://brand.com/serum")
    utm_source: str | None = Field(None, description="Default: the creator's platform")
    utm_medium: str = Field("influencer", description="UTM medium")
    utm_campaign: str | None = Field(None, description="Default: the campaign name slug")
    utm_content: str | None = Field(None, description="Default: the creator handle")


class LinkResult(ToolResult):
    kind: str = "tracking_link"
    url: str
    slug: str
    handle: str
    campaign: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


@tool(ToolTier.draft, progress="Creating the tracking link…")
def create_tracking_link(ctx: ToolContext, args: CreateTrackingLinkInput) -> LinkResult:
    """Create a UTM-tagged tracking link with a unique slug (used for last-click attribution)."""
    parts = urlsplit(args.destination_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ToolError(f"destination_url must be an http(s) URL, got {args.destination_url!r}")
    with common.changes(ctx, "create_tracking_link") as cs:
        s = cs.session
        collab, camp, _ = common.collaboration(s, ctx, args.handle, args.campaign)
        from memory.models import Account

        acc = s.get(Account, collab.account_id) if collab.account_id else None
        handle = acc.handle if acc else args.handle.lstrip("@").lower()
        params = {
            "utm_source": args.utm_source or (acc.platform if acc else "creator"),
            "utm_medium": args.utm_medium,
            "utm_campaign": args.utm_campaign or _slug(camp.name),
            "utm_content": args.utm_content or _slug(handle),
        }
        while True:
            slug = secrets.token_urlsafe(6).replace("_", "").replace("-", "")[:8].lower()
            if len(slug) >= 6 and not s.exec(select(TrackingLink).where(TrackingLink.workspace_id == ctx.workspace_id,
                                                                         TrackingLink.slug == slug)).first():
                break
        query = "&".join(q for q in (parts.query, urlencode(params)) if q)
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
        tl = TrackingLink(workspace_id=ctx.workspace_id, collaboration_id=collab.id, slug=slug, destination_url=args.destination_url,
                          url=url, utm_source=params["utm_source"], utm_medium=params["utm_medium"],
                          utm_campaign=params["utm_campaign"], utm_content=params["utm_content"])
        cs.add(tl)
        cid = collab.id
    common.reindex(ctx, collaboration_ids=[cid])
    return LinkResult(summary=f"Tracking link for @{handle} in {camp.name}: {url}", url=url, slug=slug, handle="@" + handle,
                      campaign=camp.name)
