"""Campaign metrics tools: summaries by any dimension, top performers, comparisons, logging
numbers, charts and exports."""

from tools.metrics.charts import chart_campaign
from tools.metrics.export import export_creators, export_metrics
from tools.metrics.logging import log_metrics
from tools.metrics.summary import compare_segments, summarize_campaign, top_performers

__all__ = ["chart_campaign", "compare_segments", "export_creators", "export_metrics", "log_metrics", "summarize_campaign", "top_performers"]
