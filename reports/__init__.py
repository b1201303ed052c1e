"""PDF reports built with ReportLab: each takes plain frozen dataclasses defined here and returns bytes."""

from reports.selection_report import Fairness, FeatureReport, FeatureRow, PanelMember, SelectionReportData, build_selection_report
from reports.session_minutes import AgendaEntry, AmendmentHandled, Attendee, GroupOutcome, SessionMinutesData, VoteHeld, build_session_minutes
from reports.vote_results import AmendmentAdopted, LogHead, MeasureResult, VoteResult, VoteResultsData, build_vote_results

__all__ = [
    "AgendaEntry",
    "AmendmentAdopted",
    "AmendmentHandled",
    "Attendee",
    "Fairness",
    "FeatureReport",
    "FeatureRow",
    "GroupOutcome",
    "LogHead",
    "MeasureResult",
    "PanelMember",
    "SelectionReportData",
    "SessionMinutesData",
    "VoteHeld",
    "VoteResult",
    "VoteResultsData",
    "build_selection_report",
    "build_session_minutes",
    "build_vote_results",
]
