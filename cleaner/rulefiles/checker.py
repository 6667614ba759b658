"""Checking located YAML values against a schema, collecting every problem with its position.

A :class:`Checker` turns :class:`~cleaner.rulefiles.located.Located` values into typed values;
a value of the wrong type is recorded as a problem at its line and column, and checking goes
on, so one run of ``rules check`` lists every mistake in a file.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from cleaner.core.kinds.base import Field
from cleaner.core.rule import ERROR, WARNING, Problem
from cleaner.messages import did_you_mean
from cleaner.rulefiles.located import Located, type_name


class Invalid(Exception):
    """A value that failed a type check; the checker records it and carries on."""

    def __init__(self, at: Located, message: str) -> None:
        super().__init__(message)
        self.at, self.message = at, message


class Checker:
    """Turns located YAML values into typed values, collecting positioned problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        # Keys a did-you-mean already pointed at, per mapping: a missing key that was merely
        # misspelt is one mistake, so it gets one message (the did-you-mean), not two.
        self.suggested: dict[int, set[str]] = {}

    @property
    def error_count(self) -> int:
        return sum(problem.severity == ERROR for problem in self.problems)

    def error(self, at: Located, message: str) -> None:
        self.problems.append(Problem(self.path, at.line, at.col, message))

    def warn(self, at: Located, message: str) -> None:
        self.problems.append(Problem(self.path, at.line, at.col, message, WARNING))

    def mapping(self, at: Located, what: str, allowed: tuple[str, ...]) -> dict[str, Located] | None:
        """The known keys of a mapping; unknown keys are recorded (with a did-you-mean)."""
        if not isinstance(at.value, dict):
            self.error(at, f"{what} must be a mapping, got {type_name(at.value)}")
            return None
        fields = {}
        for key, (key_at, value_at) in at.value.items():
            if key in allowed:
                fields[key] = value_at
                continue
            hint = difflib.get_close_matches(key, allowed, n=1)
            self.suggested.setdefault(id(at), set()).update(hint)
            self.error(key_at, f"unknown key '{key}' in {what}{did_you_mean(key, allowed)}")
        return fields

    def get(self, fields: dict[str, Located], key: str, convert: Callable[..., Any], *args: Any) -> Any:
        """The converted value of an optional key; None when absent or invalid (recorded)."""
        if key not in fields:
            return None
        try:
            return convert(fields[key], key, *args)
        except Invalid as exc:
            self.error(exc.at, exc.message)
            return None

    def require(
        self,
        at: Located,
        what: str,
        fields: dict[str, Located],
        key: str,
        convert: Callable[..., Any],
        *args: Any,
    ) -> Any:
        """Like :meth:`get`, recording a missing key at the mapping's position."""
        if key not in fields:
            if key not in self.suggested.get(id(at), ()):
                self.error(at, f"{what} is missing '{key}'")
            return None
        return self.get(fields, key, convert, *args)

    # Converters: return the typed value or raise Invalid.

    @staticmethod
    def string(at: Located, key: str, non_empty: bool = True) -> str:
        if isinstance(at.value, bool):  # yes/no/on/off are booleans to YAML
            raise Invalid(at, f"'{key}' must be a string, got a boolean (quote it)")
        if not isinstance(at.value, str):
            raise Invalid(at, f"'{key}' must be a string, got {type_name(at.value)}")
        if non_empty and not at.value.strip():
            raise Invalid(at, f"'{key}' must not be empty")
        return at.value

    @staticmethod
    def choice(at: Located, key: str, allowed: tuple[str, ...]) -> str:
        value = Checker.string(at, key)
        if value not in allowed:
            raise Invalid(
                at, f"unknown {key} '{value}' (one of {', '.join(allowed)}){did_you_mean(value, allowed)}"
            )
        return value

    @staticmethod
    def boolean(at: Located, key: str) -> bool:
        if not isinstance(at.value, bool):
            raise Invalid(at, f"'{key}' must be true or false, got {type_name(at.value)}")
        return at.value

    @staticmethod
    def integer(at: Located, key: str, low: float, high: float) -> int:
        if isinstance(at.value, bool) or not isinstance(at.value, int):
            raise Invalid(at, f"'{key}' must be an integer, got {type_name(at.value)}")
        if not low <= at.value <= high:
            raise Invalid(at, f"'{key}' must be between {low:g} and {high:g}, got {at.value}")
        return at.value

    def string_items(self, at: Located, key: str) -> list[Located] | None:
        """The items of a list of strings; each bad item is recorded."""
        if not isinstance(at.value, list):
            self.error(at, f"'{key}' must be a list of strings, got {type_name(at.value)}")
            return None
        good = []
        for item in at.value:
            try:
                self.string(item, key)
                good.append(item)
            except Invalid as exc:
                self.error(exc.at, exc.message)
        return good

    @staticmethod
    def number(at: Located, key: str, low: float, high: float) -> float:
        if isinstance(at.value, bool) or not isinstance(at.value, int | float):
            raise Invalid(at, f"'{key}' must be a number, got {type_name(at.value)}")
        if not low <= at.value <= high:
            raise Invalid(at, f"'{key}' must be between {low:g} and {high:g}, got {at.value}")
        return at.value

    def field_value(self, at: Located, key: str, spec: Field) -> Any:
        """A kind's field ``key`` converted by its declared type (raises :class:`Invalid`)."""
        if spec.type in ("pattern", "text"):
            return self.string(at, spec.name)
        if spec.type == "boolean":
            return self.boolean(at, spec.name)
        if spec.type == "choice":
            return self.choice(at, spec.name, spec.choices)
        low = spec.low if spec.low is not None else float("-inf")
        high = spec.high if spec.high is not None else float("inf")
        convert = self.integer if spec.type == "integer" else self.number
        return convert(at, spec.name, low, high)
