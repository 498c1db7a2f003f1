"""The fast tier."""
