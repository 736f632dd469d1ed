"""Send-to-phone outbox: durable queue (SQLite), SMS/e-mail/reservation senders, and the
delivery worker.

Importing the package stays light (no ``requests``, no config models), so a subprocess or the
CLI can open the queue quickly; import the submodules for what you need.
"""
