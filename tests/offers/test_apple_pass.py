"""Apple Wallet coupons with self-made certificates: the .pkpass's manifest and signature (checked
by openssl and by verify_pkpass, and shown to fail when tampered with), its pass.json, the
credentials read from the environment, and the images made from good and bad logos."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from kiosk.offers.apple_pass import (
    AppleSigner,
    PassContent,
    build_pkpass,
    pass_images,
    pass_json,
)
from kiosk.offers.wallet_errors import WalletUnavailable
from tests.offers.pkpass_check import verify_pkpass

UTC = datetime.timezone.utc
NOW = datetime.datetime.now(UTC)
PASS_TYPE = "pass.com.example.test"
TEAM = "TESTTEAM01"
OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")
ENV = {"cert": "KIOSK_PASS_CERT", "key": "KIOSK_PASS_KEY", "wwdr": "KIOSK_PASS_WWDR",
       "password": "KIOSK_PASS_KEY_PASSWORD"}


@dataclass(frozen=True)
class Pki:
    wwdr: x509.Certificate
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    expired: x509.Certificate
    other_key: ec.EllipticCurvePrivateKey
    foreign_ca: x509.Certificate
    ec_certificate: x509.Certificate


def certify(subject: x509.Name, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
            issuer: x509.Name, issuer_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
            ca: bool, days: tuple[int, int] = (-1, 365)) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW + datetime.timedelta(days=days[0]))
               .not_valid_after(NOW + datetime.timedelta(days=days[1]))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(issuer_key, hashes.SHA256())


def pass_subject(pass_type: str = PASS_TYPE) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.USER_ID, pass_type),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"Pass Type ID: {pass_type}"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEAM),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Store")])


@pytest.fixture(scope="module")
def pki() -> Pki:
    """A WWDR-like CA, a pass type certificate it issued (RSA 2048), and things that are wrong."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Apple WWDR test")])
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_key = ec.generate_private_key(ec.SECP256R1())
    foreign_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Some other CA")])
    return Pki(
        wwdr=certify(ca_name, ca_key, ca_name, ca_key, ca=True),
        certificate=certify(pass_subject(), key, ca_name, ca_key, ca=False),
        key=key,
        expired=certify(pass_subject(), key, ca_name, ca_key, ca=False, days=(-400, -30)),
        other_key=other_key,
        foreign_ca=certify(foreign_name, other_key, foreign_name, other_key, ca=True),
        ec_certificate=certify(pass_subject(), other_key, ca_name, ca_key, ca=False))


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def key_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, password: bytes | None = None,
            ) -> bytes:
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.TraditionalOpenSSL, encryption)


@pytest.fixture
def environ(tmp_path: Path, pki: Pki) -> dict[str, str]:
    """The three credential files written to tmp_path, and variables naming them."""
    (tmp_path / "pass.pem").write_bytes(pem(pki.certificate))
    (tmp_path / "pass.key").write_bytes(key_pem(pki.key))
    (tmp_path / "wwdr.pem").write_bytes(pem(pki.wwdr))
    return {ENV["cert"]: str(tmp_path / "pass.pem"), ENV["key"]: str(tmp_path / "pass.key"),
            ENV["wwdr"]: str(tmp_path / "wwdr.pem")}


def load(environ: dict[str, str], pass_type: str | None = None,
         team: str | None = None) -> AppleSigner:
    return AppleSigner.from_environment(environ, ENV["cert"], ENV["key"], ENV["wwdr"],
                                        ENV["password"], pass_type, team)


@pytest.fixture
def signer(environ: dict[str, str]) -> AppleSigner:
    return load(environ)


EXPIRES = datetime.datetime(2026, 3, 31, 23, 59, 59,
                            tzinfo=datetime.timezone(datetime.timedelta(hours=2)))


def content(**changes: object) -> PassContent:
    base = PassContent(serial="0123456789abcdef0123456789abcdef", organization="Maison Rivoli",
                       description="-20 % sur le café", title="-20 % sur le café",
                       terms="Valable une fois, en magasin.", code="CAFE-7Q2X",
                       store_name="Maison Rivoli", locale="fr", expires=EXPIRES,
                       locations=((48.8606, 2.3376),), relevant_text="Votre offre vous attend",
                       url="https://shop.example.com/offres/cafe")
    return replace(base, **changes)  # type: ignore[arg-type]


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return out.getvalue()


# The .pkpass: manifest and signature


def test_the_manifest_hashes_every_file_and_only_the_files(signer: AppleSigner) -> None:
    files = unzip(build_pkpass(content(), signer))
    manifest = json.loads(files["manifest.json"])
    assert list(files) == ["pass.json", "icon.png", "icon@2x.png", "icon@3x.png", "logo.png",
                           "logo@2x.png", "manifest.json", "signature"]
    assert set(manifest) == set(files) - {"manifest.json", "signature"}
    for name, digest in manifest.items():
        assert hashlib.sha1(files[name]).hexdigest() == digest


def openssl_verify(folder: Path, signature: bytes, manifest: bytes,
                   ca: x509.Certificate) -> subprocess.CompletedProcess[str]:
    (folder / "signature").write_bytes(signature)
    (folder / "manifest.json").write_bytes(manifest)
    (folder / "ca.pem").write_bytes(pem(ca))
    return subprocess.run(
        [str(OPENSSL), "smime", "-verify", "-binary", "-inform", "DER",
         "-in", str(folder / "signature"), "-content", str(folder / "manifest.json"),
         "-CAfile", str(folder / "ca.pem"), "-purpose", "any", "-out", str(folder / "out")],
        capture_output=True, text=True, timeout=30, check=False)


@needs_openssl
def test_openssl_verifies_the_signature_and_refuses_a_tampered_manifest(
        signer: AppleSigner, pki: Pki, tmp_path: Path) -> None:
    files = unzip(build_pkpass(content(), signer))
    good = openssl_verify(tmp_path, files["signature"], files["manifest.json"], pki.wwdr)
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "out").read_bytes() == files["manifest.json"]
    tampered = files["manifest.json"].replace(b'"pass.json": "', b'"pass.json": "0')
    bad = openssl_verify(tmp_path, files["signature"], tampered, pki.wwdr)
    assert bad.returncode != 0
    foreign = openssl_verify(tmp_path, files["signature"], files["manifest.json"], pki.foreign_ca)
    assert foreign.returncode != 0


def test_verify_pkpass_checks_the_signature_itself(signer: AppleSigner) -> None:
    data = build_pkpass(content(), signer)
    assert verify_pkpass(data)["serialNumber"] == content().serial
    files = unzip(data)
    # Same hashes, other bytes: only the signature can tell.
    reformatted = dict(files, **{"manifest.json": files["manifest.json"].replace(b"\n", b"\r\n")})
    with pytest.raises(ValueError, match="signature does not match"):
        verify_pkpass(rezip(reformatted))
    signature = bytearray(files["signature"])
    signature[-10] ^= 0xFF  # inside the signature value, the last field of the signer info
    with pytest.raises(ValueError, match="signature"):
        verify_pkpass(rezip(dict(files, signature=bytes(signature))))


@pytest.mark.parametrize(("change", "message"), [
    (lambda f: f.update({"pass.json": f["pass.json"] + b" "}), "pass.json does not match"),
    (lambda f: f.update({"extra.png": b"x"}), "extra.png is not in manifest.json"),
    (lambda f: f.pop("logo.png"), "lists missing files: logo.png"),
    (lambda f: f.pop("signature"), "signature is missing"),
])
def test_verify_pkpass_refuses_files_that_do_not_match_the_manifest(
        signer: AppleSigner, change: Callable[[dict[str, bytes]], object],
        message: str) -> None:
    files = unzip(build_pkpass(content(), signer))
    change(files)
    with pytest.raises(ValueError, match=message):
        verify_pkpass(rezip(files))


def test_the_signature_carries_the_pass_certificate_and_the_wwdr(
        signer: AppleSigner, pki: Pki) -> None:
    files = unzip(build_pkpass(content(), signer))
    carried = pkcs7.load_der_pkcs7_certificates(files["signature"])
    assert sorted(c.subject.rfc4514_string() for c in carried) == sorted(
        c.subject.rfc4514_string() for c in (pki.certificate, pki.wwdr))


@needs_openssl
def test_the_signing_time_is_a_signed_attribute(signer: AppleSigner, tmp_path: Path) -> None:
    (tmp_path / "signature").write_bytes(unzip(build_pkpass(content(), signer))["signature"])
    printed = subprocess.run(
        [str(OPENSSL), "cms", "-cmsout", "-print", "-inform", "DER",
         "-in", str(tmp_path / "signature")],
        capture_output=True, text=True, timeout=30, check=True).stdout
    signed_attributes = printed.split("signedAttrs:")[1].split("signatureAlgorithm:")[0]
    assert "signingTime" in signed_attributes
    assert "messageDigest" in signed_attributes
    assert "sha256" in printed.split("digestAlgorithm:")[1].split("signedAttrs:")[0]


def test_an_ec_key_signs_too(tmp_path: Path, pki: Pki, environ: dict[str, str]) -> None:
    (tmp_path / "pass.pem").write_bytes(pem(pki.ec_certificate))
    (tmp_path / "pass.key").write_bytes(key_pem(pki.other_key))
    data = build_pkpass(content(), load(environ))
    assert verify_pkpass(data)["passTypeIdentifier"] == PASS_TYPE
    if OPENSSL:
        files = unzip(data)
        checked = openssl_verify(tmp_path, files["signature"], files["manifest.json"], pki.wwdr)
        assert checked.returncode == 0, checked.stderr


def test_a_certificate_expired_at_signing_time_is_refused(signer: AppleSigner) -> None:
    later = NOW + datetime.timedelta(days=400)
    with pytest.raises(WalletUnavailable, match="pass certificate expired on"):
        build_pkpass(content(), signer, signed_at=later)


# pass.json


def test_pass_json_is_a_coupon_with_the_code_as_qr_code(signer: AppleSigner) -> None:
    document = verify_pkpass(build_pkpass(content(), signer))
    assert document == pass_json(content(), signer)
    assert document["formatVersion"] == 1
    assert (document["passTypeIdentifier"], document["teamIdentifier"]) == (PASS_TYPE, TEAM)
    coupon = document["coupon"]
    assert coupon["primaryFields"][0]["value"] == "-20 % sur le café"
    assert coupon["primaryFields"][0]["label"] == "Offre"
    assert coupon["secondaryFields"][0]["value"] == "2026-03-31T23:59:59+02:00"
    assert {field["value"] for field in coupon["backFields"]} == {
        "Valable une fois, en magasin.", "https://shop.example.com/offres/cafe"}
    barcode = {"format": "PKBarcodeFormatQR", "message": "CAFE-7Q2X",
               "messageEncoding": "iso-8859-1", "altText": "CAFE-7Q2X"}
    assert document["barcodes"] == [barcode]
    assert document["barcode"] == barcode
    assert document["expirationDate"] == "2026-03-31T23:59:59+02:00"
    assert document["locations"] == [{"latitude": 48.8606, "longitude": 2.3376,
                                      "relevantText": "Votre offre vous attend"}]
    assert document["backgroundColor"] == "rgb(251, 250, 247)"
    assert document["foregroundColor"] == "rgb(27, 31, 36)"
    assert document["logoText"] == "Maison Rivoli"


def test_pass_json_without_optional_parts(signer: AppleSigner) -> None:
    document = pass_json(content(expires=None, locations=(), url=None, terms="", locale="de",
                                 code="КОД-1"), signer)
    assert "expirationDate" not in document and "locations" not in document
    assert document["coupon"]["secondaryFields"] == [] == document["coupon"]["backFields"]
    assert document["coupon"]["primaryFields"][0]["label"] == "Offer"
    assert document["barcodes"][0]["messageEncoding"] == "utf-8"


def test_bad_content_fails_where_it_is_made() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        content(expires=datetime.datetime(2026, 3, 31))
    with pytest.raises(ValueError, match="#RRGGBB"):
        content(background="white")
    with pytest.raises(ValueError, match="code"):
        content(code=" ")


# Credentials from the environment


def test_the_ids_come_from_the_certificate(signer: AppleSigner, pki: Pki) -> None:
    assert (signer.pass_type_id, signer.team_id) == (PASS_TYPE, TEAM)
    assert signer.certificate == pki.certificate and signer.wwdr == pki.wwdr


@pytest.mark.parametrize("variable", [ENV["cert"], ENV["key"], ENV["wwdr"]])
def test_a_missing_variable_is_named(environ: dict[str, str], variable: str) -> None:
    with pytest.raises(WalletUnavailable, match=f"^{variable} is not set$"):
        load({name: value for name, value in environ.items() if name != variable})
    with pytest.raises(WalletUnavailable, match=f"^{variable}: .*nowhere.pem not found$"):
        load(dict(environ, **{variable: "/nowhere/nowhere.pem"}))


def test_unreadable_and_wrong_files_are_named(environ: dict[str, str], tmp_path: Path,
                                              pki: Pki) -> None:
    with pytest.raises(WalletUnavailable, match=f"^{ENV['cert']}: .* cannot be read"):
        load(dict(environ, **{ENV["cert"]: str(tmp_path)}))
    (tmp_path / "junk").write_bytes(b"not a certificate")
    with pytest.raises(WalletUnavailable, match=f"^{ENV['wwdr']}: .*junk is not a certificate"):
        load(dict(environ, **{ENV["wwdr"]: str(tmp_path / "junk")}))
    with pytest.raises(WalletUnavailable, match=f"^{ENV['key']}: .*pass.pem is not a private"):
        load(dict(environ, **{ENV["key"]: environ[ENV["cert"]]}))
    (tmp_path / "other.key").write_bytes(key_pem(pki.other_key))
    with pytest.raises(WalletUnavailable, match="the key does not match the certificate"):
        load(dict(environ, **{ENV["key"]: str(tmp_path / "other.key")}))
    (tmp_path / "foreign.pem").write_bytes(pem(pki.foreign_ca))
    with pytest.raises(WalletUnavailable, match=f"^{ENV['wwdr']}: this is not the WWDR"):
        load(dict(environ, **{ENV["wwdr"]: str(tmp_path / "foreign.pem")}))


def test_key_content_in_the_variable_is_not_echoed(environ: dict[str, str], pki: Pki) -> None:
    secret = key_pem(pki.key).decode()
    with pytest.raises(WalletUnavailable) as raised:
        load(dict(environ, **{ENV["key"]: secret}))
    assert str(raised.value) == f"{ENV['key']} must hold the path of a file, not the file's content"


def test_an_expired_certificate_is_refused(environ: dict[str, str], pki: Pki) -> None:
    Path(environ[ENV["cert"]]).write_bytes(pem(pki.expired))
    day = f"{pki.expired.not_valid_after_utc:%Y-%m-%d}"
    with pytest.raises(WalletUnavailable,
                       match=f"^{ENV['cert']}: the pass certificate expired on {day}$"):
        load(environ)


def test_a_der_certificate_is_read(environ: dict[str, str], pki: Pki) -> None:
    Path(environ[ENV["cert"]]).write_bytes(pki.certificate.public_bytes(
        serialization.Encoding.DER))
    assert load(environ).certificate == pki.certificate


def test_a_key_password_works_and_a_wrong_one_is_said(environ: dict[str, str],
                                                      pki: Pki) -> None:
    Path(environ[ENV["key"]]).write_bytes(key_pem(pki.key, b"s3cret-pw"))
    assert load(dict(environ, **{ENV["password"]: "s3cret-pw"})).key.private_numbers() == \
        pki.key.private_numbers()
    with pytest.raises(WalletUnavailable) as raised:
        load(dict(environ, **{ENV["password"]: "wrong-pw"}))
    assert ENV["password"] in str(raised.value) and "wrong-pw" not in str(raised.value)
    with pytest.raises(WalletUnavailable, match=f"is encrypted and {ENV['password']} is not set"):
        load(environ)


def test_a_password_for_a_plain_key_is_not_in_the_way(environ: dict[str, str]) -> None:
    assert load(dict(environ, **{ENV["password"]: "unused"})).team_id == TEAM


def test_configured_ids_must_agree_with_the_certificate(environ: dict[str, str], pki: Pki,
                                                        tmp_path: Path) -> None:
    assert load(environ, PASS_TYPE, TEAM).pass_type_id == PASS_TYPE
    with pytest.raises(WalletUnavailable, match=r"pass type id .* pass\.com\.example\.test, not"):
        load(environ, "pass.com.example.other", None)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Apple WWDR test 2")])
    bare = certify(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bare")]), pki.key,
                   ca_name, ca_key, ca=False)
    Path(environ[ENV["cert"]]).write_bytes(pem(bare))
    Path(environ[ENV["wwdr"]]).write_bytes(pem(certify(ca_name, ca_key, ca_name, ca_key, True)))
    with pytest.raises(WalletUnavailable, match=r"carries no pass type id \(UID\)"):
        load(environ)
    assert load(environ, "pass.com.example.bare", "BARETEAM01").team_id == "BARETEAM01"


# Images


def decoded(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert image is not None
    return image


def assert_sizes(images: dict[str, bytes]) -> tuple[int, int]:
    for name, side in (("icon.png", 29), ("icon@2x.png", 58), ("icon@3x.png", 87)):
        assert decoded(images[name]).shape[:2] == (side, side)
    height, width = decoded(images["logo.png"]).shape[:2]
    assert width <= 160 and height <= 50
    assert decoded(images["logo@2x.png"]).shape[:2] == (2 * height, 2 * width)
    return width, height


def test_images_from_a_real_logo_keep_aspect_and_alpha(tmp_path: Path) -> None:
    logo = np.zeros((240, 1000, 4), np.uint8)  # a wide red bar inside a transparent margin
    logo[20:220, 100:900] = (0, 0, 255, 255)
    cv2.imwrite(str(tmp_path / "logo.png"), logo)
    images = pass_images(tmp_path / "logo.png", "#FFFFFF", "#000000")
    assert assert_sizes(images) == (160, 40)  # the 800x200 visible part, 4:1
    small = decoded(images["logo.png"])
    assert small.shape[2] == 4 and small[20, 80].tolist() == [0, 0, 255, 255]
    icon = decoded(images["icon@3x.png"])
    assert icon[0, 0].tolist()[:3] == [255, 255, 255] and icon[43, 43].tolist()[:3] == [0, 0, 255]


def test_images_from_a_jpeg(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "logo.jpg"), np.full((300, 300, 3), 128, np.uint8))
    assert assert_sizes(pass_images(tmp_path / "logo.jpg", "#FFFFFF", "#000000")) == (50, 50)


def test_bad_logos_give_plain_tiles(tmp_path: Path) -> None:
    (tmp_path / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + (20000).to_bytes(4, "big") * 2 + b"\x08\x06\0\0\0"
    (tmp_path / "bomb.png").write_bytes(bomb)
    (tmp_path / "text.png").write_text("hello")
    for logo in (None, tmp_path / "missing.png", tmp_path / "corrupt.png", tmp_path / "bomb.png",
                 tmp_path / "text.png", tmp_path):
        images = pass_images(logo, "#FFFFFF", "#1B1F24")
        assert assert_sizes(images) == (50, 50)
        assert decoded(images["icon.png"])[5, 5].tolist() == [36, 31, 27]
