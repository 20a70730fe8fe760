"""Model fields that more than one app needs."""

from django.db import models


class SearchKeyField(models.CharField):
    """Text a record derives from what people typed, for search and matching (pinyin, initials, a
    company name key), which nobody types or sees. It is cut to its column wherever it is cleaned,
    stored or compared: the text it comes from may spell out to more (200 Chinese characters are
    up to 1,200 letters of pinyin), and a refused key would refuse a record nobody could correct.
    A search needs only a key's start, and a stored key and a looked-up one are cut alike."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return self._fitted(super().to_python(value))

    def get_prep_value(self, value):
        return self._fitted(super().get_prep_value(value))

    def _fitted(self, value):
        return value[: self.max_length] if isinstance(value, str) else value
