"""``python -m tooling.preflight STACK``: report what a real deploy of STACK would reject."""

import argparse
import sys

from tooling.preflight.runner import preflight
from tooling.synth import SynthError, list_stacks


def main(argv: list[str] | None = None) -> int:
    """Print the findings; exit 1 when there is any, 2 when the stack cannot be read."""
    parser = argparse.ArgumentParser(description="Offline deploy-readiness checks of one stack.")
    parser.add_argument("stack", help=f"stack name ({', '.join(list_stacks())})")
    args = parser.parse_args(argv)
    try:
        report = preflight(args.stack)
    except SynthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
