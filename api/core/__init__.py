"""Shared plumbing used by every domain: database types, time, pagination, audit, idempotency, ETags."""
