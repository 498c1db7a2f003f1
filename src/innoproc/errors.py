"""The one error type for bad input: it names where the problem is."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be used: a file that does not parse, a setting of the wrong type,
    a statement outside a source graph. The message names the file (and line and column, or
    resource, where known)."""
