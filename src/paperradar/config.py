"""Load and validate a profile (TOML). Secrets never live here: only the name of the variable that holds them."""

from __future__ import annotations

import difflib
import json
import re
import tomllib
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ProfileError
from .models import Field, LLMSettings, Profile

_TOP_KEYS = {"language", "timezone", "categories", "announce_types", "min_score", "max_per_field",
             "fields", "avoid", "llm"}
_FIELD_KEYS = {"name", "about", "description"}
_LLM_KEYS = {"base_url", "model", "api_key_env", "concurrency", "batch_size", "timeout_s", "max_retries",
             "prefilter_keep_rate", "daily_token_budget", "json_mode", "thinking"}
_NAMES = {"base_url", "model", "api_key_env"}  # [llm] values read without the spaces around them
_ANNOUNCE_TYPES = {"new", "cross", "replace", "replace-cross"}
# an unknown [llm] key whose string value is a secret, not the name of its variable (max_tokens = 2048 is not one)
_SECRET_WORDS = re.compile(r"key|token|secret|password", re.IGNORECASE)
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VARIABLE_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|%([A-Za-z_][A-Za-z0-9_]*)%")  # $X, ${X}, %X%


def example_profile_text() -> str:
    """The bundled example profile, equivalent to the reader's seed interests."""
    return resources.files("paperradar").joinpath("data/example-profile.toml").read_text(encoding="utf-8")


def load_profile(path: str | Path) -> Profile:
    """Read a profile file; every problem is reported at once as `key: what is wrong`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Windows editors may start it with a BOM
        raw = tomllib.loads(text)
    except FileNotFoundError:
        raise ProfileError(str(path), ["file not found: create one with `paperradar init`"]) from None
    except IsADirectoryError:
        raise ProfileError(str(path), [f"a folder: give a profile TOML file, e.g. {path / 'profile.toml'}"]) from None
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(str(path), [f"not valid TOML: {e}{_what_to_type(str(e), text)}"]) from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise ProfileError(str(path), ["not valid TOML for a profile: arrays or tables nested thousands deep"]) from None
    except UnicodeDecodeError as e:  # a Chinese Windows editor's "ANSI" is GBK
        problem = f"not UTF-8 text (byte {e.object[e.start]:#x} at position {e.start}): save it as UTF-8"
        raise ProfileError(str(path), [problem]) from None
    return parse_profile(raw, str(path))


# what a Chinese input method types in place of TOML's punctuation; outside quotes TOML reads none of them
_ASCII_FOR = {"“": '"', "”": '"', "‘": "'", "’": "'", "，": ",", "＝": "=", "：": "=", "［": "[", "］": "]",
              "｛": "{", "｝": "}"}


def _what_to_type(error: str, text: str) -> str:
    """What to type instead, where the character tomllib stopped at is a full-width one, or begins text written
    without quotes (else nothing)."""
    at = re.search(r"at line (\d+), column (\d+)", error)
    lines = text.split("\n")
    if not at or int(at[1]) > len(lines):
        return ""
    char = lines[int(at[1]) - 1][int(at[2]) - 1:int(at[2])]
    if char in _ASCII_FOR:
        ascii_char = _ASCII_FOR[char]
        return f": {char} is not TOML punctuation: type {ascii_char} instead, with the input method in English mode"
    if char and unicodedata.east_asian_width(char) in "FW" and not char.isalnum():
        return f": {char} is not TOML punctuation: delete it, or put it inside quotes"
    bare_value = error.startswith(("Invalid value", "Expected newline or end of document after a statement"))
    line = lines[int(at[1]) - 1]
    key, _, value = line.partition("=")
    if error.startswith("Illegal character '\\n'") and value.strip()[:1] in ('"', "'"):  # a string broken over lines
        quotes = value.strip()[0] * 3
        return f": text of several lines goes in triple quotes: {key.strip()} = {quotes}...{quotes}"
    if bare_value and key.strip() in _NUMBERS and (number := re.match(r"\s*([0-9][0-9.]*)", value)):
        return f": a number, without a unit: {key.strip()} = {number[1]}"  # min_score = 7分
    quoted = _quoted(line, int(at[2]) - 1) if bare_value and key.strip() not in _NUMBERS else None
    return f": text goes in double quotes: {quoted.strip()}" if quoted else ""


_NUMBERS = {"min_score", "max_per_field", "concurrency", "batch_size", "timeout_s", "max_retries",
            "prefilter_keep_rate", "daily_token_budget"}


def _quoted(line: str, at: int) -> str | None:
    """The line with its text value in double quotes, where it was written bare (name = 具身智能, about = ["VLA",
    机器人操作], name = 3D视觉), else None: tomllib only says 'Invalid value' there."""
    before = line[:at].rstrip()
    if (before.endswith(("[", ",")) or not before) and line[at:at + 1].isalpha():  # in an array: quote every item
        start = line.rfind("[", 0, at) + 1
        return line[:start] + _ITEM.sub(lambda m: _quote_bare(m[0]), line[start:])
    key, eq, value = line.partition("=")
    value = value.split("#")[0].strip()
    if not eq or not value or value[0] in "\"'[{" or _quote_bare(value) == value:
        return None
    return f"{key.strip()} = {_quote_bare(value)}"


_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^,\[\]"\']+')  # a quoted string, or what lies between commas


def _quote_bare(item: str) -> str:
    """A bare word of text in double quotes (JSON's escapes are TOML's), keeping the spaces around it; anything else,
    a number or true, as it is."""
    text = item.strip()
    if not text[:1].isalpha() and not (text[:1].isdigit() and any(c.isalpha() for c in text)) \
            or text.lower() in ("true", "false"):
        return item
    return item.replace(text, json.dumps(text, ensure_ascii=False), 1)


# arXiv's archives: a feed of its own each, and the categories without a dot (quant-ph, hep-th, gr-qc, ...)
_ARCHIVES = frozenset({"astro-ph", "cond-mat", "cs", "econ", "eess", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th",
                       "math", "math-ph", "nlin", "nucl-ex", "nucl-th", "physics", "q-bio", "q-fin", "quant-ph", "stat"})
# the archives whose subject classes are written in lower case (physics.optics, cond-mat.stat-mech); the
# others with subject classes write them as two capitals (math.AG, stat.ML), cs's being these
_LOWER_CLASSES = frozenset({"physics", "cond-mat"})
_UPPER_CLASSES = frozenset({"astro-ph", "cs", "econ", "eess", "math", "nlin", "q-bio", "q-fin", "stat"})
_CS_CLASSES = frozenset({"AI", "AR", "CC", "CE", "CG", "CL", "CR", "CV", "CY", "DB", "DC", "DL", "DM", "DS", "ET",
                         "FL", "GL", "GR", "GT", "HC", "IR", "IT", "LG", "LO", "MA", "MM", "MS", "NA", "NE", "NI",
                         "OH", "OS", "PF", "PL", "RO", "SC", "SD", "SE", "SI", "SY"})


def _is_category(name: str) -> bool:
    archive, dot, subject = name.partition(".")
    if not dot:
        return archive in _ARCHIVES
    if archive in _LOWER_CLASSES:
        return subject.islower() and subject.replace("-", "").isalpha()
    if archive == "cs":
        return subject in _CS_CLASSES
    return archive in _UPPER_CLASSES and len(subject) == 2 and subject.isalpha() and subject.isupper()


def _category_like(name: str) -> str | None:
    """The category a wrongly capitalised name means (cs.lg: cs.LG), if any."""
    archive, dot, subject = name.lower().partition(".")
    guess = archive + dot + (subject.upper() if archive in _UPPER_CLASSES else subject)
    return guess if guess != name and _is_category(guess) else None


def parse_profile(raw: dict[str, Any], where: str = "profile") -> Profile:
    problems: list[str] = []
    problems += _unknown_keys(raw, _TOP_KEYS, "")
    names: dict[str, str] = {}
    fields = _parse_fields(raw.get("fields"), "fields", problems, names, required=True)
    problems += _named_like_other(names, raw.get("language", "zh"))
    avoid = _parse_fields(raw.get("avoid", []), "avoid", problems, names, required=False)
    language = raw.get("language", "zh")
    if language not in ("zh", "en"):
        problems.append(f"language: must be \"zh\" or \"en\", not {language!r}")
    timezone = raw.get("timezone", "UTC" if language == "en" else "Asia/Shanghai")  # zh: shown as 北京时间
    if not isinstance(timezone, str) or not _is_timezone(timezone):
        problems.append(f"timezone: {timezone!r} is not an IANA time zone such as \"Asia/Shanghai\"")
    categories = _str_list(raw.get("categories", ["cs.CV", "cs.LG", "cs.AI", "cs.RO"]), "categories", problems,
                           at_least_one=True)
    for c in categories:
        if not _is_category(c):
            hint = _category_like(c)
            problems.append(f"categories: {c!r} is not an arXiv category such as \"cs.CV\""
                            + (f": did you mean {hint!r}?" if hint else ""))
    problems += [f"categories: {c!r} appears twice" for c in dict.fromkeys(c for i, c in enumerate(categories)
                                                                             if c in categories[:i])]
    types = _str_list(raw.get("announce_types", ["new"]), "announce_types", problems, at_least_one=True)
    problems += [f"announce_types: {t!r} is not one of {sorted(_ANNOUNCE_TYPES)}" for t in types
                 if t not in _ANNOUNCE_TYPES]
    min_score = raw.get("min_score", 7)
    if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 0 <= min_score <= 10:
        problems.append(f"min_score: must be a number from 0 to 10, not {min_score!r}")
    cap = raw.get("max_per_field")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
        problems.append(f"max_per_field: must be a whole number of at least 1, not {cap!r}")
    llm = _parse_llm(raw["llm"], problems) if "llm" in raw else None
    if problems:
        raise ProfileError(where, problems)
    return Profile(fields=fields, avoid=avoid, categories=tuple(categories), announce_types=tuple(types),
                   min_score=float(min_score), max_per_field=cap, language=language, timezone=timezone, llm=llm)


# what another tool's profile, or a first guess, calls a field's keys
_SAME_AS = {"keywords": "about", "keyword": "about", "tags": "about", "topics": "about", "desc": "description",
            "summary": "description", "title": "name"}


def _unknown_keys(table: dict[str, Any], known: set[str], prefix: str) -> list[str]:
    """`key: unknown key`, naming the known key of the same table it looks like a misspelling or a synonym of."""
    problems = []
    for k in sorted(set(table) - known):
        same = _SAME_AS.get(k.lower())
        close = [same] if same in known else difflib.get_close_matches(k, known, n=1)
        problems.append(f"{prefix}{k}: unknown key" + (f": did you mean {close[0]!r}?" if close else ""))
    return problems


def _is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_SEPARATOR = re.compile(r"[,;，、；]")  # between the items of a list written as one string


def _str_list(value: Any, key: str, problems: list[str], at_least_one: bool = False) -> list[str]:
    if isinstance(value, str) and (items := [v.strip() for v in _SEPARATOR.split(value) if v.strip()]):
        # about = "视觉语言模型，VLM": a list written as text
        problems.append(f"{key}: must be a list of non-empty strings, in square brackets: {_as_list(key, items)}"
                        + (" (a sentence about the field goes in description)" if key.endswith(".about") else ""))
        return []
    if (not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value)
            or (at_least_one and not value)):
        problems.append(f"{key}: must be a list of non-empty strings" + (", at least one" if at_least_one else ""))
        return []
    if key.endswith(".about") and (several := next((v for v in value if _FULL_WIDTH_SEPARATOR.search(v)), None)):
        # about = ["视觉语言模型，多模态大模型"], typed with Chinese commas between the keywords
        items = [w.strip() for v in value for w in _FULL_WIDTH_SEPARATOR.split(v) if w.strip()]
        problems.append(f"{key}: {several.strip()!r} is several keywords in one string: quote each, "
                        f"{_as_list(key, items)}")
        return []
    return [v.strip() for v in value]


_FULL_WIDTH_SEPARATOR = re.compile(r"[，、；]")


def _as_list(key: str, items: list[str]) -> str:
    return f"{key.rpartition('.')[2]} = [{', '.join(json.dumps(v, ensure_ascii=False) for v in items)}]"


def _parse_fields(value: Any, key: str, problems: list[str], names: dict[str, str],
                  required: bool) -> tuple[Field, ...]:
    """The [[fields]] or [[avoid]] tables; `names` holds every name taken so far (name: where), and gets theirs."""
    if not isinstance(value, list) or (required and not value):
        problems.append(f"{key}: must be a list of [[{key}]] tables" + (", at least one" if required else ""))
        return ()
    out = []
    for i, item in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a table with name, about, description")
            continue
        problems += _unknown_keys(item, _FIELD_KEYS, f"{where}.")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}.name: missing; every {key[:-1] if key == 'fields' else key} needs a name")
            continue
        name = name.strip()
        if name in names:
            also = "" if names[name].startswith(f"{key}[") else f", also as {names[name]}"
            problems.append(f"{where}.name: {name!r} appears twice{also}")
        names.setdefault(name, f"{where}.name")
        about = [_half_width(a) for a in _str_list(item.get("about", []), f"{where}.about", problems)]
        description = item.get("description", "")
        if not isinstance(description, str):
            problems.append(f"{where}.description: must be a string" + (
                ", in quotes (keywords go in a list in about)" if isinstance(description, list) else ""))
            description = ""
        out.append(Field(name, tuple(about), _half_width(description)))
    return tuple(out)


# a Chinese input method in full-width mode types ＬｏＲＡ: letters and digits the word matcher does not read
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c - 0xFEE0).isalnum()}


def _half_width(text: str) -> str:
    """Keywords and descriptions with letters and digits as papers write them, and single spaces (the full-width
    one, a line break) between words."""
    return " ".join(text.translate(_HALF_WIDTH).split())


def _named_like_other(names: dict[str, str], language: Any) -> list[str]:
    """A field titled like the digest's section for papers of no field of the profile: two sections, one title."""
    if language not in ("zh", "en"):
        return []
    from .render.wording import text  # here, not at the top: the render package loads jinja2
    other = text(language, "other")
    return [f"{where}: {name!r} is the title of the digest's section for papers of no field of the profile: give "
            "this field another name" for name, where in names.items() if name.casefold() == other.casefold()]


def _base_url_problems(url: str) -> list[str]:
    """What is wrong with llm.base_url; a URL that carries a secret is never repeated, since the line would print it."""
    try:
        parts = urlsplit(url if "//" in url else "//" + url)
    except ValueError as e:  # an unclosed [IPv6] bracket
        return [f"llm.base_url: not a URL ({e})"]
    if "@" in parts.netloc:  # the client would send it as a password instead of the key, and errors would show it
        return ["llm.base_url: has a user name or password in it (user:password@host): remove it; the key goes in "
                "an environment variable, named in llm.api_key_env"]
    if any(_SECRET_WORDS.search(name) for name, _ in parse_qsl(parts.query, keep_blank_values=True)):
        # Azure's ?api-version= is sent with every request; a token there would be repeated in every failure line
        return ["llm.base_url: has a key or token in its query string (?...): remove it; a key goes in an "
                "environment variable, named in llm.api_key_env"]
    found = [] if url.startswith(("http://", "https://")) else [
        f"llm.base_url: must start with http:// or https://, not {url!r}"]
    if (path := url.split("?")[0].rstrip("/")).endswith("/chat/completions"):
        query = f"?{parts.query}" if parts.query else ""  # Azure's target URI: its ?api-version= is still needed
        found.append(f"llm.base_url: leave out /chat/completions, which the client adds itself: "
                     f"{path.removesuffix('/chat/completions') + query!r}")
    elif is_azure_deployment(url) and "api-version" not in dict(parse_qsl(parts.query)):
        found.append(f"llm.base_url: an Azure OpenAI deployment URL needs its API version: add it, as in "
                     f"'{path}?api-version=2024-10-21'")
    return found


def is_azure_deployment(base_url: str) -> bool:
    """A classic Azure OpenAI deployment (https://NAME.openai.azure.com/openai/deployments/DEPLOYMENT?api-version=...),
    which wants its key in an api-key header; Azure's /openai/v1 takes it as a Bearer token, as OpenAI does."""
    return re.search(r"/openai/deployments/[^/]+/?$", urlsplit(base_url).path) is not None


def _looks_like_a_key(name: str) -> bool:
    """Not the name of an environment variable but a key: one with characters no variable name has (sk-..., an Ark
    key's UUID), or a long mix of capitals, small letters and digits (gsk_..., AIza...), as variables are not named."""
    if not _VARIABLE_NAME.fullmatch(name):
        return True
    return len(name) >= 32 and not name.isupper() and not name.islower() and any(c.isdigit() for c in name)


def _parse_llm(value: Any, problems: list[str]) -> LLMSettings | None:
    if not isinstance(value, dict):
        problems.append("llm: must be a table [llm]")
        return None
    # a key under a name of its own; not a variable's name under a misspelt api_key_env, which is only unknown
    secrets = sorted(k for k, v in value.items()
                     if k not in _LLM_KEYS and _SECRET_WORDS.search(k) and isinstance(v, str) and _looks_like_a_key(v))
    problems += [f"llm.{k}: a key does not go in the profile: put it in an environment variable (export "
                 f"ARK_API_KEY=...) and name that variable in llm.api_key_env (api_key_env = \"ARK_API_KEY\")"
                 for k in secrets]
    problems += _unknown_keys({k: v for k, v in value.items() if k not in secrets}, _LLM_KEYS, "llm.")
    # a space pasted with a name is no part of it: ' deepseek-chat' is no model, 'https://.../v1 ' posted to /v1%20
    value = {k: v.strip() if k in _NAMES and isinstance(v, str) else v for k, v in value.items()}
    for k in ("base_url", "model"):
        if not isinstance(value.get(k), str) or not value[k]:
            problems.append(f"llm.{k}: missing; give the endpoint's {k.replace('_', ' ')}")
    if "api_key_env" in value and (not isinstance(value["api_key_env"], str) or not value["api_key_env"]):
        problems.append("llm.api_key_env: name the environment variable that holds the key, or leave the key out "
                        "for an endpoint that asks for none (Ollama, vLLM)")
    if isinstance(value.get("base_url"), str):
        problems += _base_url_problems(value["base_url"])
    key_env = value.get("api_key_env")
    if isinstance(key_env, str) and (reference := _VARIABLE_REFERENCE.fullmatch(key_env)):
        problems.append(f"llm.api_key_env: the variable's name alone, as in api_key_env = "
                        f"\"{reference[1] or reference[2]}\" (paperradar reads the variable itself)")
    elif isinstance(key_env, str) and key_env and _looks_like_a_key(key_env):
        problems.append("llm.api_key_env: name the environment variable that holds the key (letters, digits and _, "
                        "such as ARK_API_KEY), not the key itself")
    ints = {"concurrency": (1, 64), "batch_size": (1, 200), "max_retries": (0, 10),
            "daily_token_budget": (1, 10**10)}
    for k, (lo, hi) in ints.items():
        v = value.get(k)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi):
            problems.append(f"llm.{k}: must be a whole number from {lo} to {hi}, not {v!r}")
    t = value.get("timeout_s")
    if t is not None and (isinstance(t, bool) or not isinstance(t, (int, float)) or t <= 0):
        problems.append(f"llm.timeout_s: must be a positive number of seconds, not {t!r}")
    r = value.get("prefilter_keep_rate")
    if r is not None and (isinstance(r, bool) or not isinstance(r, (int, float)) or not 0 < r <= 1):
        problems.append(f"llm.prefilter_keep_rate: must be a number in (0, 1], not {r!r}")
    for k in ("json_mode", "thinking"):
        if (v := value.get(k)) is not None and not isinstance(v, bool):
            problems.append(f"llm.{k}: must be true or false, not {v!r}")
    if any(p.startswith("llm") for p in problems):
        return None
    return LLMSettings(**{k: value[k] for k in _LLM_KEYS if k in value})
