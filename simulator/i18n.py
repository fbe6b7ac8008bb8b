"""UI strings in zh-CN and en-US, kept as data in ui_text.yaml so translators never touch code.

Chinese is the first language: a key missing in English falls back to Chinese, never to the key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

LANGS: tuple[str, ...] = ("zh-CN", "en-US")
DEFAULT_LANG = "zh-CN"
LANG_NAMES: dict[str, str] = {"zh-CN": "中文", "en-US": "English"}
_TEXT_FILE = Path(__file__).with_name("ui_text.yaml")


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """key -> {lang: text}, loaded once."""
    data = yaml.safe_load(_TEXT_FILE.read_text(encoding="utf-8")) or {}
    return {str(k): {str(lang): str(v) for lang, v in (d or {}).items()} for k, d in data.items()}


def norm_lang(lang: str | None) -> str:
    """Accept 'zh', 'zh-CN', 'en', 'en-US', '中文', 'English'; default Chinese."""
    if not lang:
        return DEFAULT_LANG
    for code, name in LANG_NAMES.items():
        if lang in (code, name) or lang.lower().startswith(code[:2]):
            return code
    return DEFAULT_LANG


def t(key: str, lang: str | None = None, **slots: object) -> str:
    """The text for `key` in `lang`, with {slots} filled; an unknown key is returned as-is."""
    entry = strings().get(key)
    if entry is None:
        return key
    lang = norm_lang(lang)
    text = entry.get(lang) or entry.get(DEFAULT_LANG) or key
    return text.format(**slots) if slots else text


def missing() -> list[str]:
    """Keys that lack a language: tests keep this empty."""
    return [f"{k} [{lang}]" for k, d in strings().items() for lang in LANGS if not d.get(lang)]
