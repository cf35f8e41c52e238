"""Incidents and case work: classification, involved students, the five audiences, the action plan."""
