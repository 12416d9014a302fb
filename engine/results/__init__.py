"""Own the results read model: polls, surveys, flows and campaigns, rendered several ways."""

from __future__ import annotations

from engine.results.model import (
    CampaignResult,
    FlowResult,
    PollResult,
    Respondent,
    Result,
    SurveyResult,
    compute_campaigns,
    compute_results,
    compute_selected,
    result_names,
    select,
)
from engine.results.render import (
    FORMATS,
    export,
    render_csv,
    render_json,
    render_table,
    write_xlsx,
)

__all__ = [
    "FORMATS",
    "CampaignResult",
    "FlowResult",
    "PollResult",
    "Respondent",
    "Result",
    "SurveyResult",
    "compute_campaigns",
    "compute_results",
    "compute_selected",
    "export",
    "render_csv",
    "render_json",
    "render_table",
    "result_names",
    "select",
    "write_xlsx",
]
