"""AWS Security Token Service."""
