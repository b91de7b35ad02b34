"""The ClickHouse side segment-api owns: the product replica and membership tables."""
