"""Simpul intake: stores every report a kader records and announces it."""
