"""People and organisations: see models.py."""
