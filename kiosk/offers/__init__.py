"""Offers taken at the table: the store's coupons, their single-use code pools, and the wallet
passes (Apple Wallet, Google Wallet) that keep them in the shopper's phone after the visit."""
