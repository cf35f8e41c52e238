"""Single sign-on with OpenID Connect: Unilogin and municipal identity providers."""
