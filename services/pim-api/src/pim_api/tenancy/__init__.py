"""Tenants and their API keys (pim-api owns them; segment-api asks over the internal routes)."""
