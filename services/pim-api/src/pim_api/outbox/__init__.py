"""The product outbox: written in the same transaction as every product write (DESIGN.md)."""
