"""Who calls the gateway and what they may see (docs/security.md): access tokens, the
principal a request acts as, and the object-level rules. Plain Python, no framework."""
