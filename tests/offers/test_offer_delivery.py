"""An offer from the panel to the phone through the real pieces: the pool's SQLite file, the
durable outbox and its worker, an SMTP server, Google's API and token endpoint on 127.0.0.1,
and self-made wallet credentials (tools.wallet_credentials)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import shutil
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.analytics.log import EventLog
from kiosk.analytics.report import build_report
from kiosk.analytics.usage import Usage
from kiosk.catalog.catalog import Catalog
from kiosk.commands.simulate import play_scenario
from kiosk.config import KioskConfig, load_config
from kiosk.config.handoff import SmtpEmail
from kiosk.handoff.outbox.senders import senders_from_config
from kiosk.handoff.outbox.store import Outbox
from kiosk.handoff.outbox.worker import OutboxWorker
from kiosk.handoff.service import SendService
from kiosk.offers.passes import Grant, OfferGone
from kiosk.offers.pool import CodePool
from kiosk.offers.service import OfferService
from kiosk.simulator.scenario import load_scenario
from tests.handoff.servers import SmtpServer, wait_until
from tests.kiosk.scenarios import tree
from tests.offers.google_server import TOKEN_PATH, GoogleServer, verified
from tests.offers.pkpass_check import verify_pkpass
from tests.paths import DEMO_CONFIG, DEMO_MEDIA
from tools.wallet_credentials import Credentials, write_credentials

ESPRESSO = "3760000000178"  # the pool offer "espresso-welcome" (3 codes)
RUN_SHOE = "3760000000093"  # the running department's shared code RUNCLUB15
ADDRESS = "clara@example.com"


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> Credentials:
    return write_credentials(tmp_path_factory.mktemp("wallet"), "http://127.0.0.1:1/unused")


@pytest.fixture
def google(credentials: Credentials, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[GoogleServer]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server = GoogleServer(credentials.google_public_key.decode())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def environ(credentials: Credentials, google: GoogleServer, tmp_path: Path) -> dict[str, str]:
    """The credentials, the service account's tokens asked of the local server."""
    key = (credentials.folder / "google.json").read_text()
    local = tmp_path / "google.json"
    local.write_text(key.replace("http://127.0.0.1:1/unused", google.url(TOKEN_PATH)))
    return {**credentials.environ, "KIOSK_GOOGLE_WALLET_KEY": str(local)}


def configured(smtp: SmtpServer, google: GoogleServer, config_dir: Path = DEMO_CONFIG
               ) -> KioskConfig:
    """The demo store mailing through the test's SMTP server, its Google API local."""
    config = load_config(config_dir, DEMO_MEDIA)
    store = config.store
    email = SmtpEmail(provider="smtp", host="127.0.0.1", port=smtp.port, starttls=False,
                      sender="Maison Rivoli <offres@example.com>", timeout_s=5)
    wallet = store.wallet.model_copy(update={"google": store.wallet.google.model_copy(
        update={"api_url": google.url("/walletobjects/v1"), "timeout_s": 5.0})})
    store = store.model_copy(update={"handoff": store.handoff.model_copy(
        update={"email": email, "sms": None, "reserve": None}), "wallet": wallet})
    return dataclasses.replace(config, store=store)


@dataclasses.dataclass
class Table:
    offers: OfferService
    outbox: Outbox
    worker: OutboxWorker
    events: EventLog


@pytest.fixture
def table(tmp_path: Path, smtp: SmtpServer, google: GoogleServer,
          environ: dict[str, str]) -> Iterator[Table]:
    config = configured(smtp, google)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    worker = OutboxWorker(outbox, senders_from_config(config.store.handoff, environ))
    events = EventLog(tmp_path / "events.sqlite3", 30)
    usage = Usage(events)
    send = SendService(config, Catalog.from_config(config), outbox, worker, time.monotonic,
                       None, usage)
    offers = OfferService(config, send, CodePool(tmp_path / "offers.sqlite3"), outbox, worker,
                          usage, environ)
    offers.settle(10)
    worker.start()
    yield Table(offers, outbox, worker, events)
    offers.close()
    send.close()
    worker.stop()
    outbox.close()
    events.close()


def grant_of(table: Table, owner: str, offer_id: str, locale: str = "fr") -> Grant:
    return table.offers.prepare(owner, offer_id, locale).result(20)


def test_an_offer_reaches_the_mailbox_with_a_valid_signed_pass(table: Table, smtp: SmtpServer,
                                                                 google: GoogleServer,
                                                                 credentials: Credentials,
                                                                 tmp_path: Path) -> None:
    assert table.offers.channels.on == ("apple_wallet", "google_wallet")
    offer = table.offers.offer_for("0" + ESPRESSO, "kitchen")
    assert offer is not None and offer.id == "espresso-welcome"
    grant = grant_of(table, ESPRESSO, offer.id)
    assert grant.code == "ESPRESSO-7Q2K"
    result = table.offers.send("email", f" {ADDRESS} ", grant, ESPRESSO)
    assert result.ok and result.written is not None
    result.written.result(10)
    wait_until(lambda: len(smtp.mails) == 1, 15)
    mail = smtp.mails[0].message
    assert mail["To"] == ADDRESS and "Un paquet de café offert" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "ESPRESSO-7Q2K" in text and "31/01/2031" in text and grant.link in text
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/vnd.apple.pkpass"
    data = attachment.get_content()
    document = verify_pkpass(data)
    assert document["barcodes"][0]["message"] == "ESPRESSO-7Q2K"
    assert document["serialNumber"] == grant.serial
    assert document["expirationDate"].startswith("2031-01-31T23:59:59")
    assert document["locations"][0]["latitude"] == pytest.approx(48.8606)
    if shutil.which("openssl"):
        files = zipfile.ZipFile(io.BytesIO(data))
        (tmp_path / "manifest.json").write_bytes(files.read("manifest.json"))
        (tmp_path / "signature").write_bytes(files.read("signature"))
        checked = subprocess.run(
            ["openssl", "smime", "-verify", "-binary", "-inform", "DER", "-in",
             str(tmp_path / "signature"), "-content", str(tmp_path / "manifest.json"),
             "-CAfile", credentials.environ["KIOSK_PASS_WWDR"], "-purpose", "any",
             "-out", "/dev/null"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
    header, claims = verified(grant.google_url or "", credentials.google_public_key.decode())
    assert len(grant.google_url or "") <= 1000 and header["alg"] == "RS256"
    assert claims["typ"] == "savetowallet" and claims["aud"] == "google"
    (wallet_object,) = claims["payload"]["offerObjects"]
    inserted = [request.json() for request in google.received("/walletobjects/v1/offerObject")]
    if "barcode" in wallet_object:  # small enough to travel whole
        assert wallet_object["barcode"]["value"] == "ESPRESSO-7Q2K"
    else:  # too long for a QR code: inserted first, named in the link
        assert [obj["id"] for obj in inserted] == [wallet_object["id"]]
        assert inserted[0]["barcode"]["value"] == "ESPRESSO-7Q2K"
    assert table.outbox.messages()[0].recipient is None  # erased once delivered
    assert table.outbox.messages()[0].attachment is None


def test_a_pool_of_three_gives_three_codes_then_the_offer_disappears(table: Table) -> None:
    codes = [grant_of(table, f"panel-{n}", "espresso-welcome").code for n in range(3)]
    assert sorted(codes) == ["ESPRESSO-7Q2K", "ESPRESSO-M4XD", "ESPRESSO-R9TB"]
    assert grant_of(table, "panel-0", "espresso-welcome").code == codes[0]  # same shopper
    assert table.offers.left("espresso-welcome") == 0
    assert table.offers.offer_for("0" + ESPRESSO, "kitchen") is None
    with pytest.raises(OfferGone):
        grant_of(table, "panel-3", "espresso-welcome")
    shared = table.offers.offer_for("0" + RUN_SHOE, "running")
    assert shared is not None and grant_of(table, "a", shared.id).code == "RUNCLUB15"


def test_sent_offers_are_counted_by_channel_and_offer(table: Table, smtp: SmtpServer,
                                                      tmp_path: Path) -> None:
    grant = grant_of(table, RUN_SHOE, "run-club-15", "en")
    written = table.offers.send("email", ADDRESS, grant, RUN_SHOE).written
    assert written is not None
    written.result(10)
    table.offers.note_sent("run-club-15", "qr", RUN_SHOE)
    table.events.flush(5)
    offers = build_report(tmp_path / "events.sqlite3", {})["offers"]
    assert offers["total"] == 2 and offers["by_offer"] == {"run-club-15": 2}
    assert offers["by_channel"]["email"] == offers["by_channel"]["qr"] == 1
    wait_until(lambda: len(smtp.mails) == 1, 15)
    assert "15% off running shoes" in smtp.mails[0].message["Subject"]


def test_without_credentials_the_offer_goes_as_the_offer_page(smtp: SmtpServer,
                                                              google: GoogleServer,
                                                              tmp_path: Path) -> None:
    config = configured(smtp, google)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    send = SendService(config, Catalog.from_config(config), outbox, None, time.monotonic)
    offers = OfferService(config, send, CodePool(tmp_path / "offers.sqlite3"), outbox, None,
                          environ={})
    try:
        offers.settle(10)
        assert offers.channels.on == ()
        grant = offers.prepare("p", "run-club-15", "fr").result(10)
        assert grant.google_url is None
        assert grant.link == ("https://shop.maison-rivoli.example/offres/run-club-15?"
                              "code=RUNCLUB15&store=paris-rivoli")
        written = offers.send("email", ADDRESS, grant, RUN_SHOE).written
        assert written is not None
        written.result(10)
        (message,) = outbox.messages()
        assert message.attachment is None and grant.link in message.text
    finally:
        offers.close()
        send.close()
        outbox.close()


def test_an_offer_out_of_its_schedule_is_not_shown(smtp: SmtpServer, google: GoogleServer,
                                                   tmp_path: Path) -> None:
    config = configured(smtp, google)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    expired = tuple(offer.model_copy(update={"until": yesterday, "redeem_until": None})
                    for offer in config.offers.offers)
    config = dataclasses.replace(config, offers=dataclasses.replace(config.offers,
                                                                    offers=expired))
    send = SendService(config, Catalog.from_config(config), None, None, time.monotonic)
    offers = OfferService(config, send, CodePool(tmp_path / "offers.sqlite3"), None, None,
                          environ={})
    try:
        offers.settle(10)
        assert offers.offer_for("0" + RUN_SHOE, "running") is None
        assert offers.offer_for("0" + ESPRESSO, "kitchen") is None
        with pytest.raises(OfferGone):
            offers.prepare("p", "run-club-15", "fr").result(10)
    finally:
        offers.close()
        send.close()



def test_the_offers_scenario_in_the_simulator(smtp: SmtpServer, google: GoogleServer,
                                              environ: dict[str, str],
                                              credentials: Credentials, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Two shoppers: one scans the running shoes' QR code (a Google Wallet link), the other
    has the espresso machine's single-use code sent by e-mail (a signed pass attached)."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    config = configured(smtp, google)
    scenario = load_scenario(DEMO_CONFIG / "scenarios" / "offers.yaml", config.store.locales)
    result = play_scenario(config, scenario, tmp_path, step_mode=True,
                           data_dir=tmp_path / "data")
    assert result.ok, result.stats.errors
    (qr,) = [node for node in tree(tmp_path, "02-shared-code-qr") if node["role"] == "qr"]
    _, claims = verified(qr["text"], credentials.google_public_key.decode())
    assert claims["payload"]["offerObjects"]
    assert [node["text"] for node in tree(tmp_path, "02-shared-code-qr")
            if "RUNCLUB15" in node["text"]]
    (notice,) = [node for node in tree(tmp_path, "05-offer-sent") if node["role"] == "notice"]
    assert notice["label"] == "ok" and "offre arrive" in notice["text"]
    wait_until(lambda: len(smtp.mails) == 1, 20)
    mail = smtp.mails[0].message
    assert mail["To"] == "clara@ex.com"
    (attachment,) = list(mail.iter_attachments())
    document = verify_pkpass(attachment.get_content())
    assert document["barcodes"][0]["message"] == "ESPRESSO-7Q2K"
