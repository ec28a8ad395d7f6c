"""Simpul notification: delivers routed cases to each OPD's own channels and records every delivery."""
