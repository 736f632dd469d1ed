"""``kiosk import-catalog``: a staff spreadsheet (CSV or XLSX) turned into a catalog file."""
