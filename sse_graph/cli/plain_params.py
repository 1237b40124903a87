"""Plain option values without pydantic: a fixed cost of every command.

Typer (0.2x) coerces every parameter value through a pydantic ``TypeAdapter``,
and building the first one imports pydantic: about 0.1 s of CPU at each start
of ``sse-graph``, more than a whole fast build of a small graph spends on
reasoning.  Most of our parameters are ``str``, ``bool`` or ``Path`` values
that click already hands over as such; for them the coercion is the identity
(a ``Path`` made from the text, then typer's own path checks).  This module
gives those parameters that coercion and leaves every other value — and any
value not of the plain kind — to typer's own (``_fallback``), so the values
and the error messages stay typer's.  With a typer that has no such internals
it does nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["plain_coercion"]

try:  # typer's runtime coercion (0.2x); absent in older typers, which need none of this
    from typer._coercion import RuntimeParam, build_runtime_param, resolve_type_descriptor
    from typer._param_types import coerce_cli_path
except ImportError:  # pragma: no cover
    RuntimeParam = None


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _Plain(RuntimeParam):
        """The identity for a value already of the parameter's plain type; typer's
        own coercion (built on first need) for anything else."""

        def _fallback(self, value, param, ctx):
            real = build_runtime_param(resolve_type_descriptor(self.annotation, self.parameter_info))
            return real._coerce_value(value, param=param, ctx=ctx)

        def _coerce_value(self, value, param, ctx):
            if self.annotation is str and type(value) is str:
                return value
            if self.annotation is bool and isinstance(value, bool):
                return value
            if self.annotation is Path and type(value) is str:
                # what typer's path adapter does: pydantic makes Path(text), then typer checks it
                return coerce_cli_path(Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx)
            return self._fallback(value, param, ctx)


def _plain(descriptor) -> bool:
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return False
    if descriptor.annotation is Path:
        return info.path_type in (None, Path)
    return descriptor.annotation in (str, bool)


def _make_plain(param) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if (descriptor is not None and getattr(param, "_runtime_param", False) is None and not param.multiple
            and param.nargs == 1 and _plain(descriptor)):
        param._runtime_param = _Plain(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)


def _plain_help(command) -> None:
    """The ``--help`` option is made on first need (per command, then kept): make it plain then."""
    made = command.get_help_option

    def get_help_option(ctx):
        option = made(ctx)
        if option is not None:
            _make_plain(option)
        return option

    command.get_help_option = get_help_option


def plain_coercion(command) -> None:
    """Give every plain ``str``/``bool``/``Path`` parameter of ``command`` and its
    subcommands (``--help`` too) the coercion above, in place."""
    if RuntimeParam is None:  # pragma: no cover
        return
    for param in command.params:
        _make_plain(param)
    if hasattr(command, "get_help_option"):
        _plain_help(command)
    for sub in getattr(command, "commands", {}).values():
        plain_coercion(sub)
