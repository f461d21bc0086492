"""What an import tells the person who fixes the file: an English msgid and its values.

The services speak English, as a ServiceError does: ``str(message)`` is the English text
the command line prints. The web translates ``msgid`` with its catalogue and only then
fills in ``params`` (aidregistry/web/imports/views.py), so a cell's own text is never read
as a format string and never looked up in the catalogue. Every msgid is written as a
literal where it is raised, so that aidregistry/web/vocabulary.py can list it for
extraction (tests/functional/test_i18n.py checks that the lists agree).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    """An English text with ``%(name)s`` placeholders, and the values that fill them."""

    msgid: str
    params: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.msgid % self.params if self.params else self.msgid


def message(msgid: str, **params: object) -> Message:
    """A message whose values are shown as text (numbers formatted by the caller)."""
    return Message(msgid, {name: str(value) for name, value in params.items()})
