"""Preflight: what a real `pulumi preview`/`up` would reject, found offline.

Mocks accept any input; the providers and clouds do not. Each module here
encodes one class of deploy failure, read from the providers' own source and
the clouds' documentation, and checks it against the resources the real
program registers (``tooling.synth``). ``python -m tooling.preflight STACK``
(``make preflight STACK=...``) reports every finding with the resource and the
fix, and exits non-zero when there is any.
"""
