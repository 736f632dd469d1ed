"""Sending a product to a shopper's phone: links (a product, a selection, a filled cart),
limits and contact checks, reservations, and the durable outbox that delivers SMS, e-mails and
reservation requests."""
