"""Indicators: SQL over the store, returned as DataFrames or JSON-ready records.

``prefecture`` — saturation per préfecture and procedure from robot probes.
"""

from __future__ import annotations

from toolkit.indicators.prefecture import (
    install_prefecture_sql,
    prefecture_indicator_records,
    prefecture_indicators,
)

__all__ = ["install_prefecture_sql", "prefecture_indicator_records", "prefecture_indicators"]
