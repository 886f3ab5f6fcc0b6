"""Normalisers: values beside the raw text (deadlines, agencies, jurisdiction)."""
