"""Wellbeing days and other shared events, with mixed groups across grades and classes."""
