"""One error hierarchy for the whole SDK.

Every error a caller can act on is a :class:`DualprevError`. The gateway maps each kind to one gRPC status
code in a single place, so the kinds here are chosen to match the canonical gRPC codes (AIP-193):
``InvalidArgument`` → INVALID_ARGUMENT, ``NotFound`` → NOT_FOUND, ``AlreadyExists`` → ALREADY_EXISTS,
``FailedPrecondition`` → FAILED_PRECONDITION, ``ConcurrencyConflict`` → ABORTED,
``PermissionDenied`` → PERMISSION_DENIED.

Messages always say which field, which value and which rule, because the people reading them are safety
officers fixing a spreadsheet row, not developers reading a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = [
    "AlreadyExists",
    "ConcurrencyConflict",
    "DualprevError",
    "FailedPrecondition",
    "FieldViolation",
    "InvalidArgument",
    "NotFound",
    "PermissionDenied",
]


@attrs.frozen
class FieldViolation:
    """One broken rule on one field.

    ``field`` is a dotted path (``equipment[3].parameters.rated_load_kg``), ``value`` the offending value as
    given, ``rule`` a short machine-readable rule name (``uscc.check_character``) and ``message`` a sentence
    for a person.
    """

    field: str
    value: Any
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}={self.value!r}: {self.message} [{self.rule}]"

    def prefixed(self, prefix: str) -> FieldViolation:
        """The same violation under a parent path (``row[12]`` + ``uscc`` → ``row[12].uscc``)."""
        if not prefix:
            return self
        sep = "" if self.field.startswith("[") else "."
        field = f"{prefix}{sep}{self.field}" if self.field else prefix
        return attrs.evolve(self, field=field)


class DualprevError(Exception):
    """Base of every error the SDK raises on purpose.

    ``reason`` is a stable UPPER_SNAKE code (it becomes ``ErrorInfo.reason`` on the wire) and ``metadata``
    carries the identifiers involved.
    """

    reason: str = "DUALPREV_ERROR"

    def __init__(self, message: str, *, reason: str | None = None, metadata: Mapping[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason
        self.metadata: dict[str, str] = dict(metadata or {})

    def __str__(self) -> str:
        return self.message


class InvalidArgument(DualprevError, ValueError):
    """Input broke one or more rules; ``violations`` lists every one of them, not just the first."""

    reason = "INVALID_ARGUMENT"

    def __init__(
        self,
        violations: Iterable[FieldViolation] | FieldViolation,
        message: str | None = None,
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ):
        if isinstance(violations, FieldViolation):
            violations = [violations]
        self.violations: list[FieldViolation] = list(violations)
        if message is None:
            if len(self.violations) == 1:
                message = str(self.violations[0])
            else:
                lines = "\n".join(f"  - {v}" for v in self.violations)
                message = f"{len(self.violations)} invalid fields:\n{lines}"
        super().__init__(message, reason=reason, metadata=metadata)

    @classmethod
    def single(cls, field: str, value: Any, rule: str, message: str) -> InvalidArgument:
        """Shorthand for the common one-field case."""
        return cls([FieldViolation(field=field, value=value, rule=rule, message=message)])

    def prefixed(self, prefix: str) -> InvalidArgument:
        """The same error with every field path placed under ``prefix``."""
        return InvalidArgument(
            [v.prefixed(prefix) for v in self.violations], reason=self.reason, metadata=self.metadata
        )


class NotFound(DualprevError):
    """The named resource does not exist (or the caller may not know that it does)."""

    reason = "NOT_FOUND"

    def __init__(self, kind: str, key: str, message: str | None = None):
        self.kind = kind
        self.key = key
        super().__init__(message or f"{kind} {key!r} not found", metadata={"kind": kind, "key": key})


class AlreadyExists(DualprevError):
    """Creating a resource whose natural key is taken."""

    reason = "ALREADY_EXISTS"

    def __init__(self, kind: str, key: str, message: str | None = None):
        self.kind = kind
        self.key = key
        super().__init__(message or f"{kind} {key!r} already exists", metadata={"kind": kind, "key": key})


class FailedPrecondition(DualprevError):
    """The request is well-formed but the system is not in a state that allows it.

    State machines raise this naming the current state and the commands that *are* allowed.
    """

    reason = "FAILED_PRECONDITION"


class ConcurrencyConflict(DualprevError):
    """An optimistic-concurrency check lost a race: somebody changed the record first. Re-read and retry."""

    reason = "CONCURRENCY_CONFLICT"

    def __init__(self, kind: str, key: str, expected_version: int, message: str | None = None):
        self.kind = kind
        self.key = key
        self.expected_version = expected_version
        super().__init__(
            message
            or f"{kind} {key!r} was changed by someone else (expected version {expected_version}); re-read and retry",
            metadata={"kind": kind, "key": key, "expected_version": str(expected_version)},
        )


class PermissionDenied(DualprevError):
    """The caller is authenticated but outside the scope of the resource or action."""

    reason = "PERMISSION_DENIED"
