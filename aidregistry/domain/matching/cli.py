"""``aidregistry-solve``: read a JSON instance on stdin, write the optimal allocation as JSON.

Exit codes: 0 on success, 2 for a malformed instance (with a one-line message on stderr), 1
when the reader closed the output early.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from aidregistry.domain.matching.certificate import check_certificate
from aidregistry.domain.matching.jsonio import InstanceError, parse_instance, result_to_json
from aidregistry.domain.matching.solver import solve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aidregistry-solve",
        description="Match offers to needs exactly (coverage first, then transport cost).",
    )
    parser.add_argument(
        "--no-certificate",
        action="store_true",
        help="leave the optimality certificate out of the output",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="verify the certificate and add the verdict to the output",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes for independent families of standards (default 2)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the solver on stdin → stdout; return the exit code."""
    args = _parser().parse_args(argv)
    try:
        offers, needs, standards, equivalences, policy = parse_instance(sys.stdin.read())
    except InstanceError as exc:
        print(f"aidregistry-solve: invalid instance: {exc}", file=sys.stderr)
        return 2
    result = solve(offers, needs, standards, equivalences, policy, workers=args.workers)
    doc = result_to_json(result, needs, certificate=not args.no_certificate)
    if args.check:
        report = check_certificate(
            offers, needs, standards, equivalences, policy, result.allocations, result.certificate
        )
        doc["check"] = {"ok": report.ok, "problems": list(report.problems), "gap": report.gap}
    try:
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): end quietly, as other filters do, without a
        # second error when Python flushes stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
