"""PDF reports built with ReportLab: each takes plain frozen dataclasses defined here and returns bytes."""

from reports.selection_report import Fairness, FeatureReport, FeatureRow, PanelMember, SelectionReportData, build_selection_report
from reports.session_minutes import AgendaEntry, AmendmentHandled, Attendee, GroupOutcome, SessionMinutesData, VoteHeld, build_session_minutes

__all__ = [
    "AgendaEntry",
    "AmendmentHandled",
    "Attendee",
    "Fairness",
    "FeatureReport",
    "FeatureRow",
    "GroupOutcome",
    "PanelMember",
    "SelectionReportData",
    "SessionMinutesData",
    "VoteHeld",
    "build_selection_report",
    "build_session_minutes",
]
