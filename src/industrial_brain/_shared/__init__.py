"""Machinery shared by all engines: result base class, bilingual labels, array helpers."""
