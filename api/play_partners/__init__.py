"""Play-partner arrangements (legemakker-aftaler) and their check-ins."""
