"""Chinese text to search terms with jieba, for matching skills and requirements.

jieba loads its dictionary once per process (about a second), on first use. Terms are lower-case,
at least two characters for Chinese (one-character words such as "的" or "及" match anything) and
two for Latin words, without punctuation or stop words, in first-seen order and without repeats.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache

_lock = threading.Lock()
_tokenizer = None
_WORD = re.compile(r"[\w\u4e00-\u9fff]+")
STOP_WORDS = frozenset(
    {
        # Work attitude and conditions, common in requirements but not skills.
        "按时",
        "上下班",
        "服从",
        "安排",
        "服从安排",
        "吃苦耐劳",
        "认真",
        "踏实",
        "身体健康",
        "责任心",
        "经验者",
        "能够",
        "能力",
        "具有",
        "具备",
        "熟悉",
        "熟练",
        "掌握",
        "相关",
        "以上",
        "优先",
        "要求",
        "工作",
        "经验",
        "使用",
        "可以",
        "进行",
        "负责",
        "良好",
        "一定",
        "岗位",
        "人员",
        "以及",
        "或者",
    }
)


def _jieba():  # noqa: ANN202
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


@lru_cache(maxsize=4096)
def terms(text: str) -> tuple[str, ...]:
    """The distinct search terms of a text, in order."""
    text = (text or "").strip().lower()
    if not text:
        return ()
    seen: dict[str, None] = {}
    for word in _jieba().lcut(text):
        word = word.strip()
        if len(word) < 2 or word in STOP_WORDS or not _WORD.fullmatch(word) or word.isdigit():
            continue
        seen.setdefault(word, None)
    return tuple(seen)


def terms_of(texts: Iterable[str]) -> tuple[str, ...]:
    """The distinct terms of several texts (tags, a title, a paragraph) together."""
    seen: dict[str, None] = {}
    for text in texts:
        for term in terms(text):
            seen.setdefault(term, None)
    return tuple(seen)
