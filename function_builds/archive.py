"""Deterministic function archives for the stacks: Lambda zips and Cloud Functions sources.

The same sources always give byte-identical zips (fixed timestamps, sorted
entries, fixed permissions), so the archive hash, and therefore ``pulumi
preview``, changes only when the code or its pinned dependencies do.

CLI: ``python -m function_builds api --arch arm64`` (``--source`` for the GCP zip,
``--check`` to verify an existing build without rebuilding).
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from function_builds import shared
from function_builds.runtime import LAMBDA_PLATFORMS, PYTHON_VERSION

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS_DIR = ROOT / "functions"
BUILD_DIR = ROOT / "build"
# pip installs, kept per content hash; tooling/plan.py lends them to the base checkout.
DEPS_CACHE = BUILD_DIR / ".deps"
CONSTRAINTS = ROOT / "constraints.txt"
# Bump when the archive layout changes, so older builds count as stale.
FORMAT_VERSION = "1"
# Shipped with the Lambda Python runtime; bundling them only grows the archive.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")
EXCLUDED_DIRS = {"__pycache__", "tests", "test", ".pytest_cache", ".mypy_cache", ".ruff_cache",
                 ".venv", "venv", ".git", "node_modules", "bin"}  # fmt: skip
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".db", ".sqlite", ".sqlite3", ".log")
EXCLUDED_NAMES = {".DS_Store", ".coverage", "Thumbs.db", "RECORD"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold

FILE_MODE = 0o100644  # regular file, rw-r--r--
# The most a function's Lambda zip may weigh: Lambda loads and unpacks it on
# every cold start. The API's is about 1 MiB (Flask, apig-wsgi, pg8000); the
# budget leaves room to grow and fails a dependency that would bring back the
# 4.4 MiB SQLAlchemy once cost (bench/results.md).
LAMBDA_ARCHIVE_BUDGET_BYTES = 3 * 1024 * 1024

# What an archive borrows from another function's directory: (function, path in it), each
# shipped under the same path. The report reuses the API's storage, database and settings
# modules rather than a second client layer. The API package's __init__.py (which builds the
# Flask app) stays out, so in the report's archive ``crosscloud_api`` is a namespace package
# holding only these modules, and nothing imports Flask.
SHARED: dict[str, tuple[tuple[str, str], ...]] = {
    "report": tuple(
        ("api", f"crosscloud_api/{path}")
        for path in (
            "database.py", "exceptions.py", "secrets.py", "settings.py", "storage",
        )
    ),
}  # fmt: skip


class ArchiveError(Exception):
    """The archive cannot be built, or an existing build is missing or stale."""


@dataclass(frozen=True)
class BuiltArchive:
    """A built archive: where it is, its SHA-256 (hex) and size."""

    path: Path
    sha256: str
    size: int


def build_lambda_archive(
    name: str,
    *,
    architecture: str,
    python_version: str,
    out_dir: Path = BUILD_DIR,
    functions_dir: Path = FUNCTIONS_DIR,
    cache_dir: Path | None = None,
) -> BuiltArchive:
    """Zip ``functions/<name>`` with its requirements installed for the Lambda target."""
    source, requirements, files = _lambda_files(
        name, architecture, python_version, functions_dir, cache_dir or out_dir / ".deps"
    )
    target = out_dir / _lambda_name(name, architecture, python_version)
    fingerprint = _fingerprint(source, [requirements, architecture, python_version])
    return _write(target, files, fingerprint)


def build_lambda_tree(
    name: str,
    *,
    architecture: str,
    python_version: str,
    out_dir: Path = BUILD_DIR,
    functions_dir: Path = FUNCTIONS_DIR,
    cache_dir: Path | None = None,
) -> BuiltArchive:
    """The Lambda archive's files, staged as a directory; ``sha256`` hashes names and contents.

    This is what the stacks deploy. Pulumi hashes a directory archive as a tar
    of sorted names, a fixed mode and the contents, so the hash, and whether a
    preview shows a change, depends on the sources alone; a zip's bytes also
    depend on the zlib build that compressed them.
    """
    _, _, files = _lambda_files(
        name, architecture, python_version, functions_dir, cache_dir or out_dir / ".deps"
    )
    _check_unique(files)
    target = out_dir / _lambda_name(name, architecture, python_version).removesuffix(".zip")
    digest = _content_hash(files)
    size = sum(path.stat().st_size for _, path in files)
    # Every file of the directory is deployed, so it must hold exactly ``files``.
    if target.is_dir() and _content_hash(list(_every_file(target))) == digest:
        return BuiltArchive(target, digest, size)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=out_dir))
    try:
        for archive_name, path in files:
            copy = staging / archive_name
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuiltArchive(target, digest, size)


def build_source_archive(
    name: str, out_dir: Path = BUILD_DIR, *, functions_dir: Path = FUNCTIONS_DIR
) -> BuiltArchive:
    """Zip ``functions/<name>`` for Cloud Functions: main.py and requirements.txt at the root."""
    source = _function_dir(functions_dir, name)
    if not (source / "main.py").is_file():
        raise ArchiveError(f"{source} has no main.py, which Cloud Functions needs")
    target = out_dir / f"{name}-source.zip"
    # Stored, not deflated: a few dozen kilobytes, and its bytes (which name the
    # uploaded object, so decide a redeploy) must not depend on the zlib build.
    files = _function_files(source)
    return _write(target, files, _fingerprint(source, ["source"]), zipfile.ZIP_STORED)


def built_lambda_archive(
    name: str,
    *,
    architecture: str,
    python_version: str,
    out_dir: Path = BUILD_DIR,
    functions_dir: Path = FUNCTIONS_DIR,
) -> BuiltArchive:
    """An existing Lambda build, checked against the current sources; ArchiveError otherwise."""
    source = _function_dir(functions_dir, name)
    requirements = _lambda_requirements(source)
    fingerprint = _fingerprint(source, [requirements, architecture, python_version])
    hint = f"python -m function_builds {name} --arch {architecture} --python {python_version}"
    return _verified(out_dir / _lambda_name(name, architecture, python_version), fingerprint, hint)


def built_source_archive(
    name: str, out_dir: Path = BUILD_DIR, *, functions_dir: Path = FUNCTIONS_DIR
) -> BuiltArchive:
    """An existing Cloud Functions source build, checked against the current sources."""
    source = _function_dir(functions_dir, name)
    fingerprint = _fingerprint(source, ["source"])
    hint = f"python -m function_builds {name} --source"
    return _verified(out_dir / f"{name}-source.zip", fingerprint, hint)


def _function_dir(functions_dir: Path, name: str) -> Path:
    """The function's source directory."""
    source = functions_dir / name
    if not name.isidentifier() or name == shared.SHARED_DIR_NAME or not source.is_dir():
        raise ArchiveError(f"no function named {name!r} under {functions_dir}")
    return source


def _lambda_files(
    name: str, architecture: str, python_version: str, functions_dir: Path, cache_dir: Path
) -> tuple[Path, str, list[tuple[str, Path]]]:
    """(source dir, requirements, sorted archive files): the function and its installed deps."""
    source = _function_dir(functions_dir, name)
    if architecture not in LAMBDA_PLATFORMS:
        raise ArchiveError(f"architecture must be one of {', '.join(LAMBDA_PLATFORMS)}")
    requirements = _lambda_requirements(source)
    deps = _installed_dependencies(name, requirements, architecture, python_version, cache_dir)
    own = _function_files(source)
    files = sorted([*own, *_tree(deps)] if deps else own)
    return source, requirements, files


def _lambda_name(name: str, architecture: str, python_version: str) -> str:
    """The archive file name for one Lambda target."""
    return f"{name}-lambda-{architecture}-py{python_version}.zip"


def _lambda_requirements(source: Path) -> str:
    """The requirement lines to install for Lambda, runtime-provided packages removed."""
    for candidate in ("requirements-lambda.txt", "requirements.txt"):
        path = source / candidate
        if path.is_file():
            break
    else:
        return ""
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        package = line.split("[")[0].split("=")[0].split("<")[0].split(">")[0].strip().lower()
        if line and package not in RUNTIME_PROVIDED:
            lines.append(line)
    return "\n".join(sorted(lines))


def _installed_dependencies(
    name: str, requirements: str, architecture: str, python_version: str, cache_dir: Path
) -> Path | None:
    """pip-install the requirements for the target once per content hash; reuse afterwards."""
    if not requirements:
        return None
    constraints = CONSTRAINTS.read_text() if CONSTRAINTS.is_file() else ""
    key = hashlib.sha256(
        "\0".join(
            [FORMAT_VERSION, requirements, constraints, architecture, python_version]
        ).encode()
    ).hexdigest()[:20]
    target = cache_dir / f"{name}-{architecture}-py{python_version}-{key}"
    if (target / ".complete").is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=cache_dir))
    try:
        (staging / "requirements.txt").write_text(requirements + "\n")
        platforms = [arg for tag in LAMBDA_PLATFORMS[architecture] for arg in ("--platform", tag)]
        command = [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-compile", "--only-binary=:all:", *platforms, "--implementation", "cp",
            "--python-version", python_version, "--target", str(staging / "site"),
            "--requirement", str(staging / "requirements.txt"),
            *(["--constraint", str(CONSTRAINTS)] if constraints else []),
        ]  # fmt: skip
        # The command is built from constants and this repository's own files.
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise ArchiveError(
                f"pip could not install {name}'s requirements for {architecture}/"
                f"py{python_version}:\n{result.stderr.strip()}"
            )
        for package in RUNTIME_PROVIDED:  # in case something pulled one in
            for path in (staging / "site").glob(f"{package}*"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        (staging / "site" / ".complete").write_text(key)
        try:
            os.replace(staging / "site", target)
        except OSError:
            # Another build finished the same install first; its result is identical.
            if not (target / ".complete").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _function_files(source: Path) -> list[tuple[str, Path]]:
    """(archive name, file) of a function: its directory, what it borrows (``SHARED``), and the
    shared packages (functions/shared/) any of those import."""
    files = list(_tree(source))
    for function, path in SHARED.get(source.name, ()):
        origin = source.parent / function / path
        if origin.is_dir():
            files += [(f"{path}/{name}", file) for name, file in _tree(origin)]
        elif origin.is_file() and not _excluded(origin.name):
            files.append((path, origin))
        else:
            raise ArchiveError(f"{source.name} borrows {function}/{path}, which does not exist")
    # The shared packages (functions/shared/) that any of these files imports.
    packages = shared.shared_packages((path for _, path in files), source.parent)
    root = shared.shared_dir(source.parent)
    files += [(f"{p}/{name}", path) for p in packages for name, path in _tree(root / p)]
    return sorted(files)


def _tree(root: Path) -> Iterator[tuple[str, Path]]:
    """(archive name, file) for every file under ``root`` that belongs in an archive."""
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in EXCLUDED_DIRS and not d.endswith(".egg-info")]
        for file in files:
            if _excluded(file):
                continue
            path = Path(directory) / file
            yield path.relative_to(root).as_posix(), path


def _every_file(root: Path) -> Iterator[tuple[str, Path]]:
    """(name, file) for every file under ``root``, excluded or not: what Pulumi would archive."""
    for path in root.rglob("*"):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path


def _excluded(file: str) -> bool:
    """Local, generated or secret files never go into an archive."""
    return (
        file in EXCLUDED_NAMES
        or file.endswith(EXCLUDED_SUFFIXES)
        or file == ".env"
        or file.startswith((".env.", "test_", ".complete"))
        or file.endswith("_test.py")
        or file == "conftest.py"
    )


def _fingerprint(source: Path, extra: Iterable[str]) -> str:
    """A hash of everything an archive is built from."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for value in extra:
        digest.update(b"\0" + value.encode())
    for name, path in _function_files(source):
        digest.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _check_unique(files: list[tuple[str, Path]]) -> None:
    """Refuse two files under one archive name."""
    names = [name for name, _ in files]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ArchiveError(f"files would overwrite each other in the archive: {duplicates}")


def _content_hash(files: list[tuple[str, Path]]) -> str:
    """SHA-256 over sorted (name, SHA-256 of content): what the archive holds, not how."""
    digest = hashlib.sha256()
    for name, path in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _write(
    target: Path,
    files: list[tuple[str, Path]],
    fingerprint: str,
    compression: int = zipfile.ZIP_DEFLATED,
) -> BuiltArchive:
    """Write the zip deterministically, then its manifest beside it."""
    _check_unique(files)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A private temporary name: concurrent builds (a preview and a test run) of the
    # same archive must not write into each other's file. Same bytes win either way.
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    partial = Path(temporary)
    with zipfile.ZipFile(partial, "w") as archive:
        for name, path in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = FILE_MODE << 16
            info.create_system = 3  # Unix, so the mode bits above are honoured
            info.compress_type = compression
            archive.writestr(info, path.read_bytes(), compresslevel=6)
    partial.chmod(0o644)  # mkstemp creates 0600; the archive is not a secret
    sha256, size = _sha256(partial), partial.stat().st_size
    os.replace(partial, target)
    manifest = {"fingerprint": fingerprint, "sha256": sha256, "size": size}
    _atomic_write(_manifest(target), json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return BuiltArchive(target, sha256, size)


def _atomic_write(path: Path, text: str) -> None:
    """Write a small file so readers never see it half-written."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w") as file:
        file.write(text)
    Path(temporary).chmod(0o644)
    os.replace(temporary, path)


def _verified(target: Path, fingerprint: str, hint: str) -> BuiltArchive:
    """The archive at ``target`` if it was built from the current sources and is intact."""
    if not target.is_file() or not _manifest(target).is_file():
        raise ArchiveError(f"{target} has not been built; run `{hint}`")
    manifest = json.loads(_manifest(target).read_text())
    if manifest.get("fingerprint") != fingerprint:
        raise ArchiveError(
            f"{target} is stale: its sources changed since it was built; run `{hint}`"
        )
    sha256 = _sha256(target)
    if manifest.get("sha256") != sha256:
        raise ArchiveError(f"{target} does not match its manifest (modified?); run `{hint}`")
    return BuiltArchive(target, sha256, target.stat().st_size)


def _manifest(target: Path) -> Path:
    """The manifest file of an archive."""
    return target.with_name(target.name + ".json")


def _sha256(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Build (or with --check verify) one function's archive and print where it is."""
    parser = argparse.ArgumentParser(prog="python -m function_builds", description=__doc__)
    parser.add_argument("name", help="function directory under functions/, e.g. api")
    parser.add_argument("--arch", choices=sorted(LAMBDA_PLATFORMS), default="arm64")
    parser.add_argument("--python", default=PYTHON_VERSION, help="Lambda Python version")
    parser.add_argument("--source", action="store_true", help="the Cloud Functions source zip")
    parser.add_argument("--check", action="store_true", help="verify, do not build")
    parser.add_argument("--out", type=Path, default=BUILD_DIR)
    args = parser.parse_args(argv)
    try:
        if args.source:
            action = built_source_archive if args.check else build_source_archive
            built = action(args.name, args.out)
        else:
            action = built_lambda_archive if args.check else build_lambda_archive
            built = action(
                args.name, architecture=args.arch, python_version=args.python, out_dir=args.out
            )
    except ArchiveError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{built.path}\t{built.size} bytes\tsha256:{built.sha256}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
