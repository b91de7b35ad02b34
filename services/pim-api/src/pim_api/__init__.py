"""SegOps PIM API: tenants and API keys, product schema, products, facets, CSV import."""
