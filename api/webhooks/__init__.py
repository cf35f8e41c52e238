"""Signed webhooks (Standard Webhooks): endpoints a school registers, deliveries with retries, signing."""
