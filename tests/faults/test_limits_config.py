"""Config files too big, or YAML built to explode: refused at once with a plain error, from the
file's size before it is read and from the parser's events before anything is built (issue 15).

Oversized files are sparse: their size is real, their bytes are never written (or read)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hardware.gtin import check_digit
from hardware.image_limits import describe_bytes
from kiosk.catalog.catalog import Catalog
from kiosk.cli import main
from kiosk.config import ConfigInvalid, load_config, yaml_source
from kiosk.config.limits import CATALOG_LIMIT, MAX_DEPTH, STORE_LIMIT, TOTAL_BYTES
from tests.config.test_broken_configs import mutate

MB = 1_000_000


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def errors(config: Path) -> list[str]:
    with pytest.raises(ConfigInvalid) as invalid:
        load_config(config)
    return [str(error) for error in invalid.value.errors]


@pytest.mark.timeout(60)
def test_validate_refuses_a_50_mb_catalog_file_at_once(store_copy: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    huge = sparse(store_copy / "catalog" / "everything.yaml", 50 * 1024 * 1024)
    assert main(["validate", "--config", str(store_copy)]) == 2
    err = capsys.readouterr().err
    assert (f"{huge}:1: too large (52.4 MB; a config file may be at most 16 MB: split the "
            "catalog by department)") in err, err
    assert err.count(str(huge)) == 1, "one line for the file, nothing parsed from it"


def test_a_file_just_over_its_limit_is_refused_and_one_just_under_is_read(
        store_copy: Path) -> None:
    tv = store_copy / "catalog" / "tv-audio.yaml"
    with tv.open("a", encoding="utf-8") as handle:
        handle.write("#" * (CATALOG_LIMIT.bytes - tv.stat().st_size - 1) + "\n")
    assert tv.stat().st_size == CATALOG_LIMIT.bytes
    load_config(store_copy)
    with tv.open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert [f"{tv}:1: too large (16.0 MB; a config file may be at most 16 MB: split the "
            "catalog by department)"] == errors(store_copy)


def test_store_file_and_tag_map_have_their_limits(store_copy: Path) -> None:
    store = store_copy / "store.yaml"
    original = store.read_text(encoding="utf-8")
    store.write_text(original + "#" * STORE_LIMIT.bytes + "\n", encoding="utf-8")
    tags = sparse(store_copy / "nfc-tags.yaml", CATALOG_LIMIT.bytes + 1)
    found = errors(store_copy)
    assert (f"{store}:1: too large (1.0 MB; a config file may be at most 1 MB: keep the "
            "catalog in the catalog files)") in found, found
    store.write_text(original, encoding="utf-8")
    assert any(line.startswith(f"{tags}:1: too large (16.0 MB") for line in errors(store_copy))


@pytest.mark.timeout(60)
def test_files_each_within_the_limit_are_refused_together_over_the_total(
        store_copy: Path) -> None:
    for index in range(TOTAL_BYTES // CATALOG_LIMIT.bytes + 1):
        sparse(store_copy / "catalog" / f"part-{index}.yaml", CATALOG_LIMIT.bytes)
    total = sum(path.stat().st_size for path in [store_copy / "store.yaml",
                                                 store_copy / "nfc-tags.yaml",
                                                 *(store_copy / "catalog").glob("*.yaml")])
    found = errors(store_copy)
    assert found == [f"{store_copy / 'store.yaml'}:{line_of_catalog(store_copy)}: catalog: the "
                     f"config files are too large together ({describe_bytes(total)}; together "
                     f"they may be at most {TOTAL_BYTES // MB} MB: remove catalog files the "
                     "store does not need)"], found


def line_of_catalog(config: Path) -> int:
    lines = (config / "store.yaml").read_text(encoding="utf-8").splitlines()
    return lines.index("catalog:") + 1


BILLION_LAUGHS = """department:
  id: laughs
  name: {fr: Rires}
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
products: *i
"""


def shared_catalog() -> str:
    """Two products sharing their availability and specs through aliases, as staff may."""
    products = []
    for number, alias in ((1, "&"), (2, "*")):
        body = f"20000000{number:04d}"
        gtin = body + str(check_digit(body))
        shared = ("&stock\n      in_store: {stock: 3}\n      online: {available: true}"
                  if alias == "&" else "*stock")
        specs = "&specs {fr: {Poids: 1 kg}}" if alias == "&" else "*specs"
        products.append(f"""  - gtin: "{gtin}"
    brand: Partage
    name: {{fr: Produit {number}}}
    description: {{fr: Un produit}}
    price: 1.00
    availability: {shared}
    specs: {specs}
    images: [products/aurel-sb500-1.png]
""")
    return "department:\n  id: shared\n  name: {fr: Partage}\nproducts:\n" + "".join(products)


@pytest.mark.timeout(60)
def test_billion_laughs_is_refused_while_modest_aliases_still_work(store_copy: Path) -> None:
    (store_copy / "catalog" / "shared.yaml").write_text(shared_catalog(), encoding="utf-8")
    config = load_config(store_copy)
    (first, second) = Catalog.from_config(config).in_department("shared")
    assert first.availability == second.availability and first.specs == second.specs
    laughs = store_copy / "catalog" / "laughs.yaml"
    laughs.write_text(BILLION_LAUGHS, encoding="utf-8")
    found = errors(store_copy)
    assert len(found) == 1, found
    assert found[0].startswith(f"{laughs}:") and "too many values (at most 2,500,000 in one " \
        "file, aliases counted as often as they are used)" in found[0], found


@pytest.mark.timeout(60)
@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 5000])
def test_deep_nesting_is_refused_with_its_line(store_copy: Path, levels: int) -> None:
    deep = store_copy / "catalog" / "deep.yaml"
    deep.write_text("department:\n  id: deep\nproducts:\n  - " + "[" * levels + "]" * levels
                    + "\n", encoding="utf-8")
    found = errors(store_copy)
    assert len(found) == 1, found
    assert found[0].startswith(f"{deep}:4: "), found
    # ours from the parser's events; libyaml's own stops deeper ones while scanning
    assert (f"nested more than {MAX_DEPTH} levels deep" in found[0]
            or (levels > 1000 and "exceeded maximum nesting depth" in found[0])), found


@pytest.mark.timeout(30)
def test_an_alias_inside_itself_is_refused_not_followed_for_ever(store_copy: Path) -> None:
    loop = store_copy / "catalog" / "loop.yaml"
    loop.write_text("department:\n  id: loop\n  name: {fr: Boucle}\nproducts: &p\n  - *p\n",
                    encoding="utf-8")
    found = errors(store_copy)
    assert found == [f"{loop}:5: alias *p refers to a list or mapping that contains it "
                     "(a loop)"], found


def test_values_are_counted_across_files_too(store_copy: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    per_file = 1400  # the largest demo catalog file holds about 1,300 values
    monkeypatch.setattr(yaml_source, "MAX_NODES", per_file)
    load_config(store_copy)
    monkeypatch.setattr(yaml_source, "MAX_TOTAL_NODES", 2 * per_file)
    found = errors(store_copy)
    assert any("the config files hold too many values together" in line for line in found), found


@pytest.mark.timeout(30)
def test_a_pipe_named_as_a_catalog_file_is_refused_not_waited_on(store_copy: Path) -> None:
    pipe = store_copy / "catalog" / "pipe.yaml"
    os.mkfifo(pipe)
    assert errors(store_copy) == [f"{pipe}:1: not a regular file"]


def test_a_date_that_is_no_date_is_an_error_with_its_line(store_copy: Path) -> None:
    line = mutate(store_copy, "catalog/tv-audio.yaml", r"^      until: 2026-12-31$",
                  "      until: 2026-13-45")
    assert errors(store_copy) == [f"{store_copy / 'catalog/tv-audio.yaml'}:{line}: YAML syntax "
                                  "error: '2026-13-45' is not a valid date (month must be in "
                                  "1..12)"]
