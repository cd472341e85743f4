"""The ``openbmis`` console script.

Every module in :mod:`openbmis.cli` that defines ``register(subparsers)`` contributes its
subcommands; the parser is assembled by discovery so that a new capability adds a module
and touches nothing else.  Handlers are set with ``parser.set_defaults(handler=...)`` and
return the process exit status.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import openbmis
import openbmis.cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openbmis",
        description="OpenBMIS: Border Management Information System",
    )
    parser.add_argument("--version", action="version", version=f"openbmis {openbmis.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(openbmis.cli.__path__), key=lambda m: m.name):
        if info.name == "main":
            continue
        module = importlib.import_module(f"openbmis.cli.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
