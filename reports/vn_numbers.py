"""Numbers the Vietnamese way, as the province prints them: `42.778`, `99,73%`."""

from __future__ import annotations


def vn_int(value: int) -> str:
    """42778 -> `42.778` ('.' groups thousands)."""
    return f"{value:,}".replace(",", ".")


def vn_percent(value: float) -> str:
    """99.73 -> `99,73%` (',' before the decimals), 100.0 -> `100%` as the province's tables print it."""
    whole, decimals = f"{value:,.2f}".split(".")
    return f"{whole.replace(',', '.')}{'' if decimals == '00' else ',' + decimals}%"


def vn_decimal(value: float) -> str:
    """5.5 -> `5,5`, 6.0 -> `6`: a median of days as the province writes a decimal."""
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-2] if text.endswith(",0") else text
