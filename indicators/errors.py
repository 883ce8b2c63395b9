"""One kind of error a person reads: a message in Chinese and in English, shown as `中文 / English`."""

from __future__ import annotations


class BilingualError(Exception):
    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en
