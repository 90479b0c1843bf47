"""Reporting (报告): number formats, escaped HTML, figures, the application workbook, the offline export and the index."""
