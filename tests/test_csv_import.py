"""CSV import and export (DESIGN section 5): value parsing, header mapping, line numbers,
rejected and duplicate rows, idempotent re-imports, fatal errors that write nothing, the
batch upsert's equivalence with the row-by-row one, posts, metrics, the export round trip
and the real YouTube top-1000 export, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from integrations.sources import csv_normalize as nz
from integrations.sources.csv_export import export_creators
from integrations.sources.csv_import import (
    CREATORS,
    IMPORT_HOOKS,
    CsvImportError,
    ImportReport,
    import_creators,
    import_metrics,
    import_posts,
    parse_mapping,
    plan_columns,
)
from memory.db import session_scope
from memory.errors import UserError
from memory.models import (
    Account,
    AccountBrand,
    AccountCreate,
    Campaign,
    Collaboration,
    Creator,
    CreatorCreate,
    CreatorNiche,
    MetricSnapshot,
    Post,
    PostCreate,
    Workspace,
)
from memory.repo.creators import (
    count_accounts,
    get_account,
    upsert_creator_account,
    upsert_creator_accounts,
    upsert_post,
    upsert_posts,
)
from memory.repo.workspaces import ensure_workspace
from tests.conftest import SHARED

DATA = Path(__file__).parent / "data"
YOUTUBE = SHARED / "data" / "youtube_top1000_dec2022.csv"
YOUTUBE_MAP = "handle=Youtube channel,display_name=youtuber name,niches=Category+Category-2,audience_top_country=Country"


# --- value parsing (pure) -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("12.5K", 12_500), ("1.2M", 1_200_000), ("1,234", 1234), ("3.4B", 3_400_000_000), ("12 500", 12_500),
    ("12\u00a0500", 12_500), ("229500000", 229_500_000), ("1.234.567", 1_234_567), ("1.234", 1234),
    ("12,5K", 12_500), ("7.7k", 7700), ("2 million", 2_000_000), ("0", 0), ("", None), ("n/a", None), ("-", None),
])
def test_counts_accept_the_formats_exports_use(text: str, expected: int | None) -> None:
    assert nz.parse_count(text) == expected


@pytest.mark.parametrize(("text", "message"), [("12x", "'12x' is not a number"), ("-5", "negative"), ("1e6", "not a number")])
def test_bad_counts_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nz.parse_count(text)


def test_averages_keep_fractions_so_exports_read_back() -> None:
    assert nz.parse_number("199.5") == 199.5
    assert nz.parse_number("1.234") == 1.234  # a fraction here, unlike a follower count
    assert nz.parse_number("2.8K") == 2800.0


@pytest.mark.parametrize(("text", "expected"), [
    ("3.4%", 0.034), ("0.034", 0.034), ("3.4", 0.034), ("0,5%", 0.005), ("1%", 0.01), ("1", 1.0), ("78%", 0.78),
])
def test_rates_are_fractions_and_bare_numbers_above_one_are_percents(text: str, expected: float) -> None:
    assert nz.parse_fraction(text) == expected


def test_rates_out_of_range_are_rejected() -> None:
    with pytest.raises(ValueError, match="more than 100%"):
        nz.parse_fraction("150%")
    assert nz.parse_fraction("150%", max_value=None) == 1.5  # engagement may exceed 100%
    with pytest.raises(ValueError, match="not a rate"):
        nz.parse_fraction("340")


@pytest.mark.parametrize(("text", "code"), [
    ("France", "FR"), ("fr", "FR"), ("FRA", "FR"), ("United States", "US"), ("USA", "US"), ("UK", "GB"),
    ("united kingdom", "GB"), ("Côte d'Ivoire", "CI"), ("Cote d Ivoire", "CI"), ("St Lucia", "LC"),
    ("The Netherlands", "NL"), ("Russia", "RU"), ("Turkey", "TR"), ("Deutschland", "DE"), ("South Korea", "KR"),
    ("Korea, Republic of", "KR"), ("Viet Nam", "VN"), ("", None),
])
def test_countries_become_iso_alpha2(text: str, code: str | None) -> None:
    assert nz.parse_country(text) == code


def test_unknown_country_suggests_close_matches() -> None:
    with pytest.raises(ValueError, match=r"unknown country 'Frnace' \(did you mean France\?\)"):
        nz.parse_country("Frnace")
    with pytest.raises(ValueError, match="unknown country 'Atlantis'$"):
        nz.parse_country("Atlantis")


@pytest.mark.parametrize(("text", "code"), [
    ("English", "en"), ("en", "en"), ("eng", "en"), ("Français", "fr"), ("francais", "fr"), ("fre", "fr"),
    ("pt-BR", "pt"), ("en_GB", "en"), ("Deutsch", "de"), ("Español", "es"), ("Mandarin", "zh"), ("日本語", "ja"),
])
def test_languages_become_iso_639_1(text: str, code: str) -> None:
    assert nz.parse_language(text) == code


def test_unknown_language_suggests_close_matches() -> None:
    with pytest.raises(ValueError, match="did you mean English"):
        nz.parse_language("Englsh")


@pytest.mark.parametrize(("text", "platform"), [
    ("IG", "instagram"), ("Insta", "instagram"), ("instagram.com", "instagram"), ("YT", "youtube"),
    ("Twitter", "x"), ("tiktok", "tiktok"), ("TikTok", "tiktok"), ("LinkedIn", "linkedin"),
])
def test_platform_synonyms(text: str, platform: str) -> None:
    assert nz.parse_platform(text) == platform


def test_kinds_handles_urls_bools_and_emails() -> None:
    assert nz.parse_kind("expert") == nz.parse_kind("KOL") == nz.parse_kind("Key Opinion Leader") == "kol"
    assert nz.parse_kind("creator") == "influencer"
    with pytest.raises(ValueError, match="not a kind"):
        nz.parse_kind("celebrity")
    assert nz.parse_handle("@Skin.By.Sam") == "skin.by.sam"
    assert nz.parse_handle("https://www.instagram.com/Skin.By.Sam/") == "skin.by.sam"
    assert nz.parse_handle("youtube.com/@MKBHD") == "mkbhd"
    assert nz.parse_url("instagram.com/skin.by.sam") == "https://instagram.com/skin.by.sam"
    with pytest.raises(ValueError, match="not a URL"):
        nz.parse_url("not a url")
    assert [nz.parse_bool(v) for v in ("yes", "No", "TRUE", "false", "1", "0", "")] == [True, False, True, False, True, False, None]
    with pytest.raises(ValueError, match="not yes/no"):
        nz.parse_bool("perhaps")
    assert nz.parse_email(" Sam@Example.COM ") == "sam@example.com"
    for bad in ("not-an-email", "a@b", "a b@c.com", "a@x.com; b@y.com"):
        with pytest.raises(ValueError, match="not an e-mail address"):
            nz.parse_email(bad)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
    ("2024-05-01 10:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01T10:00:00+02:00", datetime(2024, 5, 1, 8, tzinfo=UTC)),
    ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
])
def test_dates_are_iso_8601_and_stored_as_aware_utc(text: str, expected: datetime) -> None:
    value = nz.parse_datetime(text)
    assert value == expected and value.tzinfo is UTC
    assert nz.parse_date(text) == date(2024, 5, 1)


@pytest.mark.parametrize("text", ["05/01/2024", "2024-13-01", "June 3", "yesterday"])
def test_ambiguous_or_invalid_dates_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="expected ISO 8601"):
        nz.parse_datetime(text)


def test_money_is_an_exact_decimal_with_its_currency() -> None:
    assert nz.parse_money("$1,234.50") == (Decimal("1234.50"), "USD")
    assert nz.parse_money("1.234,50 EUR") == (Decimal("1234.50"), "EUR")
    assert nz.parse_money("1999.99") == (Decimal("1999.99"), None)
    assert nz.parse_currency("eur") == "EUR"
    with pytest.raises(ValueError, match="not a currency code"):
        nz.parse_currency("euro")


def test_header_cells_are_normalised() -> None:
    assert nz.normalize_header("\nViews (Avg.)") == "views avg"
    assert nz.normalize_header("  Followers ") == "followers"
    assert nz.normalize_header("engagement_rate") == "engagement rate"


# --- header mapping -------------------------------------------------------------------------


def test_synonyms_map_common_headers_without_a_mapping() -> None:
    header = ["Channel", "Subscribers", "ER", "Views (Avg.)", "Likes (Avg.)", "Comments (Avg.)", "category",
              "youtuber name", "Country", "Followers count"]
    plan = plan_columns(header, CREATORS, constants=("platform",))
    assert plan.columns == {
        "handle": [0], "followers": [1, 9], "engagement_rate": [2], "avg_views": [3], "avg_likes": [4],
        "avg_comments": [5], "niches": [6], "display_name": [7], "country": [8],
    }


def test_explicit_mapping_joins_list_columns_and_overrides_synonyms() -> None:
    header = ["Youtube channel", "Category", "Category-2", "Country", "Followers"]
    mapping = parse_mapping(["handle=Youtube channel,niches=Category+Category-2", "audience_top_country=country"])
    plan = plan_columns(header, CREATORS, mapping=mapping, constants=("platform",))
    assert plan.columns["niches"] == [1, 2] and plan.columns["audience_top_country"] == [3]
    assert "country" not in plan.columns  # the mapped column is not also read as the creator's country
    assert plan.values(["mrbeast", "Video games", "Humor", "United States", "117M"])["niches"] == "Video games;Humor"


def test_repeated_numeric_header_prefers_the_plain_number_copy() -> None:
    plan = plan_columns(["handle", "Followers", "Followers"], CREATORS, constants=("platform",))
    assert plan.values(["a", "12.5M", "12500000"])["followers"] == "12500000"
    assert plan.values(["a", "12.5M", ""])["followers"] == "12.5M"
    assert any("repeated column" in w for w in plan.warnings)


@pytest.mark.parametrize(("mapping", "message"), [
    ("nickname=Name", "unknown field 'nickname'"),
    ("handle=Handel", "has no column 'Handel'"),
    ("handle", "bad --map entry"),
])
def test_bad_mappings_are_one_line_errors(mapping: str, message: str) -> None:
    with pytest.raises(CsvImportError, match=message):
        plan_columns(["Handle", "Followers", "Platform"], CREATORS, mapping=parse_mapping(mapping))


# --- creators on both backends --------------------------------------------------------------


def _accounts(sessions, workspace_id: str) -> dict[tuple[str, str], tuple[Account, Creator]]:
    with session_scope(sessions) as s:
        rows = s.exec(select(Account, Creator).join(Creator, Creator.id == Account.creator_id)
                      .where(Account.workspace_id == workspace_id)).all()
        return {(a.platform, a.handle): (a, c) for a, c in rows}


def test_messy_file_imports_good_rows_and_reports_bad_ones_by_line(sessions, workspace_id: str) -> None:
    report = import_creators(sessions, workspace_id=workspace_id, path=DATA / "creators_messy.csv")
    assert [(r.line, r.reason) for r in report.rejected] == [
        (6, "followers: '12x' is not a number"),
        (7, "handle: missing"),
        (8, "country: unknown country 'Atlantis'"),
        (9, "email: 'not-an-email' is not an e-mail address"),
        (10, "platform: unknown platform 'myspace' (known: instagram, tiktok, youtube, facebook, x, linkedin, blog, "
             "podcast, twitch, pinterest, threads, snapchat)"),
    ]
    assert [(d.line, d.duplicate_of) for d in report.duplicates] == [(12, 2)]  # line 2's bio spans lines 2-3
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (11, 5, 0, 0)
    assert any("Notes" in w for w in report.warnings)
    assert len(report.changed_account_ids) == 5 and len(report.changed_creator_ids) == 4  # Sam has two accounts

    accounts = _accounts(sessions, workspace_id)
    assert set(accounts) == {("instagram", "skin.by.sam"), ("tiktok", "skinbysam"), ("youtube", "drmaya"),
                             ("x", "techguy"), ("threads", "lena.berlin")}
    ig, sam = accounts[("instagram", "skin.by.sam")]
    tt, sam_tt = accounts[("tiktok", "skinbysam")]
    assert sam.id == sam_tt.id  # same e-mail (any case): one person
    assert (ig.followers, ig.engagement_rate, tt.followers, tt.engagement_rate) == (45_200, 0.041, 1_234_567, 0.052)
    assert (sam.country, sam.language, sam.email, sam.bio) == ("FR", "fr", "sam@example.com", "Skincare nerd.\nSPF every day.")
    assert sam.niches == "skincare;beauty" and sam.audience_female_pct == 0.8  # merged over the person's rows
    assert ig.profile_url == "https://instagram.com/skin.by.sam" and ig.has_email and ig.country == "FR"
    yt, maya = accounts[("youtube", "drmaya")]
    assert (yt.followers, yt.engagement_rate, maya.kind, maya.audience_female_pct) == (1_200_000, 0.034, "kol", 0.65)
    x, techguy = accounts[("x", "techguy")]
    assert (x.followers, techguy.country, techguy.language) == (12_500, "GB", "en")
    th, lena = accounts[("threads", "lena.berlin")]
    assert (lena.kind, lena.country, lena.language) == ("kol", "DE", "de")
    with session_scope(sessions) as s:
        niches = s.exec(select(CreatorNiche.niche).where(CreatorNiche.creator_id == sam.id)).all()
    assert sorted(niches) == ["beauty", "skincare"]


def test_reimporting_the_same_file_changes_nothing(sessions, workspace_id: str) -> None:
    import_creators(sessions, workspace_id=workspace_id, path=DATA / "creators_messy.csv")
    before = {k: (a.model_dump(), c.model_dump()) for k, (a, c) in _accounts(sessions, workspace_id).items()}
    again = import_creators(sessions, workspace_id=workspace_id, path=DATA / "creators_messy.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    assert again.changed_account_ids == []
    after = {k: (a.model_dump(), c.model_dump()) for k, (a, c) in _accounts(sessions, workspace_id).items()}
    assert after == before


def test_changed_values_are_updates_and_empty_cells_keep_stored_values(sessions, workspace_id: str, tmp_path: Path) -> None:
    import_creators(sessions, workspace_id=workspace_id, path=DATA / "creators_messy.csv")
    update = tmp_path / "update.csv"
    update.write_text("platform,handle,followers,country,email\nyoutube,drmaya,1.3M,,\nx,techguy,12500,,\n", encoding="utf-8")
    report = import_creators(sessions, workspace_id=workspace_id, path=update)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 1)
    yt, maya = _accounts(sessions, workspace_id)[("youtube", "drmaya")]
    assert report.changed_account_ids == [yt.id]
    assert (yt.followers, yt.engagement_rate, maya.country, maya.email) == (1_300_000, 0.034, "US", "maya@clinic.example")


def test_small_batches_give_the_same_result(sessions, workspace_id: str) -> None:
    report = import_creators(sessions, workspace_id=workspace_id, path=DATA / "creators_messy.csv", batch_size=2)
    assert (report.inserted, len(report.rejected), len(report.duplicates)) == (5, 5, 1)
    accounts = _accounts(sessions, workspace_id)
    assert accounts[("instagram", "skin.by.sam")][1].id == accounts[("tiktok", "skinbysam")][1].id


def test_platform_option_and_rows_sharing_a_creator_id(sessions, workspace_id: str, tmp_path: Path) -> None:
    f = tmp_path / "yt.csv"
    f.write_text("creator_id,channel,subscribers,name\nP1,@Alpha,10K,Alpha\nP1,@alpha.clips,2K,Alpha\n,@beta,5K,Beta\n",
                 encoding="utf-8")
    report = import_creators(sessions, workspace_id=workspace_id, path=f, platform="YT")
    assert report.inserted == 3
    accounts = _accounts(sessions, workspace_id)
    assert set(accounts) == {("youtube", "alpha"), ("youtube", "alpha.clips"), ("youtube", "beta")}
    assert accounts[("youtube", "alpha")][1].id == accounts[("youtube", "alpha.clips")][1].id
    assert accounts[("youtube", "alpha")][1].external_id == "P1"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.csv", b"", "is empty"),
    ("blank.csv", b"\n \n\r\n", "is empty"),
    ("binary.csv", bytes(range(256)) * 4, "not a CSV file"),
    ("book.csv", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, "Excel"),
    ("commas.csv", b",,,\n,,,\n", "no header row"),
    ("text.csv", b"hello world\nthis is not a table\n", "does not look like a creators CSV"),
    ("nofollowers.csv", b"platform,handle,name\ninstagram,a,A\n", "lacks required column\\(s\\): followers"),
])
def test_unusable_files_are_one_line_errors_and_import_nothing(
    sessions, workspace_id: str, tmp_path: Path, name: str, data: bytes, message: str,
) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(CsvImportError, match=message) as exc:
        import_creators(sessions, workspace_id=workspace_id, path=path)
    assert isinstance(exc.value, UserError) and "\n" not in str(exc.value)
    with session_scope(sessions) as s:
        assert count_accounts(s, workspace_id=workspace_id) == 0


def test_missing_file_and_untouched_workspace(sessions, tmp_path: Path) -> None:
    with pytest.raises(CsvImportError, match="file not found"):
        import_creators(sessions, workspace_id="never-created", path=tmp_path / "nope.csv")
    with session_scope(sessions) as s:
        assert s.get(Workspace, "never-created") is None


def test_header_only_file_is_fine(sessions, workspace_id: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "h.csv", b"platform,handle,followers\n")
    report = import_creators(sessions, workspace_id=workspace_id, path=path)
    assert report.rows == 0 and any("no data rows" in w for w in report.warnings)


def test_semicolon_files_bom_and_windows_1252_are_read(sessions, workspace_id: str, tmp_path: Path) -> None:
    semi = _write(tmp_path, "semi.csv", "\ufeffsep=;\nplatform;handle;followers;city\ninstagram;amélie;1,5K;Paris\nx;;1;\n".encode())
    cp = _write(tmp_path, "cp.csv", "platform,handle,followers,city\ntiktok,zoé,900,Bordeaux\n".encode("cp1252"))
    report = import_creators(sessions, workspace_id=workspace_id, path=semi)
    assert report.inserted == 1 and [(r.line, r.reason) for r in report.rejected] == [(4, "handle: missing")]
    report = import_creators(sessions, workspace_id=workspace_id, path=cp)
    assert report.inserted == 1 and any("Windows-1252" in w for w in report.warnings)
    accounts = _accounts(sessions, workspace_id)
    assert accounts[("instagram", "amélie")][0].followers == 1500
    assert ("tiktok", "zoé") in accounts


def test_counts_too_big_for_their_column_are_rejected_not_crashing(sessions, workspace_id: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "big.csv", b"platform,handle,followers\ninstagram,huge,3.4B\ninstagram,ok,2.1B\n")
    report = import_creators(sessions, workspace_id=workspace_id, path=path)
    assert [(r.line, r.reason) for r in report.rejected] == [
        (2, "followers: 3400000000 is more than the largest storable value 2147483647")]
    assert report.inserted == 1


def test_import_hooks_receive_changed_accounts(sessions, workspace_id: str) -> None:
    seen: list[ImportReport] = []
    IMPORT_HOOKS.append(seen.append)
    try:
        import_creators(sessions, workspace_id=workspace_id, path=DATA / "creators_messy.csv")
    finally:
        IMPORT_HOOKS.remove(seen.append)
    assert len(seen) == 1 and len(seen[0].changed_account_ids) == 5 and seen[0].workspace_id == workspace_id


# --- the batch upsert behaves like the row-by-row one ---------------------------------------


def _random_items(rng: random.Random, n: int) -> list[tuple[CreatorCreate, AccountCreate]]:
    items = []
    for _ in range(n):
        c: dict = {}
        if rng.random() < 0.5:
            c["email"] = f"p{rng.randint(0, 6)}@x.com"
        if rng.random() < 0.3:
            c["external_id"] = f"e{rng.randint(0, 4)}"
        if rng.random() < 0.6:
            c["country"] = rng.choice(["FR", "US", "DE"])
        if rng.random() < 0.4:
            c["niches"] = rng.choice(["beauty", "beauty;food", "gaming", ""])
        if rng.random() < 0.4:
            c["name"] = rng.choice(["A", "B"])
        if rng.random() < 0.3:
            c["kind"] = rng.choice(["influencer", "kol"])
        a: dict = {"platform": rng.choice(["instagram", "tiktok"]), "handle": f"h{rng.randint(0, 8)}"}
        if rng.random() < 0.7:
            a["followers"] = rng.choice([10, 20, 30])
        if rng.random() < 0.3:
            a["engagement_rate"] = rng.choice([0.01, 0.02])
        items.append((CreatorCreate(**c), AccountCreate(**a)))
    return items


def _state(s, workspace_id: str) -> tuple[list, list]:
    people = {p.id: p for p in s.exec(select(Creator).where(Creator.workspace_id == workspace_id))}
    accounts = sorted(s.exec(select(Account).where(Account.workspace_id == workspace_id)), key=lambda a: (a.platform, a.handle))
    niche_rows = s.exec(select(CreatorNiche).where(CreatorNiche.workspace_id == workspace_id)).all()
    numbering: dict[int, int] = {}
    out = []
    for a in accounts:
        numbering.setdefault(a.creator_id, len(numbering))
        p = people[a.creator_id]
        niches = sorted(n.niche for n in niche_rows if n.creator_id == p.id)
        out.append((a.platform, a.handle, a.followers, a.engagement_rate, a.country, a.language, a.kind, a.has_email,
                    numbering[a.creator_id], p.name, p.email, p.external_id, p.country, p.niches, p.kind, niches))
    orphans = sorted(repr((p.name, p.email, p.external_id, p.country, p.niches)) for i, p in people.items() if i not in numbering)
    return out, orphans


def test_batch_upsert_matches_row_by_row_upserts(sessions) -> None:
    # Random rows that share e-mails, creator ids and handles, applied in rounds: statuses
    # and the final state (people, accounts, denormalised columns, niches) must be equal.
    for seed in range(10):
        rng = random.Random(seed)
        one, many = f"one{seed}{rng.random()}"[:20], f"many{seed}{rng.random()}"[:20]
        with session_scope(sessions) as s:
            ensure_workspace(s, workspace_id=one)
            ensure_workspace(s, workspace_id=many)
        for _round in range(3):
            items = _random_items(rng, rng.randint(1, 25))
            size = rng.randint(1, 10)
            with session_scope(sessions) as s:
                expected = [upsert_creator_account(s, workspace_id=one, creator=c, account=a)[0] for c, a in items]
            got = []
            for i in range(0, len(items), size):
                with session_scope(sessions) as s:
                    got += [status for status, _ in upsert_creator_accounts(s, workspace_id=many, items=items[i : i + size])]
            assert got == expected, f"seed {seed}"
        with session_scope(sessions) as s:
            assert _state(s, many) == _state(s, one), f"seed {seed}"


def _post_state(s, workspace_id: str) -> tuple[list, list, list]:
    accounts = {a.id: (a.platform, a.handle) for a in s.exec(select(Account).where(Account.workspace_id == workspace_id))}
    posts = sorted((p.url, accounts[p.account_id], p.posted_at, p.caption, p.likes, p.is_sponsored, p.brands)
                   for p in s.exec(select(Post).where(Post.workspace_id == workspace_id)))
    brands = sorted((accounts[b.account_id], b.brand, b.mentions, b.sponsored_mentions, b.last_mentioned_at)
                    for b in s.exec(select(AccountBrand).where(AccountBrand.workspace_id == workspace_id)))
    last = sorted((k, a.last_post_at) for k, a in ((accounts[a.id], a) for a in s.exec(
        select(Account).where(Account.workspace_id == workspace_id))) if a.last_post_at)
    return posts, brands, last


def test_batch_post_upsert_matches_row_by_row_upserts(sessions) -> None:
    for seed in range(10):
        rng = random.Random(seed)
        one, many = f"pone{seed}", f"pmany{seed}{rng.random()}"[:20]
        for ws in (one, many):
            with session_scope(sessions) as s:
                ensure_workspace(s, workspace_id=ws)
                for h in ("a", "b"):
                    upsert_creator_account(s, workspace_id=ws, creator=CreatorCreate(),
                                           account=AccountCreate(platform="instagram", handle=h))
        for _round in range(3):
            # A URL stays on one account: upsert_post recounts only the new account's brands
            # when a post moves, while the batch recounts both.
            urls = [rng.randint(0, 6) for _ in range(rng.randint(1, 12))]
            posts = [PostCreate(platform="instagram", handle=["a", "b", "nobody"][u % 3], url=f"u{u}",
                                posted_at=datetime(2024, 5, rng.randint(1, 9), tzinfo=UTC), caption=rng.choice(["x", "y"]),
                                likes=rng.choice([1, 2, None]), is_sponsored=rng.random() < 0.5,
                                brands=rng.choice(["", "Nike", "Nike;CeraVe", "cerave"]))
                     for u in urls]
            with session_scope(sessions) as s:
                expected = []
                for p in posts:
                    try:
                        expected.append(upsert_post(s, workspace_id=one, post=p)[0])
                    except LookupError as exc:
                        expected.append(str(exc))
            with session_scope(sessions) as s:
                got = [r if isinstance(r, tuple) else str(r) for r in upsert_posts(s, workspace_id=many, posts=posts)]
            assert [g[0] if isinstance(g, tuple) else g for g in got] == expected, f"seed {seed}"
        with session_scope(sessions) as s:
            assert _post_state(s, many) == _post_state(s, one), f"seed {seed}"


def test_batch_post_upsert_recounts_both_accounts_when_a_post_moves(sessions, workspace_id: str) -> None:
    with session_scope(sessions) as s:
        for h in ("a", "b"):
            upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(), account=AccountCreate(platform="tiktok", handle=h))
    post = PostCreate(platform="tiktok", handle="a", url="https://t.example/1", posted_at=datetime(2024, 5, 1, tzinfo=UTC), brands="Nike")
    with session_scope(sessions) as s:
        assert upsert_posts(s, workspace_id=workspace_id, posts=[post]) == [("inserted", get_account(
            s, workspace_id=workspace_id, platform="tiktok", handle="a").id)]
    with session_scope(sessions) as s:
        upsert_posts(s, workspace_id=workspace_id, posts=[post.model_copy(update={"handle": "b"})])
    with session_scope(sessions) as s:
        assert _post_state(s, workspace_id)[1] == [(("tiktok", "b"), "nike", 1, 0, datetime(2024, 5, 1, tzinfo=UTC))]


# --- posts ----------------------------------------------------------------------------------


def test_posts_import_upserts_by_url_and_rejects_unknown_accounts(sessions, workspace_id: str, tmp_path: Path) -> None:
    import_creators(sessions, workspace_id=workspace_id, path=DATA / "creators_messy.csv")
    report = import_posts(sessions, workspace_id=workspace_id, path=DATA / "posts.csv")
    assert (report.inserted, report.updated, report.unchanged) == (3, 0, 0)
    assert [(r.line, r.reason.split(" (")[0]) for r in report.rejected] == [
        (5, "unknown account instagram/@nobody"),
        (6, "posted_at: '05/06/2024' is not a date"),
        (8, "is_sponsored: 'perhaps' is not yes/no"),
    ]
    assert [(d.line, d.duplicate_of) for d in report.duplicates] == [(7, 2)]
    with session_scope(sessions) as s:
        post = s.exec(select(Post).where(Post.workspace_id == workspace_id, Post.url == "https://instagram.com/p/AAA")).one()
        assert (post.likes, post.comments, post.is_sponsored, post.brands) == (1200, 45, True, "La Roche-Posay;CeraVe")
        assert post.posted_at == datetime(2024, 5, 1, 8, tzinfo=UTC)
        acc = get_account(s, workspace_id=workspace_id, platform="instagram", handle="skin.by.sam")
        brands = {b.brand: b.mentions for b in s.exec(select(AccountBrand).where(AccountBrand.account_id == acc.id))}
        assert brands == {"la roche-posay": 1, "cerave": 2}
        assert report.changed_account_ids == sorted({acc.id, get_account(s, workspace_id=workspace_id, platform="youtube", handle="drmaya").id})
    again = import_posts(sessions, workspace_id=workspace_id, path=DATA / "posts.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    edit = tmp_path / "edit.csv"
    edit.write_text("platform,handle,posted_at,url,likes,caption\n"
                    "instagram,skin.by.sam,2024-05-01T08:00:00Z,https://instagram.com/p/AAA,1300,\n", encoding="utf-8")
    assert import_posts(sessions, workspace_id=workspace_id, path=edit).updated == 1
    with session_scope(sessions) as s:
        post = s.exec(select(Post).where(Post.workspace_id == workspace_id, Post.url == "https://instagram.com/p/AAA")).one()
        assert (post.likes, post.caption, post.brands) == (1300, "SPF every day, no excuses", "La Roche-Posay;CeraVe")


# --- metrics --------------------------------------------------------------------------------


def test_metrics_import_snapshots_with_exact_revenue_and_collaborations(sessions, workspace_id: str, tmp_path: Path) -> None:
    import_creators(sessions, workspace_id=workspace_id, path=DATA / "creators_messy.csv")
    with session_scope(sessions) as s:
        camp = Campaign(workspace_id=workspace_id, name="Summer SPF", currency="EUR")
        s.add(camp)
        s.flush()
        sam = get_account(s, workspace_id=workspace_id, platform="instagram", handle="skin.by.sam")
        s.add(Collaboration(workspace_id=workspace_id, campaign_id=camp.id, creator_id=sam.creator_id, account_id=sam.id))
    report = import_metrics(sessions, workspace_id=workspace_id, path=DATA / "metrics.csv")
    assert (report.inserted, report.updated, report.unchanged) == (3, 0, 0)
    assert [(r.line, r.reason.split(" (")[0]) for r in report.rejected] == [
        (5, "unknown campaign 'Winter Glow'"),
        (6, "unknown account instagram/@nobody"),
        (7, "date: 'June 3' is not a date"),
    ]
    assert [(d.line, d.duplicate_of) for d in report.duplicates] == [(8, 2)]
    with session_scope(sessions) as s:
        snaps = {(m.account_id, m.date): m for m in s.exec(select(MetricSnapshot).where(MetricSnapshot.workspace_id == workspace_id))}
        collab = s.exec(select(Collaboration).where(Collaboration.workspace_id == workspace_id)).one()
        first = snaps[(sam.id, date(2024, 6, 1))]
        assert (first.impressions, first.reach, first.likes, first.clicks, first.conversions) == (12_000, 9000, 1200, 150, 12)
        assert (first.revenue_cents, first.currency, first.collaboration_id) == (123_456, "EUR", collab.id)
        assert report.changed_collaboration_ids == [collab.id]
        second = snaps[(sam.id, date(2024, 6, 2))]
        assert (second.revenue_cents, second.currency) == (199_999, "EUR")  # the campaign's currency
        maya = get_account(s, workspace_id=workspace_id, platform="youtube", handle="drmaya")
        third = snaps[(maya.id, date(2024, 6, 2))]  # campaign name matched case-insensitively
        assert (third.views, third.likes, third.revenue_cents, third.currency, third.collaboration_id) == (250_000, 15_000, 30_000, "USD", None)
    again = import_metrics(sessions, workspace_id=workspace_id, path=DATA / "metrics.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    later = tmp_path / "later.csv"
    later.write_text("campaign,platform,handle,date,deliverable_url,impressions,revenue\n"
                     "Summer SPF,instagram,skin.by.sam,2024-06-02,https://instagram.com/p/AAA,18000,2500.10\n"
                     "Summer SPF,instagram,skin.by.sam,2024-06-03,https://instagram.com/p/AAA,19000,2600\n", encoding="utf-8")
    report = import_metrics(sessions, workspace_id=workspace_id, path=later)
    assert (report.inserted, report.updated) == (1, 1)
    with session_scope(sessions) as s:
        snap = s.exec(select(MetricSnapshot).where(MetricSnapshot.workspace_id == workspace_id,
                                                   MetricSnapshot.date == date(2024, 6, 2), MetricSnapshot.account_id == sam.id)).one()
        assert (snap.impressions, snap.reach, snap.revenue_cents) == (18_000, 11_000, 250_010)  # empty cells keep values
        latest = s.exec(select(MetricSnapshot.account_id, MetricSnapshot.date).where(
            MetricSnapshot.workspace_id == workspace_id, MetricSnapshot.is_latest)).all()
        assert sorted(latest) == sorted([(sam.id, date(2024, 6, 3)), (maya.id, date(2024, 6, 2))])


# --- export round trip ----------------------------------------------------------------------


def test_export_then_import_into_a_fresh_workspace_gives_the_same_data(sessions, workspace_id: str, tmp_path: Path) -> None:
    import_creators(sessions, workspace_id=workspace_id, path=DATA / "creators_messy.csv")
    with session_scope(sessions) as s:  # a person with two accounts, no e-mail and no creator_id
        for handle in ("solo", "solo.clips"):
            upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(name="Solo", niches="travel"),
                                   account=AccountCreate(platform="tiktok", handle=handle, followers=10, engagement_rate=1.5))
        solo = get_account(s, workspace_id=workspace_id, platform="tiktok", handle="solo")
        clips = get_account(s, workspace_id=workspace_id, platform="tiktok", handle="solo.clips")
        clips.creator_id = solo.creator_id
    out = tmp_path / "creators.csv"
    assert export_creators(sessions, workspace_id=workspace_id, path=out) == 7
    fresh = workspace_id + "rt"
    report = import_creators(sessions, workspace_id=fresh, path=out)
    assert (report.inserted, report.rejected, report.duplicates) == (7, [], [])

    def comparable(ws: str) -> dict:
        numbering: dict[int, int] = {}
        out = {}
        for key, (a, c) in sorted(_accounts(sessions, ws).items()):
            numbering.setdefault(c.id, len(numbering))
            out[key] = (a.model_dump(include={"followers", "engagement_rate", "avg_likes", "avg_comments", "avg_views",
                                              "profile_url", "country", "language", "kind", "has_email"}),
                        c.model_dump(exclude={"id", "workspace_id", "external_id", "created_at", "updated_at"}),
                        numbering[c.id])
        return out

    assert comparable(fresh) == comparable(workspace_id)
    again = tmp_path / "again.csv"
    export_creators(sessions, workspace_id=fresh, path=again)
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")  # creator_id kept: stable
    assert f"kolpilot-{solo.creator_id}" in out.read_text(encoding="utf-8") and "150%" in out.read_text(encoding="utf-8")
    assert import_creators(sessions, workspace_id=fresh, path=again).unchanged == 7


# --- the real YouTube export ----------------------------------------------------------------


def test_real_youtube_top1000_imports_with_a_mapping(sessions, workspace_id: str) -> None:
    report = import_creators(sessions, workspace_id=workspace_id, path=YOUTUBE, mapping=YOUTUBE_MAP, platform="youtube")
    assert report.rows == 1003
    assert report.inserted + len(report.duplicates) + len(report.rejected) == report.rows
    assert report.rejected == []
    # The 3 repeated rows at the end, and a second PrestonPlayz row with other numbers.
    assert [(d.line, d.duplicate_of) for d in report.duplicates] == [(583, 226), (1004, 973), (1005, 974), (1006, 989)]
    accounts = _accounts(sessions, workspace_id)
    assert len(accounts) == 999
    mrbeast, person = accounts[("youtube", "mrbeast")]
    assert (mrbeast.followers, mrbeast.avg_views, mrbeast.avg_likes, mrbeast.avg_comments) == (117_000_000, 68_500_000, 2_900_000, 99_900)
    assert (person.name, person.niches, person.audience_top_country, person.country) == ("MrBeast", "video games;humor", "US", None)
    setindia, _ = accounts[("youtube", "setindia")]
    assert setindia.avg_views is None  # every metric 0 in the export: unknown, not zero
    cocomelon = accounts[("youtube", "checkgate")][1]
    assert cocomelon.audience_top_country is None  # empty Country cell
    again = import_creators(sessions, workspace_id=workspace_id, path=YOUTUBE, mapping=YOUTUBE_MAP, platform="youtube")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 999)


def test_money_symbols_are_the_projects_one_table() -> None:
    from decimal import Decimal

    from integrations.sources.csv_normalize import parse_money

    assert parse_money("A$100") == (Decimal("100"), "AUD")
    assert parse_money("C$1,250.50") == (Decimal("1250.50"), "CAD")
    assert parse_money("R$99") == (Decimal("99"), "BRL")
