"""Sending a product to a shopper's phone: links, limits and contact checks, and the durable
outbox that delivers SMS and e-mails."""
