"""Anonymous usage analytics: the event log, reports and charts, forwarding to a collector.

Importing the package stays light (no pygame, no ``requests``); import the submodule needed:
``log`` (the app), ``report`` and ``charts`` (``kiosk report``), ``forward`` (the app, when the
store's ``analytics.forward`` is set).
"""
