"""Benchmarks of the function code: ``python -m bench`` (``make bench``) writes bench/results.md."""
