"""Observations: short wellbeing notes about one or more students (SFO, recess, lessons, trips)."""
