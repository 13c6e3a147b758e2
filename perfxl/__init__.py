"""perfxl: 预算绩效自评工作簿 — write the standard workbook, read any workbook that follows the contract, check it."""

__version__ = "0.1.0"

# Exit codes of every command: no errors, errors found, a stop (cannot read / bad usage), checked but
# the result file not written. Here, below everything, so that ``perfxl --version`` imports nothing else.
EXIT_CLEAN, EXIT_ERRORS, EXIT_UNREADABLE, EXIT_NOT_WRITTEN = 0, 1, 2, 3
