"""perfxl: 预算绩效自评工作簿 — write the standard workbook, read any workbook that follows the contract, check it."""

__version__ = "0.1.0"
