"""API clients: OAuth 2.0 client credentials for other school tools (Authlib), with scopes and schools."""
