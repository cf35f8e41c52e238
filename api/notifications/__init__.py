"""In-app notifications for staff (e.g. a leader told at once that bullying was established)."""
