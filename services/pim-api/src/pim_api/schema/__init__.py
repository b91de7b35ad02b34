"""The tenant's typed product schema."""
