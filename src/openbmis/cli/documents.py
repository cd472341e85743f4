"""``openbmis documents export --out bundle.zip`` / ``openbmis documents import bundle.zip``: the reference
library and fraud alerts between headquarters and border posts, as a signed bundle (see docs/documents.md).

Exit status: 0 done, 1 bundle refused (altered, wrong signer, not a bundle: nothing applied), 2 unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("documents", help="document reference library and fraud alerts: signed bundles")
    sub = parser.add_subparsers(dest="documents_command", metavar="ACTION", required=True)
    p = sub.add_parser("export", help="at headquarters: write the library and the alerts as a signed bundle")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.set_defaults(handler=cmd_export)
    p = sub.add_parser("import", help="at a post: verify a bundle's signature and apply it")
    p.add_argument("bundle", type=Path, metavar="FILE")
    p.add_argument("--public-key", type=Path, metavar="PEM",
                   help="headquarters' public key (default: the .pub beside OPENBMIS_DOCUMENTS_SIGNING_KEY_FILE)")
    p.set_defaults(handler=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    from openbmis.cli.server import setup_django

    setup_django()
    from openbmis.documents import bundle

    data = bundle.export_bundle()
    args.out.write_bytes(data)
    print(json.dumps({"out": str(args.out), "bytes": len(data)}))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from openbmis.cli.server import setup_django

    setup_django()
    from django.conf import settings

    from openbmis.audit import anchors
    from openbmis.documents import bundle

    key_path = args.public_key or anchors.public_key_path(Path(settings.OPENBMIS_DOCUMENTS_SIGNING_KEY_FILE))
    try:
        data = args.bundle.read_bytes()
        trusted = anchors.load_public_key(key_path)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        counts = bundle.import_bundle(data, trusted)
    except bundle.BundleRefused as exc:
        print(f"error: bundle refused: {exc.message}", file=sys.stderr)
        return 1
    print(json.dumps(counts))
    return 0
