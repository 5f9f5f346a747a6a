"""Mesure commune: everything that is not display (catalogue, store, analytics, access)."""
