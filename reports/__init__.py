"""PDF reports built with ReportLab (built in its own issue)."""
