"""The errors sse-graph raises, each mapped by the CLI to a documented exit code.

Exit codes (the CLI contract, in the README): 0 an answer, an empty one included;
1 a failed check (violations, inconsistency); 2 bad input or usage (a file, an
option, a date, a query, an organisation nobody has); 3 an environment problem
(a port in use, a store that cannot be reached).
"""
from __future__ import annotations

__all__ = [
    "SSEGraphError",
    "InputError",
    "ParseError",
    "QueryError",
    "NotFoundError",
    "AmbiguousNameError",
    "InconsistencyError",
    "ValidationFailed",
    "EnvironmentProblem",
]


class SSEGraphError(Exception):
    """Base class of every error sse-graph reports to a user."""

    exit_code = 1


class InputError(SSEGraphError):
    """Bad input from the user: a file, an option, a name. Exit code 2."""

    exit_code = 2


class ParseError(InputError):
    """A data file that cannot be read as RDF, with its position.

    ``str(error)`` reads ``file:line:column: message``.
    """

    def __init__(self, path: str, line: int | None, column: int | None, message: str):
        self.path, self.line, self.column, self.message = str(path), line, column, message
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class QueryError(InputError):
    """A SPARQL query that cannot be parsed or is refused."""


class NotFoundError(InputError):
    """Nothing matches what the user named (an organisation, an IRI). Exit code 2."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        self.suggestions = suggestions or []
        super().__init__(message)


class AmbiguousNameError(InputError):
    """Several organisations match a name equally well. Exit code 2."""

    def __init__(self, message: str, candidates: list[tuple[str, str]]):
        self.candidates = candidates
        super().__init__(message)


class InconsistencyError(SSEGraphError):
    """The reasoner found the data inconsistent; nothing is published."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("the data is inconsistent:\n  " + "\n  ".join(messages))


class ValidationFailed(SSEGraphError):
    """The data does not conform to the shapes or a violation query returned rows."""

    def __init__(self, report, result=None):
        self.report = report
        self.result = result  # the rejected build (readable, not served as good), when one was written
        super().__init__(f"{report.violation_count} violation(s)")


class EnvironmentProblem(SSEGraphError):
    """Not the user's input nor the data: a port in use, a store that cannot be reached. Exit code 3."""

    exit_code = 3
