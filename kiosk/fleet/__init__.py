"""A chain of stores: content published once as a signed bundle, synced by every table, and the
tables' health seen from the centre."""
