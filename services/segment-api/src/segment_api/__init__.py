"""SegOps segment API: segment definitions, ClickHouse product replica, preview, compute, members."""
