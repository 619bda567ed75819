"""Places and languages are defined once, in memory/domain: no other module may carry a table of
countries or languages (a dict/set/tuple/list literal or a long string naming 8 or more of them)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from memory.domain.languages import language_codes, language_name
from memory.domain.places import country_codes, country_name

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("agent", "tools", "memory", "integrations", "prompts")
LIMIT = 8


def _vocab() -> tuple[set[str], set[str], set[str]]:
    codes = set(country_codes())
    countries = {country_name(c).lower() for c in codes} | {"uk", "usa", "holland", "turkey", "russia"}
    langs = {language_name(c).lower() for c in language_codes()}
    # keep names that are not also everyday words used in literals for other reasons
    langs -= {"english"}  # present in many single-language texts; eight others are still needed
    return codes, {c for c in countries if len(c) > 3}, {lang for lang in langs if len(lang) > 3}


def _literal_strings(node: ast.AST) -> list[str]:
    """String constants directly inside a collection literal (nested literals included, calls not)."""
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            out.append(n.value)
        elif isinstance(n, ast.Dict):
            stack.extend(k for k in n.keys if k is not None)
            stack.extend(n.values)
        elif isinstance(n, ast.List | ast.Tuple | ast.Set):
            stack.extend(n.elts)
    return out


def find_tables(source: str) -> list[str]:
    """Descriptions of the country/language tables in a module's source."""
    codes, countries, langs = _vocab()
    found: list[str] = []
    tree = ast.parse(source)
    # "*_STOPLIST" literals list words that are NOT to be read as places ("IN", "AT", "Chad"): allowed.
    skip = {id(n) for a in ast.walk(tree) if isinstance(a, ast.Assign | ast.AnnAssign)
            for t in (a.targets if isinstance(a, ast.Assign) else [a.target])
            if isinstance(t, ast.Name) and t.id.endswith("_STOPLIST") and a.value is not None
            for n in ast.walk(a.value)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Dict | ast.List | ast.Tuple | ast.Set):
            strings = _literal_strings(node)
            low = {s.strip().lower() for s in strings}
            n_codes = len({s for s in strings if s in codes})
            n_countries = len(low & countries)
            n_langs = len(low & langs)
            if max(n_codes, n_countries, n_langs) >= LIMIT:
                found.append(f"line {node.lineno}: literal with {n_codes} country codes, {n_countries} country names, "
                             f"{n_langs} language names")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > 80:
            words = set(re.findall(r"[a-z][a-z .'-]+[a-z]", node.value.lower().replace("|", "\n")))
            words |= {w.strip() for w in re.split(r"[|,\n;]", node.value.lower())}
            n_countries, n_langs = len(words & countries), len(words & langs)
            upper = set(re.findall(r"\b[A-Z]{2}\b", node.value)) & codes
            if max(n_countries, n_langs, len(upper) // 3) >= LIMIT:
                found.append(f"line {node.lineno}: string with {n_countries} country names, {n_langs} language names")
    return found


def _modules() -> list[Path]:
    files = [p for d in SCANNED for p in (ROOT / d).rglob("*.py")]
    return sorted(p for p in files if "domain" not in p.relative_to(ROOT).parts[:2] and "migrations" not in p.parts)


def test_no_module_outside_memory_domain_defines_a_country_or_language_table() -> None:
    offenders = {str(p.relative_to(ROOT)): t for p in _modules() if (t := find_tables(p.read_text(encoding="utf-8")))}
    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        'X = {"FR": "France", "DE": "Germany", "ES": "Spain", "IT": "Italy", "PT": "Portugal", "NL": "Netherlands", '
        '"BE": "Belgium", "AT": "Austria"}',
        'X = ("FR", "DE", "ES", "IT", "PT", "NL", "BE", "AT")',
        'X = {"fr": ("french",), "de": ("german",), "es": ("spanish",), "it": ("italian",), "pt": ("portuguese",), '
        '"nl": ("dutch",), "sv": ("swedish",), "da": ("danish",)}',
        'X = """\nAD|AND|Andorra\nAE|ARE|United Arab Emirates\nAF|AFG|Afghanistan\nAL|ALB|Albania\nAM|ARM|Armenia\n'
        'AO|AGO|Angola\nAR|ARG|Argentina\nAT|AUT|Austria\n"""',
    ],
)
def test_the_scan_finds_country_and_language_tables(source: str) -> None:
    assert find_tables(source)


def test_the_scan_allows_short_lists_stoplists_and_code_weighted_calls() -> None:
    assert not find_tables('_CODE_STOPLIST = {"IN", "AT", "IS", "ME", "NO", "TO", "BE", "AM", "AS", "SO", "MY"}')
    assert not find_tables('X = ("en", "fr", "de", "es")\nY = {"FR": 1, "DE": 2}\nZ = ("France", "Germany", "Spain")')
    assert not find_tables("\n".join(f'C{i} = Country("{c}", 1, (("en", 1.0),), ("Town",))' for i, c in
                                     enumerate(["US", "GB", "FR", "DE", "ES", "IT", "NL", "SE", "NO"])))


def test_the_planner_does_not_import_the_demo_data() -> None:
    source = (ROOT / "agent" / "planner" / "parse.py").read_text(encoding="utf-8")
    assert "memory.seed" not in source
