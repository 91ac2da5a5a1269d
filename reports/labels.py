"""The words of the province's tables: the names the vocabulary gives the codes, and how sentences say them.

They come from the one vocabulary (protocol/vocabulary.json), which the server reads too. A code not
listed there is shown as itself.
"""

from __future__ import annotations

from protocol.vocabulary import vocabulary

_VOCABULARY = vocabulary()
CHANNELS = _VOCABULARY["channel"].labels()
REQUEST_TYPES = _VOCABULARY["request_type"].labels()
REASONS = _VOCABULARY["dissatisfaction_reason"].labels()
# How the bulletin names the channels in its sentence ("tiếp nhận qua điện thoại: 2.010 ý kiến, ...").
CHANNELS_IN_TEXT = {term.code: term.in_text or term.label for term in _VOCABULARY["channel"].terms}


def label(labels: dict[str, str], code: str) -> str:
    return labels.get(code, code)
