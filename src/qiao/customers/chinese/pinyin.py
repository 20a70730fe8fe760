"""Pinyin for search (CUS-6)."""

import re
import unicodedata

from pypinyin import lazy_pinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower case without separators: 杭州西湖 → ('hangzhouxihu', 'hzxh').
    Letters and digits in the text stay as they are."""
    text = unicodedata.normalize("NFKC", text or "")
    syllables = [s for s in lazy_pinyin(text, errors=lambda chunk: list(chunk)) if s.strip()]
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s[0].isalnum()).lower()
    return re.sub(r"[^0-9a-z]", "", full), re.sub(r"[^0-9a-z]", "", initials)
