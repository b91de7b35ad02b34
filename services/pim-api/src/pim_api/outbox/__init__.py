"""The product outbox: rows written by triggers in the same statement as every product write."""
