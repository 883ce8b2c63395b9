"""The one bilingual error: what went wrong, in Chinese and in English.

Every error a person meets carries both messages; `str()` gives the one format the command line prints
(`digecon: <中文> / <English>`), so a caller never assembles the two itself.
"""

from __future__ import annotations


class BilingualError(Exception):
    """An error explained in Chinese and English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


class BadLimitSetting(BilingualError, ValueError):
    """A limit set in the environment that is not a positive number."""

    def __init__(self, variable: str, text: str, *, whole: bool = True) -> None:
        super().__init__(f"环境变量 {variable}={text!r} 不是{'正整数' if whole else '正数'}",
                         f"the environment variable {variable}={text!r} is not a positive "
                         f"{'whole number' if whole else 'number'}")
