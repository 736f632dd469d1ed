"""Products: the catalog from the config files, remote content sources with their cache,
live prices and stock, and the spreadsheet import. No pygame here."""
