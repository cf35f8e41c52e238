"""Patterns and trends: aggregates of cases and observations, small cells suppressed, no names."""
