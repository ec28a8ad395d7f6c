"""Tools to run and test Simpul on one machine (not used in production)."""
