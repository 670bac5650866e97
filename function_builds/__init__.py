"""Build what the stacks deploy: function archives and the runtime they are built for.

Part of the deployed program (the stacks import it when they run), so it imports
nothing from ``tooling``; the dev tooling and the benchmarks use it too.
"""
