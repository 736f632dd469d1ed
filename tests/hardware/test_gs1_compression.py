"""Compressed GS1 Digital Link URIs: published vectors, round trips, and hostile segments."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.gs1_compression import (
    MAX_SEGMENT,
    SAFE64,
    CompressionError,
    compress,
    decompress,
    decompress_link,
    is_compressed_path,
)

FAST = settings(max_examples=300, deadline=None)
GTIN = "05412345000013"
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

# GS1's own examples: the comments in extractFromCompressedGS1digitalLink, src/
# GS1DigitalLinkToolkit.js, github.com/gs1/GS1DigitalLinkCompressionPrototype at 21a894b6
# (GS1's reference implementation). Neither has optimisation codes; the second packs the
# non-GS1 pairs expdt=1903061658 and k1=v1 after the AIs.
GS1_TOOLKIT = [
    ("http://example.org/AQnYUc1gmiERBhQ0ytiyZuAGOLc1TQ?expdt=1903061658&k1=v1",
     [("01", GTIN), ("10", "ABC&+123"), ("7003", "1903061658")], []),
    ("http://example.org/AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXhXsaXbQKHFuaprwUmrBX6g",
     [("01", GTIN), ("10", "ABC&+123"), ("7003", "1903061658")],
     [("expdt", "1903061658"), ("k1", "v1")]),
]

# (uncompressed, compressed) as published by ports of GS1's toolkit, verbatim, all without
# optimisation codes. Solidsoft-Reply/Gs1DigitalLinkLib (.NET), Tests/Features/
# DecompressGs1DigitalLink.feature and CompressGs1DigitalLink.feature at 88631c3b:
SOLIDSOFT = [
    ("https://id.gs1.org/00/998440410914660971", "https://id.gs1.org/AN2yxDhfaiaw"),
    ("https://id.gs1.org/01/05412345000013", "https://id.gs1.org/AQnYUc1gmg"),
    ("https://id.gs1.org/01/05412345000013/10/ABC123/21/72292641703",
     "https://id.gs1.org/AQnYUc1gmiCNV4JGQhcNT6K6c"),
    ("https://id.gs1.org/01/05412345000013/22/AJY3095721P49/10/ABC123/21/72292641703",
     "https://id.gs1.org/AQnYUc1gmiCNV4JGQhcNT6K6cibQCWN9Pee9tT-PQ"),
    ("https://id.gs1.org/01/05412345000013/235/8TFV883a904GH%263",
     "https://id.gs1.org/AQnYUc1gmkax7ipGrOHDPC5YNI8hMz"),
    ("https://id.gs1.org/253/3060077601309", "https://id.gs1.org/JTLIetaiHYA"),
    ("https://id.gs1.org/255/5678409730535", "https://id.gs1.org/JVUqG5hJ5wA"),
    ("https://id.gs1.org/401/0541234537290A41%26GHpp33",
     "https://id.gs1.org/QBl2DVoxZM2jVm3ZOWEFoxTR5HDgzZg"),
    ("https://id.gs1.org/414/5060917510004/254/RP56J920471",
     "https://id.gs1.org/JUa0T-eifdtOO9UFEmlYwv3Q"),
    ("https://id.gs1.org/414/5060917510004/7040/5KFX", "https://id.gs1.org/QUSaVjC_dHBAVlCrg"),
    ("https://id.gs1.org/8006/054123450000130201/22/AJY3095721P49/10/ABC123/21/72292641703",
     "https://id.gs1.org/EEarwSMhC4an0V05E2gEsb6e897an8ewAMGAkftmjYEy"),
    ("https://id.gs1.org/8010/0541234537290A41%23GH33/8011/6639047221",
     "https://id.gs1.org/gBCVYNWjFkzaNWbdk5YQWjFHHkM2cAI0xdvpGo"),
    ("https://id.gs1.org/8013/5060917511473062B98T", "https://id.gs1.org/gBN05060917511473062B98T"),
    ("https://id.gs1.org/8017/817019610850151481/8019/4003812",
     "https://id.gs1.org/gBe1ajAd9ATDmAGXPRfk"),
]
# Trust Codes' gs1-compression 0.1.3 (PyPI), tests/compress/test_core_functions.py and
# tests/decompress/test_core_functions.py:
TRUST_CODES = [
    ("https://id.gs1.org/01/09780345418913", "https://id.gs1.org/ARHKVAdpQg"),
    ("https://id.gs1.org/00/106141412345678908", "https://id.gs1.org/ABeRcNWtKMPA"),
    ("https://id.gs1.org/414/0614141123452", "https://id.gs1.org/QUCO_anbfA"),
    ("https://id.gs1.org/8003/09421012301014f9804dbf?240=qwe390023",
     "https://id.gs1.org/JAaasHt_dNNt4ADESMALumsUfMAm34"),
    ("http://example.org/01/05412345000013/10/ABC%26%2B123?7003=1903061658&k1=v1",
     "http://example.org/AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXgpNWCv1"),
]


def pairs_of(uri: str) -> list[tuple[str, str]]:
    """The (key, value) pairs of an uncompressed Digital Link: path pairs, then the query."""
    parts = urlsplit(uri)
    segments = parts.path.strip("/").split("/")
    return ([(segments[i], unquote(segments[i + 1])) for i in range(0, len(segments), 2)]
            + parse_qsl(parts.query))


def link(bits: str) -> str:
    """A link whose segment holds exactly these bits (zero-padded), to build hostile cases."""
    bits += "0" * (-len(bits) % 6)
    return "https://id.gs1.org/" + "".join(SAFE64[int(bits[i:i + 6], 2)]
                                           for i in range(0, len(bits), 6))


def bits_of(uri: str) -> str:
    return "".join(format(SAFE64.index(char), "06b") for char in uri.rsplit("/", 1)[1])


def gs1(ai: str, value: str = "") -> str:
    """An AI as 4-bit digits, then ``value`` (bits)."""
    return "".join(format(int(digit), "04b") for digit in ai) + value


GTIN_BITS = gs1("01", format(int(GTIN), "047b"))


@pytest.mark.parametrize(("uri", "ais", "other"), GS1_TOOLKIT)
def test_gs1_toolkit_examples(uri: str, ais: list[tuple[str, str]],
                              other: list[tuple[str, str]]) -> None:
    result = decompress_link(uri)
    assert list(result.ais) == ais and list(result.other) == other
    assert decompress(uri) == ais
    stem, segment = uri.split("?")[0].rsplit("/", 1)
    assert compress(ais + other, stem, optimise=False) == f"{stem}/{segment}"


@pytest.mark.parametrize(("plain", "packed"), SOLIDSOFT + TRUST_CODES)
def test_published_vectors_both_ways(plain: str, packed: str) -> None:
    pairs = pairs_of(plain)
    result = decompress_link(packed)
    assert sorted(result.ais) + list(result.other) == sorted(pairs)
    assert compress(pairs, packed.rsplit("/", 1)[0], optimise=False) == packed


ROUND_TRIPS = {
    "gtin": [("01", GTIN)],
    "gtin lot serial": [("01", GTIN), ("10", "ABC123"), ("21", "12345")],
    "gtin expiry lower-case batch": [("01", GTIN), ("17", "261231"), ("10", "abc-x_9q")],
    "sscc": [("00", "106141411234567897")],
    "gln extension": [("414", "5060917510004"), ("254", "RP56J920471")],
    "iso 646 batch": [("01", GTIN), ("10", "A/B%C&+1")],
    "weight and price": [("01", GTIN), ("3103", "000189"), ("3923", "2172")],
    "every sequence code": [("01", GTIN), ("10", "L1"), ("21", "S1"), ("17", "260101"),
                            ("15", "260202"), ("7003", "2601011200"), ("3922", "995")],
    "leading zeros kept": [("01", GTIN), ("10", "007"), ("30", "0012")],
}


@pytest.mark.parametrize("optimise", [True, False])
@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_round_trip(name: str, optimise: bool) -> None:
    pairs = ROUND_TRIPS[name]
    uri = compress(pairs, optimise=optimise)
    assert uri.startswith("https://id.gs1.org/") and is_compressed_path(urlsplit(uri).path)
    assert sorted(decompress(uri)) == sorted(pairs)


@pytest.mark.parametrize(("pairs", "code"), [
    ([("01", GTIN), ("10", "L"), ("21", "S"), ("17", "261231")], "1A"),
    ([("01", GTIN), ("10", "L")], "0B"),
    ([("414", "5060917510004"), ("254", "X1")], "9D"),
    ([("255", "5678409730535"), ("3941", "0100")], "CB"),
])
def test_optimisation_codes_replace_the_ais(pairs: list[tuple[str, str]], code: str) -> None:
    optimised, plain = compress(pairs), compress(pairs, optimise=False)
    assert bits_of(optimised)[:8] == format(int(code, 16), "08b")
    assert len(optimised) < len(plain)
    assert decompress(optimised) == pairs    # in the order of the code's sequence


@pytest.mark.parametrize(("lot", "indicator"), [
    ("12345", "000"), ("abc123", "001"), ("ABC123", "010"), ("Ab-_9z", "011"), ("a/b", "100"),
])
def test_the_smallest_encoding_is_chosen(lot: str, indicator: str) -> None:
    bits = bits_of(compress([("01", GTIN), ("10", lot)], optimise=False))
    assert bits[len(GTIN_BITS) + 8:][:3] == indicator


def test_non_gs1_pairs_are_other_and_not_ais() -> None:
    uri = compress([("01", GTIN), ("k1", "v 1!"), ("campaign", "spring")], "http://example.org/")
    assert uri.startswith("http://example.org/") and decompress(uri) == [("01", GTIN)]
    assert decompress_link(uri).other == (("k1", "v 1!"), ("campaign", "spring"))


@pytest.mark.parametrize("uri", [
    "HTTPS://ID.GS1.ORG/AQnYUc1gmg", "https://id.gs1.org/AQnYUc1gmg/",
    "https://example.com:8443/AQnYUc1gmg?linkType=all#top",
])
def test_scheme_host_query_and_fragment_do_not_matter(uri: str) -> None:
    assert decompress(uri) == [("01", GTIN)]


@pytest.mark.parametrize(("path", "expected"), [
    ("/AQnYUc1gmg", True), ("AQnYUc1gmg", True), ("/QBl2", True), ("/AQnYUc1gmg/", True),
    ("/01/05412345000013", False), ("/gtin", False), ("/sscc", False), ("/01", False),
    ("/8004", False), ("/123456789", False), ("", False), ("/", False), ("/abc", False),
    ("/AQnY+c1gmg", False), ("/AQn%20Yc", False), ("/" + "A" * (MAX_SEGMENT + 1), False),
])
def test_is_compressed_path(path: str, expected: bool) -> None:
    assert is_compressed_path(path) is expected


@pytest.mark.parametrize(("uri", "message"), [
    ("https://id.gs1.org/01/05412345000013", "one segment"),
    ("ftp://id.gs1.org/AQnYUc1gmg", "one segment"),
    ("https://id.gs1.org/AQnYUc1gmh", "padding"),                   # padding bits not zero
    ("https://id.gs1.org/AQnYUc1gmgA", "truncated"),                # a character too many
    ("https://id.gs1.org/AQnYUc1g", "truncated"),
    (link(GTIN_BITS + gs1("10", "101" + "00001" + "0000")), "encoding indicator"),
    (link(GTIN_BITS + "11010000" + "0" * 20), "no optimisation defined"),
    (link(gs1("2300") + "0" * 20), "unsupported"),
    (link("0011" "0001" "1010" + "0" * 30), "all-numeric"),
    (link(GTIN_BITS + gs1("10", "011" + "11111" + "0" * 186)), "longer"),
    (link(GTIN_BITS + GTIN_BITS), "more than once"),
    (link(gs1("01", "1" * 47)), "more than 14 digits"),
    (link(GTIN_BITS + gs1("10", "100" + "00001" + "0000001")), "invalid value for AI (10)"),
    (link(GTIN_BITS + gs1("17", format(991399, "020b"))), "invalid value for AI (17)"),
    (link("1111" "0000010" + "000000" * 2 + "011" "0000001" "000000"), "no GS1"),
    (link(GTIN_BITS + "1111" "0000000" + "100" "0000000"), "non-GS1"),
    ("https://id.gs1.org/" + "A" * (MAX_SEGMENT + 1), "one segment"),
    ("https://id.gs1.org/A" + "?" * 5000, "too long"),
])
def test_invalid_links_say_why(uri: str, message: str) -> None:
    with pytest.raises(CompressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        decompress(uri)


@pytest.mark.parametrize("content", [None, b"https://id.gs1.org/AQnYUc1gmg", 42, ""])
def test_anything_else_is_a_compression_error(content: object) -> None:
    with pytest.raises(CompressionError):
        decompress(content)  # type: ignore[arg-type]


@pytest.mark.parametrize(("_plain", "packed"), SOLIDSOFT + TRUST_CODES)
def test_truncated_links_fail_or_give_a_prefix(_plain: str, packed: str) -> None:
    full = decompress(packed)
    stem, segment = packed.rsplit("/", 1)
    for end in range(len(segment)):
        try:
            pairs = decompress(f"{stem}/{segment[:end]}")
        except CompressionError:
            continue
        assert pairs == full[:len(pairs)]


@FAST
@given(st.text(SAFE64, max_size=300))
def test_random_segments_give_pairs_or_compression_error(segment: str) -> None:
    try:
        pairs = decompress("https://id.gs1.org/" + segment)
    except CompressionError:
        return
    assert pairs and all(ai.isdigit() and isinstance(value, str) for ai, value in pairs)


@FAST
@given(st.text(max_size=200))
def test_any_text_gives_pairs_or_compression_error(text: str) -> None:
    for uri in (text, "https://id.gs1.org/" + text):
        try:
            decompress(uri)
        except CompressionError:
            pass
        assert isinstance(is_compressed_path(text), bool)


def test_the_largest_segments_are_decoded_quickly() -> None:
    """Six non-GS1 pairs of 127 seven-bit characters nearly fill MAX_SEGMENT: the most work."""
    def other(index: int) -> str:
        return ("1111" "0000010" + format(index, "012b") + "100" "1111111"
                + format(ord("/"), "07b") * 127)
    biggest = link(GTIN_BITS + "".join(other(index) for index in range(6)))
    hostile = ["https://id.gs1.org/" + "_" * MAX_SEGMENT, "https://id.gs1.org/" + "g" * MAX_SEGMENT,
               biggest[:-1]]
    started = time.perf_counter()
    for _ in range(20):
        assert len(decompress_link(biggest).other) == 6
        for uri in hostile:
            with pytest.raises(CompressionError):
                decompress(uri)
    assert time.perf_counter() - started < 2.0


@FAST
@given(gtin=st.text("0123456789", min_size=14, max_size=14),
       lot=st.text(CSET82, min_size=1, max_size=20), serial=st.text(CSET82, max_size=20),
       expiry=st.dates().map(lambda day: day.strftime("%y%m%d")), optimise=st.booleans())
def test_round_trips_any_element_strings(gtin: str, lot: str, serial: str, expiry: str,
                                          optimise: bool) -> None:
    pairs = [("01", gtin), ("10", lot), ("17", expiry)] + ([("21", serial)] if serial else [])
    assert sorted(decompress(compress(pairs, optimise=optimise))) == sorted(pairs)


@pytest.mark.parametrize(("pairs", "domain", "message"), [
    ([("01", "5412345000013")], "https://id.gs1.org", "invalid value for AI"),
    ([("9999", "1")], "https://id.gs1.org", "unsupported"),
    ([("01", GTIN), ("01", GTIN)], "https://id.gs1.org", "more than once"),
    ([("k1", "v1")], "https://id.gs1.org", "at least one"),
    ([("01", GTIN)], "id.gs1.org", "domain"),
    ([("01", GTIN)], "https://id.gs1.org/prefix", "domain"),
    ([("01", GTIN), ("k=1", "v")], "https://id.gs1.org", "non-GS1 key"),
    ([("01", GTIN), ("k1", "é")], "https://id.gs1.org", "non-GS1 key"),
])
def test_compress_refuses_what_it_cannot_pack(pairs: list[tuple[str, str]], domain: str,
                                               message: str) -> None:
    with pytest.raises(CompressionError, match=message):
        compress(pairs, domain)
