"""Scenes: what the table shows, built from widgets and cached layers."""
