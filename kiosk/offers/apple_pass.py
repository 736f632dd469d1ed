"""Apple Wallet coupons (``.pkpass``) for the store's offers, made with ``cryptography`` alone.

A .pkpass is a zip of pass.json, images, manifest.json (the SHA-1 of every other file) and
``signature``: a detached PKCS#7 over manifest.json by the store's pass type certificate,
carrying Apple's WWDR intermediate. The format is small, and doing it here lets every
credential problem be said in words staff can act on (see :class:`WalletUnavailable`).

``cryptography`` is imported where a certificate or key is read or a pass signed, not with the
module: a table without Apple's files never loads it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import pathlib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.offers.pass_images import parse_colour, pass_images
from kiosk.offers.wallet_errors import WalletUnavailable

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

MAX_LOCATIONS = 10
"""Apple reads at most ten locations; more are left out."""
LABELS: dict[str, dict[str, str]] = {
    "en": {"offer": "Offer", "expires": "Expires", "code": "Code", "store": "Store",
           "terms": "Terms and conditions", "online": "Online"},
    "fr": {"offer": "Offre", "expires": "Expire le", "code": "Code", "store": "Magasin",
           "terms": "Conditions", "online": "En ligne"},
}


@dataclass(frozen=True)
class AppleSigner:
    """The store's pass type certificate, its key and Apple's WWDR intermediate."""

    certificate: x509.Certificate
    key: PrivateKeyTypes
    wwdr: x509.Certificate
    pass_type_id: str
    team_id: str

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], certificate_env: str, key_env: str,
                         wwdr_env: str, key_password_env: str | None,
                         pass_type_id: str | None, team_id: str | None) -> AppleSigner:
        """Load the credentials whose file paths the variables hold, and check now what
        Apple would otherwise refuse silently on the shopper's phone: a key that does not
        match, an expired certificate, a WWDR that did not issue it, ids that differ from it.
        Raises WalletUnavailable naming the variable at fault."""
        certificate = _load_certificate(environ, certificate_env)
        key = _load_key(environ, key_env, key_password_env)
        wwdr = _load_certificate(environ, wwdr_env)
        from cryptography.exceptions import InvalidSignature
        from cryptography.x509.oid import NameOID

        if _spki(key.public_key()) != _spki(certificate.public_key()):
            raise WalletUnavailable(
                f"{key_env}: the key does not match the certificate in {certificate_env}")
        now = datetime.datetime.now(datetime.timezone.utc)
        _check_dates(certificate, now, f"{certificate_env}: the pass certificate")
        _check_dates(wwdr, now, f"{wwdr_env}: the WWDR certificate")
        try:
            certificate.verify_directly_issued_by(wwdr)
        except (ValueError, TypeError, InvalidSignature):
            raise WalletUnavailable(
                f"{wwdr_env}: this is not the WWDR certificate that issued the pass certificate "
                f"in {certificate_env}; download the matching one from Apple") from None
        pass_type_id = _identity(certificate, NameOID.USER_ID, pass_type_id, certificate_env,
                                 "pass type id (UID)")
        team_id = _identity(certificate, NameOID.ORGANIZATIONAL_UNIT_NAME, team_id,
                            certificate_env, "team id (OU)")
        return cls(certificate, key, wwdr, pass_type_id, team_id)


@dataclass(frozen=True)
class PassContent:
    """What the coupon says; validated on creation so that a bad value fails at its source."""

    serial: str
    organization: str
    description: str
    title: str
    terms: str
    code: str
    store_name: str
    locale: str
    expires: datetime.datetime | None = None
    locations: tuple[tuple[float, float], ...] = ()
    relevant_text: str = ""
    url: str | None = None
    foreground: str = "#1B1F24"
    background: str = "#FBFAF7"
    label: str = "#5B6573"
    logo: pathlib.Path | None = None

    def __post_init__(self) -> None:
        for name in ("serial", "code", "title", "organization", "description"):
            if not getattr(self, name).strip():
                raise ValueError(f"a pass needs a {name}")
        if self.expires is not None and self.expires.utcoffset() is None:
            raise ValueError("expires must be timezone-aware")
        for latitude, longitude in self.locations:
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValueError(f"location ({latitude}, {longitude}) is not a latitude/longitude")
        for colour in (self.foreground, self.background, self.label):
            parse_colour(colour)


def pass_json(content: PassContent, signer: AppleSigner) -> dict[str, Any]:
    """The pass.json of a coupon: title in front, code and store beside it, terms on the back,
    the code as a QR barcode the till scans."""
    words = LABELS.get(content.locale.strip().lower().replace("_", "-").split("-")[0],
                       LABELS["en"])
    secondary: list[dict[str, Any]] = []
    if content.expires is not None:
        secondary.append({"key": "expires", "label": words["expires"],
                          "value": _iso(content.expires), "dateStyle": "PKDateStyleMedium",
                          "timeStyle": "PKDateStyleNone"})
    back = [{"key": "terms", "label": words["terms"], "value": content.terms}] \
        if content.terms.strip() else []
    if content.url:
        back.append({"key": "url", "label": words["online"], "value": content.url})
    # iso-8859-1 is what Apple's documentation uses and scanners expect; utf-8 when it can't.
    encoding = "iso-8859-1" if max(map(ord, content.code)) < 256 else "utf-8"
    barcode = {"format": "PKBarcodeFormatQR", "message": content.code,
               "messageEncoding": encoding, "altText": content.code}
    document: dict[str, Any] = {
        "formatVersion": 1,
        "passTypeIdentifier": signer.pass_type_id,
        "teamIdentifier": signer.team_id,
        "serialNumber": content.serial,
        "organizationName": content.organization,
        "description": content.description,
        "logoText": content.store_name,
        "foregroundColor": _rgb(content.foreground),
        "backgroundColor": _rgb(content.background),
        "labelColor": _rgb(content.label),
        "coupon": {
            "primaryFields": [{"key": "offer", "label": words["offer"], "value": content.title}],
            "secondaryFields": secondary,
            "auxiliaryFields": [
                {"key": "code", "label": words["code"], "value": content.code},
                {"key": "store", "label": words["store"], "value": content.store_name}],
            "backFields": back,
        },
        "barcodes": [barcode],
        "barcode": dict(barcode),  # iOS 8 and older read only this one
    }
    if content.expires is not None:
        document["expirationDate"] = _iso(content.expires)
    if content.locations:
        text = content.relevant_text.strip() or content.title
        document["locations"] = [
            {"latitude": float(latitude), "longitude": float(longitude), "relevantText": text}
            for latitude, longitude in content.locations[:MAX_LOCATIONS]]
    return document


def build_pkpass(content: PassContent, signer: AppleSigner,
                 signed_at: datetime.datetime | None = None) -> bytes:
    """The .pkpass file. ``signed_at`` (default now) is when the certificate must be valid and
    the zip entries' date; the signature's signingTime attribute is always the current time,
    as cryptography's PKCS7SignatureBuilder writes it itself and cannot be told another."""
    when = signed_at or datetime.datetime.now(datetime.timezone.utc)
    if when.utcoffset() is None:
        raise ValueError("signed_at must be timezone-aware")
    _check_dates(signer.certificate, when, "the pass certificate")
    document = json.dumps(pass_json(content, signer), ensure_ascii=False, indent=2)
    files = {"pass.json": document.encode("utf-8")}
    files.update(sorted(pass_images(content.logo, content.background,
                                    content.foreground).items()))
    manifest = json.dumps({name: hashlib.sha1(body).hexdigest() for name, body in files.items()},
                          indent=2, sort_keys=True).encode("ascii")
    files["manifest.json"] = manifest
    files["signature"] = _sign(manifest, signer)
    stamp = when.astimezone(datetime.timezone.utc).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():  # pass.json, images, manifest.json, signature
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, body)
    return out.getvalue()


def _sign(manifest: bytes, signer: AppleSigner) -> bytes:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import pkcs7

    if not isinstance(signer.key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise WalletUnavailable("the pass key must be an RSA or EC key")
    # add_certificate last: set_data and add_signer drop the certificates added before them.
    builder = (pkcs7.PKCS7SignatureBuilder().set_data(manifest)
               .add_signer(signer.certificate, signer.key, hashes.SHA256())
               .add_certificate(signer.wwdr))
    return builder.sign(serialization.Encoding.DER,
                        [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])


def _rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*parse_colour(colour))


def _iso(moment: datetime.datetime) -> str:
    """ISO 8601 with its offset, to the second: what Apple's date fields take."""
    return moment.replace(microsecond=0).isoformat()


def _spki(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def _path(environ: Mapping[str, str], env: str) -> pathlib.Path:
    value = (environ.get(env) or "").strip()
    if not value:
        raise WalletUnavailable(f"{env} is not set")
    if "-----BEGIN" in value or "\n" in value or len(value) > 4096:  # never echo a key back
        raise WalletUnavailable(f"{env} must hold the path of a file, not the file's content")
    return pathlib.Path(value).expanduser()


def _read(environ: Mapping[str, str], env: str) -> tuple[pathlib.Path, bytes]:
    path = _path(environ, env)
    try:
        return path, path.read_bytes()
    except FileNotFoundError:
        raise WalletUnavailable(f"{env}: {path} not found") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise WalletUnavailable(f"{env}: {path} cannot be read ({reason})") from None


def _load_certificate(environ: Mapping[str, str], env: str) -> x509.Certificate:
    path, data = _read(environ, env)
    from cryptography import x509  # here: a table without Apple's files set never loads it

    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise WalletUnavailable(f"{env}: {path} is not a certificate (PEM or DER)") from None


def _load_key(environ: Mapping[str, str], env: str,
              password_env: str | None) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    path, data = _read(environ, env)
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    secret = environ.get(password_env) if password_env else None
    password = secret.encode("utf-8") if secret else None
    if password is not None and b"ENCRYPTED" not in data:
        password = None  # a password for a key without one is not in the way
    try:
        key = serialization.load_pem_private_key(data, password)
    except TypeError:
        where = f"{password_env} is not set" if password_env else "no password variable is set"
        raise WalletUnavailable(f"{env}: {path} is encrypted and {where}") from None
    except ValueError:
        problem = (f"could not be decrypted with the password in {password_env}"
                   if password is not None else "is not a private key (PEM)")
        raise WalletUnavailable(f"{env}: {path} {problem}") from None
    except UnsupportedAlgorithm:
        raise WalletUnavailable(f"{env}: {path} uses an unsupported algorithm") from None
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise WalletUnavailable(f"{env}: {path} is not an RSA or EC key")
    return key


def _check_dates(certificate: x509.Certificate, when: datetime.datetime, what: str) -> None:
    if certificate.not_valid_after_utc < when:
        raise WalletUnavailable(f"{what} expired on {certificate.not_valid_after_utc:%Y-%m-%d}")
    if certificate.not_valid_before_utc > when:
        raise WalletUnavailable(
            f"{what} is not valid before {certificate.not_valid_before_utc:%Y-%m-%d}")


def _identity(certificate: x509.Certificate, oid: x509.ObjectIdentifier, configured: str | None,
              env: str, what: str) -> str:
    """The configured id, or the certificate's; they must agree, or iOS refuses the pass."""
    found = certificate.subject.get_attributes_for_oid(oid)
    carried = str(found[0].value) if found else None
    if configured and carried and configured != carried:
        raise WalletUnavailable(f"{env}: the certificate is for {what} {carried}, "
                                f"not {configured} as configured")
    if not (configured or carried):
        raise WalletUnavailable(f"{env}: the certificate carries no {what}; set it in the config")
    return configured or carried or ""
