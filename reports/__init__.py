"""PDF reports built with ReportLab: each takes plain frozen dataclasses defined here and returns bytes."""

from reports.selection_report import Fairness, FeatureReport, FeatureRow, PanelMember, SelectionReportData, build_selection_report

__all__ = ["Fairness", "FeatureReport", "FeatureRow", "PanelMember", "SelectionReportData", "build_selection_report"]
