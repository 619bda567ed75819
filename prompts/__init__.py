"""Prompt texts as files, and the one way third-party text is shown to a model.

- ``load_prompt(name)`` reads ``prompts/<name>.md`` through ``importlib.resources`` (works
  from a source checkout, an installed wheel or a zip).
- ``wrap_untrusted(source, text)`` puts third-party text (posts, bios, emails, tool results
  that contain them) in a delimited data block the model is told never to obey
  (``untrusted_data.md``). Every ``<`` and ``>`` inside the text — and their Unicode
  look-alikes — is escaped, so the text cannot close the block or open a fake one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

__all__ = ["DATA_CLOSE", "DATA_TAG", "available_prompts", "load_prompt", "wrap_untrusted"]

DATA_TAG = "untrusted_data"
DATA_CLOSE = f"</{DATA_TAG}>"

# Characters a model might read as an angle bracket. ASCII ones become HTML entities (a
# model reads "&lt;" as "<" when it has to, but it can never be a tag); look-alikes become
# the same entities so a fullwidth "＜/untrusted_data＞" is no more a tag than an ASCII one.
_OPENERS = "<\uff1c\ufe64\u2039\u3008\u2329\u27e8\u276c\u276e\u02c2"
_CLOSERS = ">\uff1e\ufe65\u203a\u3009\u232a\u27e9\u276d\u276f\u02c3"
_ESCAPES = {ord(c): "&lt;" for c in _OPENERS} | {ord(c): "&gt;" for c in _CLOSERS}
# Zero-width and bidi control characters could hide or reorder a delimiter; drop them.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SOURCE_SAFE = re.compile(r"[^A-Za-z0-9 _.:@/#\-]")


@lru_cache(maxsize=32)
def load_prompt(name: str) -> str:
    """The text of ``prompts/<name>.md`` (``name`` without the extension).

    Raises ``FileNotFoundError`` with the list of available prompts for an unknown name.
    """
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"invalid prompt name {name!r}")
    path = resources.files(__package__).joinpath(f"{name}.md")
    if not path.is_file():
        raise FileNotFoundError(f"no prompt {name!r}; available: {', '.join(available_prompts())}")
    return path.read_text(encoding="utf-8")


def available_prompts() -> list[str]:
    """Names of every prompt file in this package, sorted."""
    return sorted(p.name[:-3] for p in resources.files(__package__).iterdir() if p.name.endswith(".md"))


def _neutralise(text: str) -> str:
    return _INVISIBLE.sub("", text).translate(_ESCAPES)


def wrap_untrusted(source: str, text: str) -> str:
    """Wrap third-party ``text`` in a data block labelled with ``source``.

    The result looks like::

        <untrusted_data source="tool search_creators">
        ...text, with < and > escaped...
        </untrusted_data>

    ``source`` says where the text came from (``"tool search_creators"``,
    ``"email from @ana"``); it is reduced to a safe character set so it cannot break the
    opening tag. Nothing inside the block can end it early or forge another block.
    """
    label = _SOURCE_SAFE.sub("", _neutralise(str(source)))[:80].strip() or "unknown"
    body = _neutralise(str(text))
    return f'<{DATA_TAG} source="{label}">\n{body}\n{DATA_CLOSE}'
