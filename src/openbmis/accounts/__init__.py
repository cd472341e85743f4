"""Users, roles held per border post (or nationally), API tokens, lockout and two-factor login."""
