"""Google Wallet save links: signed with the service account's key (checked with its public
key), whole in the link when short, inserted through the API first when long. The token
endpoint and the Wallet API are a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from google.auth import jwt

from kiosk.offers.google_wallet import (
    MAX_LINK_CHARS,
    SAVE_URL,
    GoogleAccount,
    GoogleOffer,
    authorized_session,
    offer_class,
    offer_object,
    save_jwt,
    save_link,
)
from kiosk.offers.wallet_errors import WalletTemporaryFailure, WalletUnavailable
from tests.offers.google_server import (
    ACCESS_TOKEN,
    TOKEN_PATH,
    GoogleServer,
    verified,
)

ISSUER = "3388000000022222222"
KEY_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
EMAIL = "kiosk-wallet@demo-store.iam.gserviceaccount.com"
CLASS_PATH = "/walletobjects/v1/offerClass"
OBJECT_PATH = "/walletobjects/v1/offerObject"


@dataclass(frozen=True)
class Keys:
    private_pem: str
    public_pem: str


@pytest.fixture(scope="module")
def keys() -> Keys:
    """One RSA key for the module: generating it is the slow part."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return Keys(private_pem, public_pem)


@pytest.fixture
def server(keys: Keys, monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleServer]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    google = GoogleServer(keys.public_pem)
    google.start()
    yield google
    google.stop()


def service_account_info(keys: Keys, token_uri: str) -> dict[str, str]:
    return {"type": "service_account", "project_id": "demo-store", "private_key_id": KEY_ID,
            "private_key": keys.private_pem, "client_email": EMAIL, "client_id": "1234567890",
            "token_uri": token_uri}


@pytest.fixture
def account(keys: Keys, server: GoogleServer) -> GoogleAccount:
    return GoogleAccount(info=service_account_info(keys, server.url(TOKEN_PATH)),
                         issuer_id=ISSUER)


def short_offer(**changes: Any) -> GoogleOffer:
    fields: dict[str, Any] = {
        "offer_id": "spring-run", "store_id": "paris-01", "serial": "9f1c2a7be3d44b0c8d6e",
        "title": "Spring run -15%", "provider": "Maison Demo", "terms": "One use per shopper.",
        "code": "SPR-7K2Q"}
    return GoogleOffer(**(fields | changes))


def long_offer() -> GoogleOffer:
    return short_offer(terms="Valable en magasin sur les chaussures de course. " * 42)


def test_a_short_offer_travels_whole_in_a_signed_link(account: GoogleAccount, keys: Keys,
                                                      server: GoogleServer) -> None:
    offer = short_offer()
    before = int(time.time())
    link = save_link(account, offer, origins=["https://kiosk.example"],
                     api_url=server.url("/walletobjects/v1"))
    header, claims = verified(link, keys.public_pem)
    assert header["alg"] == "RS256" and header["kid"] == KEY_ID
    assert claims["iss"] == EMAIL and claims["aud"] == "google"
    assert claims["typ"] == "savetowallet"
    assert before <= claims["iat"] <= int(time.time())
    assert claims["origins"] == ["https://kiosk.example"]
    assert claims["payload"] == {"offerClasses": [offer_class(offer, account)],
                                 "offerObjects": [offer_object(offer, account)]}
    assert len(link) <= MAX_LINK_CHARS
    assert server.received() == []  # no network for a short offer


def test_save_jwt_verifies_with_google_auth_too(account: GoogleAccount, keys: Keys) -> None:
    token = save_jwt(account, {"offerObjects": [{"id": f"{ISSUER}.x"}]})
    claims = jwt.decode(token, certs=keys.public_pem, verify=False)  # no "exp" in Wallet JWTs
    assert claims["payload"] == {"offerObjects": [{"id": f"{ISSUER}.x"}]}
    assert claims["origins"] == []
    verified(SAVE_URL + token, keys.public_pem)


def test_a_long_offer_is_inserted_first_and_linked_by_id(account: GoogleAccount, keys: Keys,
                                                        server: GoogleServer) -> None:
    offer = long_offer()
    link = save_link(account, offer, api_url=server.url("/walletobjects/v1"), timeout_s=2)
    (class_post,) = server.received(CLASS_PATH)
    (object_post,) = server.received(OBJECT_PATH)
    assert class_post.json() == offer_class(offer, account)
    assert class_post.json()["finePrint"] == offer.terms
    assert object_post.json() == offer_object(offer, account)
    for post in (class_post, object_post):
        assert post.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert len(server.received(TOKEN_PATH)) == 1  # one token for both calls
    _, claims = verified(link, keys.public_pem)
    assert claims["payload"] == {"offerObjects": [{"id": f"{ISSUER}.9f1c2a7be3d44b0c8d6e",
                                                   "classId": f"{ISSUER}.paris-01-spring-run"}]}
    assert len(link) <= MAX_LINK_CHARS


def test_a_class_or_object_already_there_is_fine(account: GoogleAccount,
                                                 server: GoogleServer) -> None:
    server.answer(CLASS_PATH, 409)
    server.answer(OBJECT_PATH, 409)
    link = save_link(account, long_offer(), api_url=server.url("/walletobjects/v1"))
    assert link.startswith(SAVE_URL)
    assert len(server.received(OBJECT_PATH)) == 1


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_failing_api_is_a_temporary_failure(account: GoogleAccount, keys: Keys,
                                              server: GoogleServer, status: int) -> None:
    server.answer(CLASS_PATH, status)
    with pytest.raises(WalletTemporaryFailure, match=str(status)) as caught:
        save_link(account, long_offer(), api_url=server.url("/walletobjects/v1"))
    assert server.received(OBJECT_PATH) == []
    assert "PRIVATE KEY" not in str(caught.value) and "Bearer" not in str(caught.value)


def test_a_silent_api_times_out_as_a_temporary_failure(account: GoogleAccount,
                                                       server: GoogleServer) -> None:
    server.answer(OBJECT_PATH, "hang")
    started = time.monotonic()
    with pytest.raises(WalletTemporaryFailure, match="did not answer"):
        save_link(account, long_offer(), api_url=server.url("/walletobjects/v1"), timeout_s=0.3)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("status", [403, 400])
def test_a_refusal_makes_the_channel_unavailable(account: GoogleAccount, server: GoogleServer,
                                                 status: int) -> None:
    server.answer(CLASS_PATH, status)
    with pytest.raises(WalletUnavailable, match=f"HTTP {status}: refused here"):
        save_link(account, long_offer(), api_url=server.url("/walletobjects/v1"))


def test_a_refused_token_makes_the_channel_unavailable(account: GoogleAccount,
                                                       server: GoogleServer) -> None:
    server.answer(TOKEN_PATH, 400)
    with pytest.raises(WalletUnavailable, match="token"):
        save_link(account, long_offer(), api_url=server.url("/walletobjects/v1"))
    assert server.received(CLASS_PATH) == []


def test_a_silent_token_endpoint_is_a_temporary_failure(account: GoogleAccount,
                                                        server: GoogleServer) -> None:
    server.answer(TOKEN_PATH, "hang")
    with pytest.raises(WalletTemporaryFailure):
        save_link(account, long_offer(), api_url=server.url("/walletobjects/v1"), timeout_s=0.3)


def test_a_link_too_long_even_by_id_is_refused_before_any_call(account: GoogleAccount,
                                                               server: GoogleServer) -> None:
    with pytest.raises(WalletUnavailable, match="over the 600"):
        save_link(account, long_offer(), max_chars=600, api_url=server.url("/walletobjects/v1"))
    assert server.received() == []


def test_the_session_factory_is_used_and_closed(account: GoogleAccount,
                                                server: GoogleServer) -> None:
    made: list[requests.Session] = []

    def factory(given: GoogleAccount) -> requests.Session:
        assert given is account
        made.append(authorized_session(given))
        return made[-1]

    save_link(account, long_offer(), api_url=server.url("/walletobjects/v1"),
              session_factory=factory)
    assert len(made) == 1 and len(server.received(OBJECT_PATH)) == 1


# -- credentials from the environment --------------------------------------------------------

ENV = "KIOSK_GOOGLE_WALLET_KEY"


def key_json(keys: Keys, **changes: Any) -> str:
    info: dict[str, Any] = service_account_info(keys, "https://oauth2.googleapis.com/token")
    for name, value in changes.items():
        if value is None:
            info.pop(name)
        else:
            info[name] = value
    return json.dumps(info)


def test_the_key_json_can_be_the_variable_itself(keys: Keys) -> None:
    account = GoogleAccount.from_environment({ENV: key_json(keys)}, ENV, ISSUER)
    assert account.info["client_email"] == EMAIL and account.issuer_id == ISSUER
    assert keys.private_pem not in repr(account)


def test_the_variable_can_name_the_key_file(keys: Keys, tmp_path: Path) -> None:
    path = tmp_path / "wallet-key.json"
    path.write_text(key_json(keys), encoding="utf-8")
    account = GoogleAccount.from_environment({ENV: str(path)}, ENV, ISSUER)
    assert account.info["private_key_id"] == KEY_ID


def encrypted_pem(keys: Keys) -> str:
    key = serialization.load_pem_private_key(keys.private_pem.encode(), password=None)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(b"pw")).decode()


def ec_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


SECRET = "-----BEGIN PRIVATE KEY-----\nTOPSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n"


@pytest.mark.parametrize(("value", "reason"), [
    (None, "not set"),
    ("   ", "not set"),
    ("missing.json", "does not exist"),
    (SECRET, "does not exist"),
    ('{"client_email": "x", "private_key": "TOPSECRETKEYMATERIAL",', "not valid JSON"),
    ("file:[1, 2]", "not a service-account key"),
    ("json:private_key", "no private_key"),
    ("json:client_email", "no client_email"),
    ("pem:garbage", "private key .* cannot be read"),
    ("pem:ec", "private key .* cannot be read"),
    ("pem:encrypted", "private key .* cannot be read"),
], ids=["unset", "blank", "missing-file", "pem-in-variable", "bad-json", "not-an-object",
        "no-private-key", "no-client-email", "garbage-key", "ec-key", "encrypted-key"])
def test_unusable_credentials_name_the_variable_and_hide_the_key(
        keys: Keys, tmp_path: Path, value: str | None, reason: str) -> None:
    environ: dict[str, str] = {}
    if value is not None:
        kind, _, detail = value.partition(":")
        if kind == "file":
            (tmp_path / "key.json").write_text(detail, encoding="utf-8")
            value = str(tmp_path / "key.json")
        elif kind == "json":
            value = key_json(keys, **{detail: None})
        elif kind == "pem":
            pem = {"garbage": SECRET, "ec": ec_pem(), "encrypted": encrypted_pem(keys)}[detail]
            value = key_json(keys, private_key=pem)
        elif value == "missing.json":
            value = str(tmp_path / "missing.json")
        environ[ENV] = value
    with pytest.raises(WalletUnavailable, match=reason) as caught:
        GoogleAccount.from_environment(environ, ENV, ISSUER)
    message = str(caught.value)
    assert ENV in message
    assert "TOPSECRETKEYMATERIAL" not in message and "PRIVATE KEY" not in message
    assert keys.private_pem not in message
    # Nothing chained either: a log of the traceback shows no parser's view of the value.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_the_issuer_id_must_be_a_number(keys: Keys) -> None:
    with pytest.raises(WalletUnavailable, match="issuer id"):
        GoogleAccount.from_environment({ENV: key_json(keys)}, ENV, "my-store")


# -- the pass itself ---------------------------------------------------------------------------

ID = re.compile(rf"^{ISSUER}\.[A-Za-z0-9._-]+$")


def test_ids_are_sanitised(account: GoogleAccount) -> None:
    offer = short_offer(offer_id="soldes d'été/2025!", store_id="Paris 01",
                        serial="a b\u00e9c")
    wallet_class, wallet_object = offer_class(offer, account), offer_object(offer, account)
    assert ID.match(wallet_class["id"]) and ID.match(wallet_object["id"])
    assert wallet_class["id"] == f"{ISSUER}.Paris_01-soldes_d_t_2025"
    assert wallet_object["classId"] == wallet_class["id"]
    assert wallet_object["id"] == f"{ISSUER}.a_b_c"


def test_valid_until_is_rfc3339_with_its_offset(account: GoogleAccount) -> None:
    end = datetime.datetime(2025, 6, 30, 23, 59, 59, 500, tzinfo=ZoneInfo("Europe/Paris"))
    wallet_object = offer_object(short_offer(valid_until=end), account)
    assert wallet_object["validTimeInterval"] == {"end": {"date": "2025-06-30T23:59:59+02:00"}}
    assert "validTimeInterval" not in offer_object(short_offer(), account)
    with pytest.raises(ValueError, match="timezone"):
        short_offer(valid_until=datetime.datetime(2025, 6, 30))


def test_the_pass_carries_the_offer(account: GoogleAccount) -> None:
    offer = short_offer(url="https://demo.example/offers/spring-run", background="#112233")
    wallet_class, wallet_object = offer_class(offer, account), offer_object(offer, account)
    assert wallet_class["issuerName"] == wallet_class["provider"] == "Maison Demo"
    assert wallet_class["title"] == "Spring run -15%"
    assert wallet_class["finePrint"] == "One use per shopper."
    assert wallet_class["redemptionChannel"] == "both"
    assert wallet_class["reviewStatus"] == "UNDER_REVIEW"
    assert wallet_class["hexBackgroundColor"] == "#112233"
    assert wallet_object["state"] == "ACTIVE"
    assert wallet_object["barcode"] == {"type": "QR_CODE", "value": "SPR-7K2Q"}
    assert wallet_object["linksModuleData"]["uris"][0]["uri"] == offer.url
    in_store = short_offer()
    assert offer_class(in_store, account)["redemptionChannel"] == "instore"
    assert "linksModuleData" not in offer_object(in_store, account)
