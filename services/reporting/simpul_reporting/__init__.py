"""Simpul reporting: SPM counts per region, area, service type, OPD and status, fed only by events."""
