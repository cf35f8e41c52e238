"""The leader's attention list: what needs someone's attention now, each item linking to its record."""
