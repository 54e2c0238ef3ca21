"""Every error paperradar raises on purpose. The CLI turns each into one line for people.

    PaperRadarError
    ├── ProfileError           the profile file is missing or invalid (one `key: what is wrong` line each)
    ├── SourceError            papers could not be read
    │   ├── ArxivUnavailable   arXiv could not be reached or kept refusing (carries url, attempts, status)
    │   └── BadInputFile       a JSONL/BibTeX/id file is malformed (carries path and line)
    ├── StoreError             the SQLite store is unusable (e.g. written by a newer paperradar)
    ├── ScorerError            a scorer could not run at all
    │   ├── MissingAPIKey      the environment variable named by the profile is empty
    │   └── LLMError           the endpoint failed for good (carries url, status, attempts, timed_out, unread)
    │       ├── NoCredit       the key's account has no quota or balance left, or none today: no request will pass
    │       ├── KeyRefused     the endpoint refused the key, or its use of the model: nor will it at another request
    │       ├── NotServed      no chat completions at llm.base_url, or no llm.model there that can answer: nor will it
    │       ├── Unreachable    nothing listens at llm.base_url, or its host is not known: nor will it be within a run
    │       └── PromptTooLong  the batch is longer than the model's context (carries its limit and our count)
    └── RenderError            a digest could not be written
"""

from __future__ import annotations

import re

from .causes import Cause
from .english import plural


class PaperRadarError(Exception):
    """Base of every error paperradar raises on purpose."""


class ProfileError(PaperRadarError):
    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


class SourceError(PaperRadarError):
    pass


class ArxivUnavailable(SourceError):
    def __init__(self, url: str, attempts: int, status: int | None = None, detail: str = ""):
        self.url, self.attempts, self.status = url, attempts, status
        what = (f"HTTP {status}" + (f" ({detail})" if detail else "")) if status else (detail or "no answer")
        super().__init__(f"arXiv could not be reached at {_shown(url)} after {attempts} "
                         f"{plural(attempts, 'attempt')}: {what}")


_ID_LIST_RE = re.compile(r"(?<=id_list=)[^&]+", re.IGNORECASE)


def _shown(url: str) -> str:
    """The url with its list of ids cut to the first: an imported library's hundred made a 1,300-character line."""
    def cut(m: re.Match[str]) -> str:
        ids = re.split(r",|%2C", m.group(), flags=re.IGNORECASE)
        return f"{ids[0]},... ({len(ids)} ids)" if len(ids) > 3 else m.group()
    return _ID_LIST_RE.sub(cut, url)


class BadInputFile(SourceError):
    def __init__(self, path: str, line: int | None, problem: str):
        self.path, self.line = path, line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")


class StoreError(PaperRadarError):
    pass


class ScorerError(PaperRadarError):
    pass


class MissingAPIKey(ScorerError):
    def __init__(self, env_var: str):
        self.env_var = env_var
        self.cause = Cause("missing_key", env_var=env_var)
        super().__init__(self.cause)


class LLMError(ScorerError):
    """`what` is what happened and what to do, as in 'refused the request (HTTP 401: ...): check the key in ...';
    `cause` says the whole of it, endpoint first, in any language a digest speaks."""

    def __init__(self, url: str, what: Cause, status: int | None = None, attempts: int = 1, timed_out: int = 0,
                 unread: int = 0):
        self.url, self.status, self.attempts, self.what = url, status, attempts, what
        self.timed_out = timed_out  # attempts we stopped waiting for: the endpoint may still have billed them
        self.unread = unread  # answers we stopped reading (too large, too slow): billed too, as far as we know
        self.cause = Cause("endpoint", url=url, what=what)
        super().__init__(self.cause)


class NoCredit(LLMError):
    """The endpoint refused because the account has nothing left to spend, or nothing more today (a limit per day):
    every other request would be too."""


class KeyRefused(LLMError):
    """The endpoint refused the key (HTTP 401), or what the key may use (a 403 in the endpoint's own JSON): it will
    refuse every other request of the run too."""


class NotServed(LLMError):
    """The endpoint has no chat completions at the profile's base_url, or no model of its name, or one without a chat
    template or whose template refuses the prompt's system message, or one larger than the memory it has free: no
    request will pass."""


class Unreachable(LLMError):
    """The endpoint's host refused the connection (a server not started, the wrong port), or no name service knows
    the host (a mistyped URL): no request will pass within a run."""


class PromptTooLong(LLMError):
    """The endpoint refused a prompt longer than the model's context: the same papers fit in smaller batches."""

    def __init__(self, url: str, what: Cause, status: int | None = None, limit: int | None = None,
                 requested: int | None = None):
        self.limit, self.requested = limit, requested  # tokens, as the endpoint said (None where it did not)
        super().__init__(url, what, status)


class RenderError(PaperRadarError):
    pass
