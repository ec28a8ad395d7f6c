"""Simpul routing: assigns each report to the responsible OPD and sets its working-day deadline."""
