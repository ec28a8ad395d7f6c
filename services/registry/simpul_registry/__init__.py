"""Simpul registry service: the master data every other service routes and reports by."""
