from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from paperradar.cli import main
from paperradar.config import example_profile_text, load_profile, parse_profile
from paperradar.errors import ProfileError
from paperradar.render.wording import updated_line

from _paths import SHARED

GOOD = """
[[fields]]
name = "深度学习理论"
about = ["optimizer"]
"""


def test_seed_interests_are_expressible() -> None:
    raw = tomllib.loads((SHARED / "profiles" / "seed-interests.toml").read_text(encoding="utf-8"))
    p = parse_profile(raw)
    assert len(p.fields) == 7 and len(p.avoid) == 2
    assert p.min_score == 7 and p.announce_types == ("new",) and p.language == "zh"


def test_example_profile_is_equivalent_to_the_seed_interests() -> None:
    seed = parse_profile(tomllib.loads((SHARED / "profiles" / "seed-interests.toml").read_text(encoding="utf-8")))
    example = parse_profile(tomllib.loads(example_profile_text()))
    assert example.field_names == seed.field_names
    assert [f.about for f in example.fields] == [f.about for f in seed.fields]
    assert [a.name for a in example.avoid] == [a.name for a in seed.avoid]
    assert (example.categories, example.announce_types, example.min_score, example.language, example.timezone) == (
        seed.categories, seed.announce_types, seed.min_score, seed.language, seed.timezone)
    assert all(f.description for f in example.fields)


BAD = [
    ("colour = 'red'\n", "colour: unknown key"),
    ("langauge = 'en'\n", "langauge: unknown key: did you mean 'language'?"),
    ("categores = ['cs.LG']\n", "categores: unknown key: did you mean 'categories'?"),
    ("[[fields]]\nname = 'x'\nabuot = ['y']\n", "fields[1].abuot: unknown key: did you mean 'about'?"),
    # the words another tool's profile, or a first guess, uses for a field's keywords and description
    ("[[fields]]\nname = 'x'\nkeywords = ['y']\n", "fields[1].keywords: unknown key: did you mean 'about'?"),
    ("[[avoid]]\nname = 'x'\ndesc = 'y'\n", "avoid[0].desc: unknown key: did you mean 'description'?"),
    ("[llm]\nbase_ur = 'http://x'\nmodel = 'm'\n", "llm.base_ur: unknown key: did you mean 'base_url'?"),
    ("categories = ['cs.LG', 'cs.CV', 'cs.LG']\n", "categories: 'cs.LG' appears twice"),
    ("[[avoid]]\nname = '深度学习理论'\n", "avoid[0].name: '深度学习理论' appears twice, also as fields[0].name"),
    ("[[fields]]\nname = '其他'\n", "fields[1].name: '其他' is the title of the digest's section for papers of no "
     "field of the profile: give this field another name"),
    ("language = 'en'\n[[fields]]\nname = 'Other'\n", "fields[0].name: 'Other' is the title of the digest's section"),
    ("language = 'fr'\n", "language: must be \"zh\" or \"en\", not 'fr'"),
    ("timezone = 'Mars/Olympus'\n", "timezone: 'Mars/Olympus' is not an IANA time zone"),
    ("min_score = 11\n", "min_score: must be a number from 0 to 10, not 11"),
    ("min_score = 'high'\n", "min_score: must be a number from 0 to 10"),
    ("max_per_field = 0\n", "max_per_field: must be a whole number of at least 1, not 0"),
    ("categories = 'cs.CV'\n", "categories: must be a list of non-empty strings"),
    ("categories = ['computer vision']\n", "categories: 'computer vision' is not an arXiv category"),
    ("announce_types = ['brand-new']\n", "announce_types: 'brand-new' is not one of"),
    ("categories = []\n", "categories: must be a list of non-empty strings, at least one"),
    ("announce_types = []\n", "announce_types: must be a list of non-empty strings, at least one"),
    ("[[avoid]]\nabout = ['x']\n", "avoid[0].name: missing"),
    ("[llm]\nmodel = 'm'\napi_key_env = 'K'\n", "llm.base_url: missing"),
    ("[llm]\nbase_url = 'ftp://x'\nmodel = 'm'\napi_key_env = 'K'\n", "llm.base_url: must start with http"),
    ("[llm]\nbase_url = 'http://x'\nmodel = 'm'\napi_key_env = 'sk-abc123'\n", "llm.api_key_env: name the environment variable"),
    ("[llm]\nbase_url = 'http://x'\nmodel = 'm'\napi_key_env = ''\n", "llm.api_key_env: name the environment variable that holds the key, or leave the key out"),
    ("[llm]\nbase_url = 'http://x'\nmodel = 'm'\napi_key_env = 'K'\nconcurrency = 0\n", "llm.concurrency: must be a whole number from 1 to 64, not 0"),
    ("[llm]\nbase_url = 'http://x'\nmodel = 'm'\napi_key_env = 'K'\nprefilter_keep_rate = 1.5\n", "llm.prefilter_keep_rate: must be a number in (0, 1]"),
    ("[llm]\nbase_url = 'http://x'\nmodel = 'm'\napi_key_env = 'K'\ntemperature = 0\n", "llm.temperature: unknown key"),
]


@pytest.mark.parametrize("extra, expected", BAD, ids=[b[1].split(":")[0] for b in BAD])
def test_bad_profile_gives_key_and_problem(tmp_path: Path, extra: str, expected: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "profile.toml"
    # top-level keys must come before the first table
    path.write_text(extra + GOOD if not extra.startswith("[") else GOOD + extra, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert any(p.startswith(expected) for p in err.value.problems), err.value.problems
    assert main(["run", "--profile", str(path), "--from-jsonl", str(path)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert any(line == f"paperradar: error: {path}: {p}" for line in lines for p in err.value.problems)
    assert all(line.startswith("paperradar: error: ") for line in lines)


def test_archives_without_subject_classes_are_categories(tmp_path: Path) -> None:
    # quant-ph, hep-th, gr-qc, ... are categories of their own: a feed each, no dot
    path = tmp_path / "profile.toml"
    path.write_text("categories = ['quant-ph', 'hep-th', 'gr-qc', 'cs.LG', 'astro-ph.GA', 'cond-mat']\n" + GOOD,
                    encoding="utf-8")
    assert load_profile(path).categories == ("quant-ph", "hep-th", "gr-qc", "cs.LG", "astro-ph.GA", "cond-mat")


@pytest.mark.parametrize("typo, hint", [("cs.lg", "cs.LG"), ("CS.CV", "cs.CV"), ("cs.ML", None), ("cs.XX", None),
                                         ("math.ag", "math.AG"), ("stats.ML", None), ("quant-ph.QA", None)])
def test_category_typos_are_refused(tmp_path: Path, typo: str, hint: str | None) -> None:
    # arXiv has no feed for them: a typo meant a day with none of that category's papers, silently
    path = tmp_path / "profile.toml"
    path.write_text(f"categories = ['cs.CV', '{typo}']\n" + GOOD, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    said = f"categories: '{typo}' is not an arXiv category such as \"cs.CV\""
    assert err.value.problems == [said + (f": did you mean '{hint}'?" if hint else "")]


def test_real_categories_of_every_archive_are_accepted(tmp_path: Path) -> None:
    real = ["cs.AI", "cs.CL", "cs.SY", "cs.OH", "math.AG", "math-ph", "physics.optics", "cond-mat.stat-mech",
            "astro-ph.CO", "q-bio.NC", "q-fin.ST", "stat.ML", "eess.IV", "econ.EM", "nlin.CD", "hep-th"]
    path = tmp_path / "profile.toml"
    path.write_text(f"categories = {real!r}\n" + GOOD, encoding="utf-8")
    assert list(load_profile(path).categories) == real


def test_field_problems_name_their_place(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[[fields]]\nname = 'A'\nabout = 'x'\n[[fields]]\nname = 'A'\nweight = 2\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert ('fields[0].about: must be a list of non-empty strings, in square brackets: about = ["x"] (a sentence '
            "about the field goes in description)") in err.value.problems
    assert "fields[1].name: 'A' appears twice" in err.value.problems
    assert "fields[1].weight: unknown key" in err.value.problems


@pytest.mark.parametrize("line, problem", [
    ('about = "视觉语言模型，多模态大模型、VLM"', 'fields[0].about: must be a list of non-empty strings, in square brackets: '
     'about = ["视觉语言模型", "多模态大模型", "VLM"] (a sentence about the field goes in description)'),
    ('about = "研究机器人如何操作物体"', 'fields[0].about: must be a list of non-empty strings, in square brackets: '
     'about = ["研究机器人如何操作物体"] (a sentence about the field goes in description)'),
    ('about = ["视觉语言模型，多模态大模型", "VLM"]', "fields[0].about: '视觉语言模型，多模态大模型' is several keywords in "
     'one string: quote each, about = ["视觉语言模型", "多模态大模型", "VLM"]'),
    ('description = ["VLM", "多模态"]', "fields[0].description: must be a string, in quotes (keywords go in a list "
     "in about)"),
])
def test_keywords_written_as_one_string_are_shown_as_a_list(tmp_path: Path, line: str, problem: str) -> None:
    # a Chinese reader reads `about` as "关于" and writes a sentence, or types the list as one string with Chinese
    # commas: 'must be a list of non-empty strings' did not say how to write it, and a string of three keywords
    # inside the brackets was taken as one keyword no paper contains
    path = tmp_path / "p.toml"
    path.write_text(f"[[fields]]\nname = '多模态大模型'\n{line}\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert err.value.problems == [problem]


def test_letters_typed_in_full_width_mode_are_read_as_papers_write_them(tmp_path: Path) -> None:
    # a Chinese input method left in full-width mode types ＬｏＲＡ and ＫＶ　ｃａｃｈｅ: the word matcher reads only
    # a-z and 0-9, so these keywords matched no paper and no reason could name them
    path = tmp_path / "p.toml"
    path.write_text("[[fields]]\nname = '高效推理'\nabout = ['ＫＶ　ｃａｃｈｅ', 'ＬｏＲＡ']\n"
                    "description = '推理加速：ｓｐｅｃｕｌａｔｉｖｅ ｄｅｃｏｄｉｎｇ，４ｂｉｔ 量化。'\n", encoding="utf-8")
    [field] = load_profile(path).fields
    assert field.about == ("KV cache", "LoRA")
    assert field.description == "推理加速：speculative decoding，4bit 量化。"  # Chinese punctuation is the reader's


def test_names_differing_only_in_spaces_are_the_same_field(tmp_path: Path) -> None:
    # the digest shows the stripped names: two sections titled "Robots" with one anchor between them
    path = tmp_path / "p.toml"
    path.write_text("[[fields]]\nname = 'Robots'\n[[fields]]\nname = 'Robots '\n", encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert err.value.problems == ["fields[1].name: 'Robots' appears twice"]


def test_only_the_profile_languages_own_other_section_is_refused_as_a_field_name() -> None:
    # the digest titles papers whose field the profile lacks "其他" in Chinese, "Other" in English
    assert parse_profile(tomllib.loads("[[fields]]\nname = 'Other'\n")).field_names == ("Other",)
    assert parse_profile(tomllib.loads("language = 'en'\n[[fields]]\nname = '其他'\n")).field_names == ("其他",)
    with pytest.raises(ProfileError) as err:
        parse_profile(tomllib.loads("language = 'en'\n[[fields]]\nname = 'other'\n[[fields]]\nname = 'Robots'\n"))
    assert [p.split(":")[0] for p in err.value.problems] == ["fields[0].name"]


def test_the_time_zone_left_out_is_the_languages_own() -> None:
    # an English digest said "Updated ... Beijing time" to a reader who never named a zone
    en = parse_profile(tomllib.loads("language = 'en'\n" + GOOD))
    assert en.timezone == "UTC"
    assert updated_line(en.language, en.timezone, datetime(2026, 2, 5, 5, 25, 47, tzinfo=UTC)) == (
        "Updated 2026-02-05 05:25:47 (UTC)")
    assert parse_profile(tomllib.loads(GOOD)).timezone == "Asia/Shanghai"  # shown as 北京时间
    assert parse_profile(tomllib.loads("language = 'en'\ntimezone = 'Asia/Shanghai'\n" + GOOD)).timezone == (
        "Asia/Shanghai")


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="file not found: create one with `paperradar init`"):
        load_profile(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("fields = [", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(bad)
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"fields: must be a list of \[\[fields\]\] tables, at least one"):
        load_profile(empty)


def test_a_profile_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Windows editors (Notepad before 2019, PowerShell 5's Out-File) start UTF-8 with a BOM, and end lines in CRLF
    path = tmp_path / "profile.toml"
    path.write_bytes(b"\xef\xbb\xbf" + ("language = 'en'\n" + GOOD).replace("\n", "\r\n").encode("utf-8"))
    profile = load_profile(path)
    assert profile.language == "en" and profile.field_names == ("深度学习理论",)


def test_a_profile_not_in_utf8_is_one_line_saying_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a Chinese Windows editor saves "ANSI", that is GBK
    path = tmp_path / "profile.toml"
    path.write_bytes(GOOD.encode("gbk"))
    assert main(["run", "--profile", str(path), "--from-jsonl", str(path)]) == 1
    assert capsys.readouterr().err == (f"paperradar: error: {path}: not UTF-8 text (byte 0xc9 at position 20): "
                                       "save it as UTF-8\n")


_ENGLISH_MODE = ", with the input method in English mode"


@pytest.mark.parametrize("line, problem", [
    ('language = “zh”', 'Invalid value (at line 2, column 12): “ is not TOML punctuation: type " instead'
                        + _ENGLISH_MODE),
    ("language = ‘zh’", "Invalid value (at line 2, column 12): ‘ is not TOML punctuation: type ' instead"
                        + _ENGLISH_MODE),
    ('categories = ["cs.CV"，"cs.RO"]',
     "Unclosed array (at line 2, column 22): ， is not TOML punctuation: type , instead" + _ENGLISH_MODE),
    ("min_score ＝ 7", "Expected '=' after a key in a key/value pair (at line 2, column 11): ＝ is not TOML punctuation: "
                      "type = instead" + _ENGLISH_MODE),
    ("min_score：7", "Expected '=' after a key in a key/value pair (at line 2, column 10): ： is not TOML punctuation: "
                    "type = instead" + _ENGLISH_MODE),
    ("min_score = 7。", "Expected newline or end of document after a statement (at line 2, column 14): 。 is not TOML "
                       "punctuation: delete it, or put it inside quotes"),
    ("json_mode = True", "Invalid value (at line 2, column 13)"),  # no text: as tomllib says it
])
def test_full_width_punctuation_outside_quotes_is_named_with_what_to_type(tmp_path: Path, line: str,
                                                                          problem: str) -> None:
    # typed with a Chinese input method in Chinese mode, a profile got 'not valid TOML: Invalid value (at line 2,
    # column 12)' or 'Unclosed array', and its reader looked for the mistake in a line that looked right
    path = tmp_path / "profile.toml"
    path.write_text("# 我的研究方向，“具身智能”\r\n" + line + "\r\n" + GOOD, encoding="utf-8")
    with pytest.raises(ProfileError) as e:
        load_profile(path)
    assert e.value.problems == [f"not valid TOML: {problem}"]


@pytest.mark.parametrize("line, problem", [
    ("name = 具身智能", 'Invalid value (at line 2, column 8): text goes in double quotes: name = "具身智能"'),
    ("name = 具身智能  # 我的方向", 'Invalid value (at line 2, column 8): text goes in double quotes: name = "具身智能"'),
    ("name = 3D视觉", "Expected newline or end of document after a statement (at line 2, column 9): text goes in "
                    'double quotes: name = "3D视觉"'),
    ('about = ["VLA", 机器人操作, 模仿学习]',
     'Invalid value (at line 2, column 17): text goes in double quotes: about = ["VLA", "机器人操作", "模仿学习"]'),
    ("about = [\n  机器人操作,\n]", 'Invalid value (at line 3, column 3): text goes in double quotes: "机器人操作",'),
    ("language = en", 'Invalid value (at line 2, column 12): text goes in double quotes: language = "en"'),
    ('description = "机器人操作、模仿学习；\n视觉-语言-动作模型。"', "Illegal character '\\n' (at line 2, column 27): text of "
     'several lines goes in triple quotes: description = """..."""'),
    ("min_score = 7分", "Expected newline or end of document after a statement (at line 2, column 14): a number, "
                       "without a unit: min_score = 7"),  # not "7分" in quotes, which is no number
])
def test_text_without_quotes_is_shown_with_them(tmp_path: Path, line: str, problem: str) -> None:
    # a reader writing `name = 具身智能` as one writes Chinese got only 'Invalid value (at line 2, column 8)'
    path = tmp_path / "profile.toml"
    path.write_text("# 我的研究方向\n" + line + "\n" + GOOD, encoding="utf-8")
    with pytest.raises(ProfileError) as e:
        load_profile(path)
    assert e.value.problems == [f"not valid TOML: {problem}"]


def test_llm_settings_parse() -> None:
    raw = tomllib.loads(GOOD + "[llm]\nbase_url = 'https://ark.cn-beijing.volces.com/api/v3'\n"
                        "model = 'doubao-seed-1-6-thinking-250715'\napi_key_env = 'ARK_API_KEY'\n"
                        "concurrency = 8\ndaily_token_budget = 200000\n")
    llm = parse_profile(raw).llm
    assert llm is not None and llm.api_key_env == "ARK_API_KEY" and llm.daily_token_budget == 200000


def test_an_endpoint_without_a_key_needs_no_api_key_env() -> None:
    raw = tomllib.loads(GOOD + "[llm]\nbase_url = 'http://localhost:11434/v1'\nmodel = 'qwen3:8b'\n")
    llm = parse_profile(raw).llm
    assert llm is not None and llm.api_key_env is None


def test_a_base_url_ending_in_chat_completions_says_to_leave_it_out() -> None:
    # the client appends /chat/completions: the run met a 404 for .../chat/completions/chat/completions
    raw = tomllib.loads(GOOD + "[llm]\nbase_url = 'https://api.deepseek.com/v1/chat/completions/'\nmodel = 'x'\n")
    with pytest.raises(ProfileError) as e:
        parse_profile(raw)
    assert e.value.problems == ["llm.base_url: leave out /chat/completions, which the client adds itself: "
                                "'https://api.deepseek.com/v1'"]


def test_an_azure_target_uri_pasted_whole_says_what_to_keep_of_it() -> None:
    # the Azure portal's target URI ends in /chat/completions?api-version=...: the line said to keep the URL without
    # its api-version, which the next run refused for lacking one
    url = "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
    with pytest.raises(ProfileError) as e:
        parse_profile(tomllib.loads(GOOD + f"[llm]\nbase_url = '{url}'\nmodel = 'gpt-4o'\n"))
    assert e.value.problems == ["llm.base_url: leave out /chat/completions, which the client adds itself: "
                                "'https://res.openai.azure.com/openai/deployments/gpt-4o?api-version=2024-10-21'"]


def test_profile_version_changes_with_fields_only() -> None:
    a = parse_profile(tomllib.loads(GOOD))
    b = parse_profile(tomllib.loads(GOOD.replace("optimizer", "optimiser")))
    c = parse_profile(tomllib.loads("min_score = 5\n" + GOOD))
    assert a.version != b.version and a.version == c.version


def test_the_example_llm_table_is_valid_once_uncommented() -> None:
    import re
    text = example_profile_text()
    head, block = text[:text.index("# [llm]")], text[text.index("# [llm]"):]
    lines = [re.sub(r"^# ?", "", line) for line in block.splitlines()
             if line.startswith("# ") and not line.startswith("#  ")]
    llm = parse_profile(tomllib.loads(head + "\n".join(lines))).llm
    assert llm is not None and llm.base_url.endswith("/api/v3") and llm.api_key_env == "ARK_API_KEY"


@pytest.mark.parametrize("url, said", [
    ("https://reader:hunter2secret@gateway.example/v1", "has a user name or password in it"),
    ("reader:hunter2secret@gateway.example/v1", "has a user name or password in it"),
    ("https://reader:hunter2secret@gateway.example/v1/chat/completions", "has a user name or password in it"),
    ("https://gateway.example/v1?token=hunter2secret", "has a key or token in its query string"),
    ("https://gateway.example/v1?api-version=2024-10-21&api_key=hunter2secret", "has a key or token in its query"),
])
def test_a_base_url_carrying_a_secret_is_refused_without_repeating_it(tmp_path: Path, url: str, said: str,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # the client sent user:password@ as Basic auth in place of the key, and asked .../v1/?token=...chat/completions;
    # every failure line, the store and the digest repeated the URL with its secret
    path = _with_llm(tmp_path, f"base_url = '{url}'\nmodel = 'm'\napi_key_env = 'ARK_API_KEY'\n")
    err = _refusal(path, capsys)
    assert err.startswith(f"paperradar: error: {path}: llm.base_url: {said}")
    assert "hunter2secret" not in err and "llm.api_key_env" in err


def _with_llm(tmp_path: Path, llm_table: str) -> Path:
    """A profile file: the good fields and this [llm] table."""
    path = tmp_path / "profile.toml"
    path.write_text(GOOD + "[llm]\n" + llm_table, encoding="utf-8")
    return path


def _refusal(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What `paperradar run` says of a profile it refuses: one line."""
    assert main(["run", "--profile", str(path), "--from-jsonl", str(path)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    return err


def test_the_name_of_the_keys_variable_is_read_without_the_spaces_around_it(tmp_path: Path) -> None:
    # api_key_env = " ARK_API_KEY" passed the profile's checks, then the run said ' ARK_API_KEY' was not set
    llm = load_profile(_with_llm(tmp_path, "base_url = 'https://ark.cn-beijing.volces.com/api/v3'\nmodel = 'm'\n"
                                           "api_key_env = ' ARK_API_KEY '\n")).llm
    assert llm is not None and llm.api_key_env == "ARK_API_KEY"


@pytest.mark.parametrize("written", ["$DEEPSEEK_API_KEY", "${DEEPSEEK_API_KEY}", "%DEEPSEEK_API_KEY%"])
def test_a_keys_variable_written_as_a_shell_would_read_it_says_to_write_its_name_alone(
        tmp_path: Path, written: str, capsys: pytest.CaptureFixture[str]) -> None:
    # '$DEEPSEEK_API_KEY' was told it was the key itself, not the name of its variable
    path = _with_llm(tmp_path, f"base_url = 'https://api.deepseek.com'\nmodel = 'deepseek-chat'\n"
                               f"api_key_env = '{written}'\n")
    assert _refusal(path, capsys) == (f"paperradar: error: {path}: llm.api_key_env: the variable's name alone, as in "
                                      "api_key_env = \"DEEPSEEK_API_KEY\" (paperradar reads the variable itself)\n")


def test_the_endpoint_and_model_are_read_without_the_spaces_around_them(tmp_path: Path) -> None:
    # 'https://api.deepseek.com/v1 ' posted to /v1%20/chat/completions, and the line said to set '.../v1 /v1'; the
    # model ' deepseek-chat' was not served
    llm = load_profile(_with_llm(tmp_path, "base_url = ' https://api.deepseek.com/v1 '\nmodel = ' deepseek-chat '\n"
                                           "api_key_env = 'DEEPSEEK_API_KEY'\n")).llm
    assert llm is not None and (llm.base_url, llm.model) == ("https://api.deepseek.com/v1", "deepseek-chat")


def test_a_base_url_whose_query_holds_no_secret_is_kept(tmp_path: Path) -> None:
    # Azure's and some gateways' '.../v1?api-version=...': sent with every request (tests/llm: test_llm_scorer)
    url = "https://example.openai.azure.com/openai/v1?api-version=2024-10-21"
    llm = load_profile(_with_llm(tmp_path, f"base_url = '{url}'\nmodel = 'm'\napi_key_env = 'AZURE_KEY'\n")).llm
    assert llm is not None and llm.base_url == url


@pytest.mark.parametrize(("line", "thinking"), [("thinking = false", False), ("thinking = true", True), ("", None)])
def test_whether_the_model_thinks_is_read_as_true_or_false(tmp_path: Path, line: str, thinking: bool | None) -> None:
    path = _with_llm(tmp_path, f"base_url = 'https://ark.cn-beijing.volces.com/api/v3'\nmodel = 'm'\n{line}\n")
    llm = load_profile(path).llm
    assert llm is not None and llm.thinking is thinking


def test_a_thinking_switch_other_than_true_or_false_is_refused(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = _with_llm(tmp_path, "base_url = 'https://ark.cn-beijing.volces.com/api/v3'\nmodel = 'm'\n"
                               "thinking = 'disabled'\n")
    assert _refusal(path, capsys) == f"paperradar: error: {path}: llm.thinking: must be true or false, not 'disabled'\n"


def test_an_azure_deployment_without_its_api_version_says_to_add_it(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # Azure answers a deployment URL without ?api-version= with a 404 'Resource not found'; the run crashed instead
    url = "https://example.openai.azure.com/openai/deployments/gpt-4o-mini/"
    path = _with_llm(tmp_path, f"base_url = '{url}'\nmodel = 'gpt-4o-mini'\napi_key_env = 'AZURE_KEY'\n")
    assert _refusal(path, capsys) == (
        f"paperradar: error: {path}: llm.base_url: an Azure OpenAI deployment URL needs its API version: add it, "
        "as in 'https://example.openai.azure.com/openai/deployments/gpt-4o-mini?api-version=2024-10-21'\n")
    kept = f"{url}?api-version=2024-10-21"
    llm = load_profile(_with_llm(tmp_path, f"base_url = '{kept}'\nmodel = 'm'\napi_key_env = 'AZURE_KEY'\n")).llm
    assert llm is not None and llm.base_url == kept


@pytest.mark.parametrize("line, said", [
    ("api_key_env = '3f2a9c1e-7b4d-4e8a-9c21-5d6f7a8b9c0d'", "llm.api_key_env: name the environment variable that "
     "holds the key (letters, digits and _, such as ARK_API_KEY), not the key itself"),  # a Volcengine Ark key
    ("api_key_env = 'gsk_Ab3dEf9hIjK2mNoPq5rStU8vWxYz1a2B3c4D5e6F7g8H9i0J'", "llm.api_key_env: name the environment"),
    ("api_key_env = 'K'\napi_key = '3f2a9c1e-7b4d-4e8a-9c21-5d6f7a8b9c0d'", "llm.api_key: a key does not go in the "
     "profile: put it in an environment variable (export ARK_API_KEY=...) and name that variable in llm.api_key_env"),
    ("token = '3f2a9c1e-7b4d-4e8a-9c21-5d6f7a8b9c0d'", "llm.token: a key does not go in the profile"),
])
def test_a_key_written_into_the_profile_is_refused_without_repeating_it(tmp_path: Path, line: str, said: str,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # a key that does not start with sk- went through as the name of a variable, and the run then said "set the
    # environment variable 3f2a9c1e-...": the key itself, in the cron log
    path = _with_llm(tmp_path, f"base_url = 'http://127.0.0.1:9/v1'\nmodel = 'm'\n{line}\n")
    err = _refusal(path, capsys)
    assert err.startswith(f"paperradar: error: {path}: {said}")
    assert "9c0d" not in err and "0J" not in err


@pytest.mark.parametrize("name", ["ARK_API_KEY", "deepseek_key", "OPENAI_API_KEY_2", "MyKey"])
def test_names_of_variables_are_not_taken_for_keys(tmp_path: Path, name: str) -> None:
    llm = load_profile(_with_llm(tmp_path, f"base_url = 'http://x/v1'\nmodel = 'm'\napi_key_env = '{name}'\n")).llm
    assert llm is not None and llm.api_key_env == name


def test_an_unknown_key_that_holds_no_secret_is_only_unknown(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as err:
        load_profile(_with_llm(tmp_path, "base_url = 'http://x/v1'\nmodel = 'm'\nmax_tokens = 2048\n"))
    assert err.value.problems == ["llm.max_tokens: unknown key"]


@pytest.mark.parametrize("key", ["api-key-env", "key_env", "apikeyenv"])
def test_the_name_of_the_keys_variable_under_a_misspelt_key_is_not_taken_for_a_key(tmp_path: Path, key: str) -> None:
    # 'api-key-env = "ARK_API_KEY"' was told 'a key does not go in the profile: put it in an environment variable',
    # of a variable's name, as if the reader had written the key itself
    with pytest.raises(ProfileError) as err:
        load_profile(_with_llm(tmp_path, f"base_url = 'http://x/v1'\nmodel = 'm'\n{key} = 'ARK_API_KEY'\n"))
    assert err.value.problems == [f"llm.{key}: unknown key: did you mean 'api_key_env'?"]


def test_a_profile_nested_thousands_deep_is_one_line_not_a_bug(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # tomllib reads by recursion: "unexpected RecursionError: maximum recursion depth exceeded (a bug in paperradar...)"
    path = tmp_path / "profile.toml"
    path.write_text("categories = " + "[" * 100_000 + "]" * 100_000 + "\n" + GOOD, encoding="utf-8")
    assert main(["run", "--profile", str(path), "--from-jsonl", str(path)]) == 1
    assert capsys.readouterr().err == (f"paperradar: error: {path}: not valid TOML for a profile: arrays or tables "
                                       "nested thousands deep\n")
