"""Municipalities (kommuner): schools grouped so a municipality sees their aggregates side by side."""
