"""The ``wallet`` section of ``store.yaml``: how the kiosk signs the passes of offers.

Certificates and keys are never in ``config/``: the file names the environment variables
holding their paths (Apple) or the service account's key (Google). A channel whose variables
are missing is off, and the offer goes as a link to the web shop's offer page instead;
``kiosk validate`` and ``kiosk offers`` say which channels are off and why.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kiosk.config.fields import Strict, Text, matching
from kiosk.config.handoff import EnvName, WebLink


class AppleWallet(Strict):
    """Apple Wallet: a ``.pkpass`` signed with the store's pass type certificate."""

    certificate_env: EnvName = Field(description="variable holding the path of the pass type "
                                                 "certificate (PEM or DER)")
    key_env: EnvName = Field(description="variable holding the path of its private key (PEM)")
    key_password_env: EnvName | None = Field(default=None, description=(
        "variable holding the key's password, if it has one"))
    wwdr_env: EnvName = Field(description="variable holding the path of Apple's WWDR "
                                          "intermediate certificate")
    pass_type_id: Annotated[str, matching(r"pass\.[A-Za-z0-9.-]+",
                                           "a pass type id like pass.com.example.kiosk")] | None = (
        Field(default=None, description="read from the certificate when left out"))
    team_id: Annotated[str, matching(r"[A-Z0-9]{10}", "a team id of 10 capitals and digits"
                                      )] | None = Field(
        default=None, description="read from the certificate when left out")


class GoogleWallet(Strict):
    """Google Wallet: a save link signed with the issuer's service account."""

    issuer_id: Annotated[str, matching(r"\d{6,25}", "a Google Wallet issuer id (digits)")]
    service_account_env: EnvName = Field(description=(
        "variable holding the service account's JSON key, or the path of that file"))
    origins: tuple[WebLink, ...] = Field(default=(), description=(
        "web sites allowed to show the save button (none needed for links and QR codes)"))
    api_url: WebLink = Field(default="https://walletobjects.googleapis.com/walletobjects/v1",
                             description="the Wallet API, used when a pass is too long for a "
                                         "link")
    timeout_s: float = Field(default=8.0, gt=0, le=60)


class Wallet(Strict):
    apple: AppleWallet | None = None
    google: GoogleWallet | None = None
    relevant_text: dict[str, Text] | None = Field(default=None, description=(
        "what the phone's lock screen says near the store, by language"))
