"""Staff users of a school and their roles."""
