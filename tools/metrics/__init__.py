"""Campaign metrics tools: summaries by any dimension, top performers, comparisons, logging numbers."""

from tools.metrics.logging import log_metrics
from tools.metrics.summary import compare_segments, summarize_campaign, top_performers

__all__ = ["compare_segments", "log_metrics", "summarize_campaign", "top_performers"]
