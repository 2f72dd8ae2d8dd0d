"""Analytics: forecasts, backtests, outliers, warnings (pure functions over series)."""
