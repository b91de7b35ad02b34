"""Tenancy and auth shared by both APIs: JWTs, API keys, and the `CurrentTenant` dependency."""
