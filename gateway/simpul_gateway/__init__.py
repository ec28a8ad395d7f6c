"""Simpul gateway: the HTTP API in front of the services."""
