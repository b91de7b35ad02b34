"""Products: CRUD, search and attribute filters, bulk upsert by SKU."""
