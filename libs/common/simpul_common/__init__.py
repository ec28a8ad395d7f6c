"""Shared vocabulary and plumbing of the Simpul services."""
