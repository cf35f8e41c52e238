"""Login, tokens, roles and the permission helpers every domain uses."""
