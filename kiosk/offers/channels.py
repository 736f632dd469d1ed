"""Which wallet channels can make passes now, and why the others cannot.

Read from the environment variables the store's ``wallet`` section names, off the frame
loop (certificates are files to read); a fixed variable takes effect at the next check
(start, reload, ``kiosk offers``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.config.wallet import Wallet
from kiosk.offers.apple_pass import AppleSigner
from kiosk.offers.google_wallet import GoogleAccount
from kiosk.offers.wallet_errors import WalletUnavailable

APPLE, GOOGLE = "apple_wallet", "google_wallet"


@dataclass(frozen=True)
class WalletChannels:
    """The signers of the channels that are on; for each one off, why."""

    apple: AppleSigner | None = None
    google: GoogleAccount | None = None
    off: Mapping[str, str] | None = None

    @property
    def on(self) -> tuple[str, ...]:
        """The wallet channels on (``apple_wallet``, ``google_wallet``)."""
        return tuple(name for name, signer in ((APPLE, self.apple), (GOOGLE, self.google))
                     if signer is not None)

    def notes(self) -> list[str]:
        """One line per channel: on, or off and why."""
        words = {APPLE: "Apple Wallet", GOOGLE: "Google Wallet"}
        off = self.off or {}
        return [f"{words[name]}: " + ("on" if name in self.on else f"off — {off.get(name)}")
                for name in (APPLE, GOOGLE)]


def wallet_channels(wallet: Wallet, environ: Mapping[str, str]) -> WalletChannels:
    """The channels the store configured whose credentials load and match."""
    off: dict[str, str] = {}
    apple = google = None
    if wallet.apple is None:
        off[APPLE] = "wallet.apple is not set in store.yaml; offers go as links"
    else:
        settings = wallet.apple
        try:
            apple = AppleSigner.from_environment(
                environ, settings.certificate_env, settings.key_env, settings.wwdr_env,
                settings.key_password_env, settings.pass_type_id, settings.team_id)
        except WalletUnavailable as exc:
            off[APPLE] = f"{exc}; offers go as links"
    if wallet.google is None:
        off[GOOGLE] = "wallet.google is not set in store.yaml; offers go as links"
    else:
        try:
            google = GoogleAccount.from_environment(environ, wallet.google.service_account_env,
                                                    wallet.google.issuer_id)
        except WalletUnavailable as exc:
            off[GOOGLE] = f"{exc}; offers go as links"
    return WalletChannels(apple, google, off)
