"""Excel primitives with no perfxl knowledge of scoring: cells, grids, numbers, labels, formulas, package."""
