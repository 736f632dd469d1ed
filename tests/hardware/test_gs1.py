"""Product identity from decoded content: every way a GTIN is carried, and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.gs1 import MAX_CONTENT, expand_upce, gtin_from_content
from hardware.gtin import check_digit, is_valid_gtin
from hardware.symbologies import FORMATS

FAST = settings(max_examples=200, deadline=None)
GS = "\x1d"


@st.composite
def gtins(draw: st.DrawFn, lengths: tuple[int, ...] = (8, 12, 13, 14)) -> str:
    """A valid GTIN-8/12/13/14."""
    length = draw(st.sampled_from(lengths))
    body = draw(st.text("0123456789", min_size=length - 1, max_size=length - 1))
    return body + str(check_digit(body))


domains = st.from_regex(r"[a-z][a-z0-9-]{0,15}(\.[a-z][a-z0-9]{1,8}){1,3}(:[0-9]{2,5})?",
                        fullmatch=True)
path_prefixes = st.lists(st.from_regex(r"[A-Za-z0-9_-]{1,10}", fullmatch=True), max_size=2)
lots = st.from_regex(r"[A-Za-z0-9]{1,20}", fullmatch=True)


@pytest.mark.parametrize(("upce", "upca"), [
    ("01234565", "012345000065"), ("04252614", "042100005264"), ("01234531", "012300000451"),
    ("01234473", "012344000073"), ("11234562", "112345000062"), ("01200012", "012100000002"),
    ("01234028", "012200003408"), ("123456", "012345000065"),
])
def test_upce_expands_to_its_known_upca(upce: str, upca: str) -> None:
    """Pairs checked against zxing-cpp's reading of the symbols its writer draws."""
    assert expand_upce(upce) == upca
    assert gtin_from_content(upce, "upce") == upca.zfill(14)


@pytest.mark.parametrize("upce", ["01234566", "21234565", "1234565", "0123456789", "0123456a"])
def test_upce_with_a_wrong_check_digit_system_or_length_is_refused(upce: str) -> None:
    assert gtin_from_content(upce, "upce") is None


def test_upce_as_expanded_by_zxing_cpp_3() -> None:
    assert gtin_from_content("0012345000065", "upce") == "00012345000065"


@pytest.mark.parametrize(("text", "fmt", "gtin"), [
    ("3760000000017", "ean13", "03760000000017"),
    ("96385074", "ean8", "00000096385074"),
    ("036000291452", "upca", "00036000291452"),
    ("0036000291452", "upca", "00036000291452"),
    ("https://id.gs1.org/01/09506000134352", "qr", "09506000134352"),
    ("HTTPS://ID.GS1.ORG/01/09506000134352", "qr", "09506000134352"),
    ("https://shop.example.com/01/09506000134352/10/LOT?x=1", "datamatrix", "09506000134352"),
    ("https://example.com/products/01/036000291452#info", "code128", "00036000291452"),
    ("]C10109506000134352", "code128", "09506000134352"),
    ("]d20109506000134352" + GS + "10LOT", "datamatrix", "09506000134352"),
    ("]Q31720123110ABC" + GS + "0109506000134352", "qr", "09506000134352"),
    (GS + "0109506000134352", "code128", "09506000134352"),
    ("0109506000134352", "code128", "09506000134352"),
    ("(01)09506000134352(10)AB-12", "datamatrix", "09506000134352"),
    ("(17)201231(01)09506000134352", "qr", "09506000134352"),
])
def test_every_carrier_of_a_gtin(text: str, fmt: str, gtin: str) -> None:
    assert gtin_from_content(text, fmt) == gtin


@pytest.mark.parametrize(("text", "fmt"), [
    ("3760000000018", "ean13"),                                    # wrong check digit
    ("HELLO-42", "code128"),
    ("https://example.com/shop/item/42", "qr"),                    # no /01/
    ("https://id.gs1.org/01/09506000134353", "qr"),                # wrong check digit
    ("https://id.gs1.org/01/0950600013435", "qr"),                 # 13 digits that are no GTIN
    ("https://id.gs1.org/01/123456789", "qr"),                     # 9 digits
    ("https://id.gs1.org/01/09506000134352abc", "qr"),
    ("ftp://id.gs1.org/01/09506000134352", "qr"),
    ("0109506000134352\n", "qr"),                                  # control character
    ("0109506000134352\x00", "code128"),
    ("01095060001343", "code128"),                                 # AI 01 cut short
    ("(01)0950600013435", "datamatrix"),
    ("(01)09506000134352 and more", "datamatrix"),
    ("3760000000017", "qr"),                                       # a bare number in a QR code
    ("0109506000134352", "ean13"),
    ("0109506000134352", "unknown-format"),
    ("", "ean13"),
    ("https://id.gs1.org/01/" + "0" * 600, "qr"),
    ("０１０９５０６０００１３４３５２", "code128"),                     # full-width digits
])
def test_what_is_not_a_product_code(text: str, fmt: str) -> None:
    assert gtin_from_content(text, fmt) is None


def test_over_long_content_is_refused_even_when_it_starts_with_a_gtin() -> None:
    text = "0109506000134352" + GS + "10" + "A" * MAX_CONTENT
    assert gtin_from_content(text, "datamatrix") is None


@FAST
@given(gtin=gtins(), domain=domains, prefix=path_prefixes, lot=lots,
       scheme=st.sampled_from(["https", "http", "HTTPS"]), fmt=st.sampled_from(sorted(FORMATS)),
       tail=st.sampled_from(["", "/", "?x=1", "#top", "/21/SER1?linkType=all"]))
def test_any_gtin_round_trips_through_a_digital_link(gtin: str, domain: str, prefix: list[str],
                                                     lot: str, scheme: str, fmt: str,
                                                     tail: str) -> None:
    path = "".join(f"/{segment}" for segment in prefix)
    for uri in (f"{scheme}://{domain}{path}/01/{gtin}{tail}",
                f"{scheme}://{domain}{path}/01/{gtin}/10/{lot}{tail}"):
        assert gtin_from_content(uri, fmt) == gtin.zfill(14)


@FAST
@given(gtin=gtins(), domain=domains)
def test_a_digital_link_with_a_wrong_check_digit_gives_none(gtin: str, domain: str) -> None:
    wrong = gtin[:-1] + str((int(gtin[-1]) + 1) % 10)
    assert gtin_from_content(f"https://{domain}/01/{wrong}", "qr") is None


@FAST
@given(gtin=gtins(), lot=lots, fmt=st.sampled_from(["code128", "qr", "datamatrix"]),
       prefix=st.sampled_from(["", "]C1", "]d2", "]Q3", GS]),
       before=st.sampled_from(["", "11201231", "10LOT7" + GS, "21SERIAL" + GS]))
def test_any_gtin_round_trips_through_element_strings(gtin: str, lot: str, fmt: str,
                                                      prefix: str, before: str) -> None:
    gtin14 = gtin.zfill(14)
    assert gtin_from_content(f"{prefix}{before}01{gtin14}10{lot}", fmt) == gtin14
    assert gtin_from_content(f"{prefix}{before}01{gtin14}{GS}", fmt) == gtin14
    assert gtin_from_content(f"(01){gtin14}(10){lot}", fmt) == gtin14
    assert gtin_from_content(f"(17)201231(01){gtin14}", fmt) == gtin14


@FAST
@given(gtin=gtins(lengths=(8, 12, 13)))
def test_retail_digits_round_trip(gtin: str) -> None:
    fmt = {8: "ean8", 12: "upca", 13: "ean13"}[len(gtin)]
    assert gtin_from_content(gtin, fmt) == gtin.zfill(14)


@FAST
@given(text=st.one_of(st.text(), st.text(max_size=2000), st.binary().map(lambda b: b.decode(
    "latin-1"))), fmt=st.one_of(st.sampled_from(sorted(FORMATS)), st.text(max_size=10)))
def test_random_content_never_raises_and_only_gives_valid_gtins(text: str, fmt: str) -> None:
    gtin = gtin_from_content(text, fmt)
    assert gtin is None or (len(gtin) == 14 and is_valid_gtin(gtin))


def test_non_strings_give_none() -> None:
    assert gtin_from_content(None, "qr") is None  # type: ignore[arg-type]
    assert gtin_from_content(b"0109506000134352", "code128") is None  # type: ignore[arg-type]


def test_a_path_prefix_that_is_itself_01_is_skipped() -> None:
    for uri in ("https://a.example/01/01/09506000134352", "https://a.example/01/01/00000000/10/0",
                "https://a.example/shop/01/x/01/09506000134352?linkType=all"):
        assert gtin_from_content(uri, "qr") is not None, uri
    assert gtin_from_content("https://a.example/01/01/09506000134352", "qr") == "09506000134352"
    assert gtin_from_content("https://a.example/01/09506000134353", "qr") is None
