"""Views: each renders one CheckResult (text, JSON, result workbook, narrative); none reads cells."""
