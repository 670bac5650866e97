"""What a Lambda runtime gives a handler: its code on the import path, a context object."""

import importlib
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from function_builds.shared import import_path

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class LambdaContext:
    """The context attributes handlers and adapters read (apig-wsgi, the request-id logs)."""

    function_name: str
    timeout_seconds: float = 15.0
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        """The ARN a real invocation would carry (moto's default account and region)."""
        return f"arn:aws:lambda:us-east-1:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        """Time left before the configured timeout."""
        left = self.timeout_seconds - (time.monotonic() - self.started)
        return max(0, int(left * 1000))


def load_handler(source: Path, name: str) -> Handler:
    """Import ``module.function`` from ``source`` the way Lambda imports from /var/task."""
    module_name, _, function_name = name.rpartition(".")
    # The archive holds the function directory and the shared packages it imports.
    for path in reversed(import_path(source)):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    handler: Handler = getattr(importlib.import_module(module_name), function_name)
    return handler


def exit_with_parent() -> None:
    """Exit when stdin closes: the supervisor died without stopping us (no orphans)."""

    def watch() -> None:
        """Block until EOF on stdin, then leave at once."""
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
