"""Excel primitives with no perfxl knowledge of scoring: cells, grids, numbers, labels, formulas, package."""


def forget_caches() -> None:
    """Empty the caches the primitives keep for reuse (parsed formulas and references,
    normalised labels, shared grid keys): a big workbook's are tens of megabytes. Called once
    a workbook is checked, before the result workbook is loaded; they are pure, so a later
    use only recomputes."""
    from perfxl.excel import formula, grid, labels, refs

    formula._parse.cache_clear()
    refs.tokens.cache_clear()
    refs.parse_ref.cache_clear()
    labels.normalize.cache_clear()
    grid.forget_shared()
