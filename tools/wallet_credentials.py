"""Self-made wallet credentials, for trying offers in the simulator and for the tests: a test
"WWDR" authority, a pass type certificate it signed with its key, and a Google service-account
key file. Passes signed with them verify, but no phone accepts them: real ones come from
Apple's developer account and Google's Wallet console.

    python -m tools.wallet_credentials DIR      # writes the files, prints the variables to set
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

PASS_TYPE_ID = "pass.com.example.kiosk"
TEAM_ID = "KIOSKTEST1"


@dataclass(frozen=True)
class Credentials:
    """Where the files are, and the environment the demo store's ``wallet`` section reads."""

    folder: Path
    environ: dict[str, str]
    google_public_key: bytes


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _certificate(subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey,
                 signing_key: rsa.RSAPrivateKey, ca: bool) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(signing_key, hashes.SHA256()))


def write_credentials(folder: Path, token_uri: str = "https://oauth2.googleapis.com/token"
                      ) -> Credentials:
    """Write the files into ``folder``; ``token_uri``: where the service account asks for
    tokens (a local server in the tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    wwdr_key, pass_key, google_key = _key(), _key(), _key()
    wwdr_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test WWDR (not Apple)")])
    wwdr = _certificate(wwdr_name, wwdr_name, wwdr_key, wwdr_key, True)
    pass_name = x509.Name([
        x509.NameAttribute(NameOID.USER_ID, PASS_TYPE_ID),
        x509.NameAttribute(NameOID.COMMON_NAME, f"Pass Type ID: {PASS_TYPE_ID}"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEAM_ID)])
    certificate = _certificate(pass_name, wwdr_name, pass_key, wwdr_key, False)
    files = {"wwdr.pem": wwdr.public_bytes(serialization.Encoding.PEM),
             "pass.pem": certificate.public_bytes(serialization.Encoding.PEM),
             "pass.key": _pem(pass_key),
             "google.json": json.dumps({
                 "type": "service_account", "project_id": "kiosk-test",
                 "private_key_id": "test-key-1", "private_key": _pem(google_key).decode(),
                 "client_email": "kiosk@kiosk-test.iam.gserviceaccount.com",
                 "token_uri": token_uri}).encode()}
    for name, content in files.items():
        (folder / name).write_bytes(content)
        (folder / name).chmod(0o600)
    environ = {"KIOSK_PASS_CERT": str(folder / "pass.pem"),
               "KIOSK_PASS_KEY": str(folder / "pass.key"),
               "KIOSK_PASS_WWDR": str(folder / "wwdr.pem"),
               "KIOSK_GOOGLE_WALLET_KEY": str(folder / "google.json")}
    public = google_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return Credentials(folder, environ, public)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    credentials = write_credentials(Path(argv[0]))
    for name, value in credentials.environ.items():
        print(f"export {name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
