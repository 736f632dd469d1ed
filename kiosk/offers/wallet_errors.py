"""Why a wallet channel is off or a pass could not be made, in words staff can act on."""

from __future__ import annotations


class WalletUnavailable(Exception):
    """The channel cannot make passes: credentials missing, unreadable or not matching.
    The text names the environment variable or file at fault, never a secret."""


class WalletTemporaryFailure(Exception):
    """A pass could not be made now (the wallet's service did not answer); try again later."""
