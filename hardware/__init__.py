"""Devices that turn products on the table into events.

This package never imports ``kiosk`` or ``pygame``: it runs and is tested without a screen.
"""
