"""A .pkpass checked as iOS would, for the tests: every file in the manifest with its SHA-1,
nothing outside it, the detached signature valid over manifest.json, made by a certificate for
the pass type and issued by a certificate it carries.

Why here and not in the kiosk: cryptography makes PKCS#7 signatures but cannot verify them;
the tests check the kiosk's passes with this reader and with ``openssl smime -verify``.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

MAX_PKPASS_BYTES = 20 * 1024 * 1024
"""verify_pkpass refuses larger contents: a zip can unpack to far more than it weighs."""


def verify_pkpass(data: bytes) -> dict[str, Any]:
    """pass.json of a .pkpass, once checked as iOS would: every file in the manifest with its
    SHA-1, nothing outside it, the signature valid over manifest.json, made by a certificate
    for this pass type and issued by a certificate it carries. Raises ValueError saying what
    is wrong (for the tests and ``kiosk offers`` diagnostics)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ValueError(f"not a zip: {error}") from None
    with archive:
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
        if sum(entry.file_size for entry in entries) > MAX_PKPASS_BYTES:
            raise ValueError("the pass unpacks to more than 20 MB")
        files = {entry.filename: archive.read(entry) for entry in entries}
    for name in ("pass.json", "manifest.json", "signature"):
        if name not in files:
            raise ValueError(f"{name} is missing")
    manifest = json.loads(files["manifest.json"])
    for name, body in files.items():
        if name in ("manifest.json", "signature"):
            continue
        if name not in manifest:
            raise ValueError(f"{name} is not in manifest.json")
        if hashlib.sha1(body).hexdigest() != manifest[name]:
            raise ValueError(f"{name} does not match its hash in manifest.json")
    missing = sorted(set(manifest) - set(files))
    if missing:
        raise ValueError(f"manifest.json lists missing files: {', '.join(missing)}")
    document = json.loads(files["pass.json"])
    try:
        signer = _check_signature(files["signature"], files["manifest.json"])
    except (IndexError, KeyError, StopIteration) as error:
        raise ValueError(f"the signature is malformed ({type(error).__name__})") from None
    for oid, key in ((NameOID.USER_ID, "passTypeIdentifier"),
                     (NameOID.ORGANIZATIONAL_UNIT_NAME, "teamIdentifier")):
        found = signer.subject.get_attributes_for_oid(oid)
        if found and found[0].value != document.get(key):
            raise ValueError(f"{key} {document.get(key)!r} is not the certificate's "
                             f"{found[0].value!r}")
    return document


# A minimal DER reader: just enough of CMS SignedData to check a detached signature, as
# cryptography can make PKCS#7 signatures but not verify them. It checks the signature and that
# a carried certificate issued the signer's, not the chain up to Apple's root (iOS does that).
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "1.3.14.3.2.26": hashes.SHA1, "2.16.840.1.101.3.4.2.1": hashes.SHA256,
    "2.16.840.1.101.3.4.2.2": hashes.SHA384, "2.16.840.1.101.3.4.2.3": hashes.SHA512,
    "2.16.840.1.101.3.4.2.4": hashes.SHA224}
_SIGNED_DATA, _DATA = "1.2.840.113549.1.7.2", "1.2.840.113549.1.7.1"
_CONTENT_TYPE, _DIGEST, _SIGNING_TIME = ("1.2.840.113549.1.9.3", "1.2.840.113549.1.9.4",
                                         "1.2.840.113549.1.9.5")
_PSS = "1.2.840.113549.1.1.10"
Element = tuple[int, int, int, int]
"""(tag, value start, value end, element start) in the DER bytes."""


def _element(data: bytes, pos: int) -> Element:
    tag, length, start = data[pos], data[pos + 1], pos + 2
    if tag & 0x1F == 0x1F:
        raise ValueError("unexpected DER tag")
    if length & 0x80:
        count = length & 0x7F
        length, start = int.from_bytes(data[start:start + count], "big"), start + count
    if start + length > len(data):
        raise ValueError("truncated DER")
    return tag, start, start + length, pos


def _children(data: bytes, parent: Element) -> list[Element]:
    items, pos = [], parent[1]
    while pos < parent[2]:
        items.append(_element(data, pos))
        pos = items[-1][2]
    return items


def _oid(data: bytes, item: Element) -> str:
    if item[0] != 0x06:
        raise ValueError("expected an object identifier")
    numbers, value = [], 0
    for byte in data[item[1]:item[2]]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            numbers.append(value)
            value = 0
    first = min(numbers[0] // 40, 2)
    return ".".join(str(number) for number in [first, numbers[0] - 40 * first, *numbers[1:]])


def _check_signature(signature: bytes, content: bytes) -> x509.Certificate:
    """The signer's certificate, once the detached signature is checked over ``content``."""
    certificates = pkcs7.load_der_pkcs7_certificates(signature)
    info = _children(signature, _element(signature, 0))
    if _oid(signature, info[0]) != _SIGNED_DATA:
        raise ValueError("the signature is not PKCS#7 signed data")
    signed = _children(signature, _children(signature, info[1])[0])
    if len(_children(signature, signed[2])) > 1:
        raise ValueError("the signature is not detached")
    signers = _children(signature, signed[-1])
    if len(signers) != 1:
        raise ValueError("the signature should have exactly one signer")
    fields = _children(signature, signers[0])
    issuer, serial = _children(signature, fields[1])
    hash_type = _HASHES[_oid(signature, _children(signature, fields[2])[0])]
    attributes, algorithm, value = fields[3], fields[4], fields[5]
    if attributes[0] != 0xA0 or value[0] != 0x04:
        raise ValueError("the signature has no signed attributes")
    found: dict[str, Element] = {}
    for attribute in _children(signature, attributes):
        kind, values = _children(signature, attribute)
        found[_oid(signature, kind)] = _children(signature, values)[0]
    if _SIGNING_TIME not in found or _oid(signature, found[_CONTENT_TYPE]) != _DATA:
        raise ValueError("the signature lacks its signing time or content type")
    digest = hashes.Hash(hash_type())
    digest.update(content)
    if signature[found[_DIGEST][1]:found[_DIGEST][2]] != digest.finalize():
        raise ValueError("the signature does not match manifest.json")
    issuer_der = signature[issuer[3]:issuer[2]]
    number = int.from_bytes(signature[serial[1]:serial[2]], "big", signed=True)
    signer = next(cert for cert in certificates if cert.serial_number == number
                  and cert.issuer.public_bytes() == issuer_der)
    signed_bytes = b"\x31" + signature[attributes[3] + 1:attributes[2]]  # [0] IMPLICIT -> SET
    raw = signature[value[1]:value[2]]
    key = signer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey) and _oid(signature, _children(
                signature, algorithm)[0]) != _PSS:
            key.verify(raw, signed_bytes, padding.PKCS1v15(), hash_type())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(raw, signed_bytes, ec.ECDSA(hash_type()))
        else:
            raise ValueError("the signature's algorithm is not supported")
    except InvalidSignature:
        raise ValueError("the signature is not valid") from None
    for other in certificates:
        try:
            if other != signer:
                signer.verify_directly_issued_by(other)
                return signer
        except (ValueError, TypeError, InvalidSignature):
            continue
    raise ValueError("the signature does not carry the certificate that issued its signer")
