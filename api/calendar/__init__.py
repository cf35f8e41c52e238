"""The school calendar: working days for legal deadlines (public holidays, the school's closed days)."""
