"""Facets: the most frequent values of string and array fields, for filter UIs."""
