"""Developer tools for smart-table-kiosk (not shipped with the kiosk)."""
