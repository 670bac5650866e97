"""The function-archive builder: deterministic, clean, and loud about missing or stale builds."""

import ast
import hashlib
import json
import platform
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from function_builds import archive
from function_builds.archive import (
    ArchiveError,
    build_lambda_archive,
    build_source_archive,
    built_lambda_archive,
    built_source_archive,
)
from function_builds.runtime import PYTHON_VERSION

ROOT = Path(__file__).resolve().parents[2]
# Dependency installs are cached here across runs (the real build directory).
DEPS_CACHE = archive.DEPS_CACHE


@pytest.fixture
def functions_dir(tmp_path: Path) -> Path:
    """A copy of functions/ with the local clutter a developer's tree accumulates."""
    target = tmp_path / "functions"
    shutil.copytree(ROOT / "functions", target, ignore=shutil.ignore_patterns("__pycache__"))
    api = target / "api"
    (api / "__pycache__").mkdir()
    (api / "__pycache__" / "main.cpython-312.pyc").write_bytes(b"\0")
    (api / "tests").mkdir()
    (api / "tests" / "test_x.py").write_text("")
    (api / ".env").write_text("SECRET=1\n")
    (api / ".env.local").write_text("SECRET=2\n")
    (api / "local.db").write_bytes(b"sqlite")
    (api / "crosscloud_api" / "debug.log").write_text("log\n")
    return target


def _names(path: Path) -> list[str]:
    """The entry names of a zip."""
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def test_source_archive_is_byte_identical_across_builds(
    functions_dir: Path, tmp_path: Path
) -> None:
    """Two builds of the same sources give the same bytes and hash."""
    first = build_source_archive("api", tmp_path / "a", functions_dir=functions_dir)
    second = build_source_archive("api", tmp_path / "b", functions_dir=functions_dir)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == second.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()


def test_source_archive_layout_and_exclusions(functions_dir: Path, tmp_path: Path) -> None:
    """main.py and requirements.txt at the root; no caches, tests, env files or local files."""
    built = build_source_archive("api", tmp_path, functions_dir=functions_dir)
    names = _names(built.path)
    assert {"main.py", "requirements.txt", "crosscloud_api/app.py"} <= set(names)
    assert names == sorted(names)
    forbidden = ("__pycache__", "tests/", ".env", ".pyc", "local.db", ".log")
    assert not [n for n in names if any(part in n for part in forbidden)]


def test_entries_have_fixed_time_and_mode(functions_dir: Path, tmp_path: Path) -> None:
    """Timestamps and permissions do not depend on the checkout."""
    (functions_dir / "api" / "main.py").chmod(0o755)
    built = build_source_archive("api", tmp_path, functions_dir=functions_dir)
    with zipfile.ZipFile(built.path) as zf:
        infos = zf.infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_changed_source_changes_the_hash_and_stales_the_build(
    functions_dir: Path, tmp_path: Path
) -> None:
    """An edit is a new archive; the old build is refused, never silently reused."""
    built = build_source_archive("api", tmp_path, functions_dir=functions_dir)
    assert built_source_archive("api", tmp_path, functions_dir=functions_dir) == built
    main = functions_dir / "api" / "main.py"
    main.write_text(main.read_text() + "\n# changed\n")
    with pytest.raises(ArchiveError, match="stale"):
        built_source_archive("api", tmp_path, functions_dir=functions_dir)
    rebuilt = build_source_archive("api", tmp_path, functions_dir=functions_dir)
    assert rebuilt.sha256 != built.sha256


def test_missing_or_tampered_build_is_an_error(functions_dir: Path, tmp_path: Path) -> None:
    """No build, or a zip that no longer matches its manifest, is a clear error."""
    with pytest.raises(ArchiveError, match="has not been built"):
        built_source_archive("api", tmp_path, functions_dir=functions_dir)
    built = build_source_archive("api", tmp_path, functions_dir=functions_dir)
    built.path.write_bytes(built.path.read_bytes() + b"x")
    with pytest.raises(ArchiveError, match="does not match its manifest"):
        built_source_archive("api", tmp_path, functions_dir=functions_dir)


def test_unknown_function_and_architecture(functions_dir: Path, tmp_path: Path) -> None:
    """Bad names fail before anything is built."""
    with pytest.raises(ArchiveError, match="no function named"):
        build_source_archive("nope", tmp_path, functions_dir=functions_dir)
    with pytest.raises(ArchiveError, match="architecture"):
        build_lambda_archive(
            "indexer", architecture="sparc", python_version=PYTHON_VERSION, out_dir=tmp_path
        )


def test_indexer_lambda_archive_needs_no_install(tmp_path: Path) -> None:
    """The indexer depends only on boto3 (from the runtime), so its archive is its code."""
    built = build_lambda_archive(
        "indexer", architecture="arm64", python_version=PYTHON_VERSION, out_dir=tmp_path
    )
    names = _names(built.path)
    assert "indexer_handler.py" in names
    assert "crosscloud_indexer/index_writer.py" in names
    assert not [n for n in names if n.startswith(("boto3", "botocore"))]


def test_lambda_requirements_pins_match_requirements_txt() -> None:
    """The Lambda subset pins exactly what requirements.txt pins."""

    def pins(path: Path) -> dict[str, str]:
        """name -> full pin line."""
        lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
        return {line.split("==")[0].split("[")[0].lower(): line for line in lines if line}

    full = pins(ROOT / "functions" / "api" / "requirements.txt")
    subset = pins(ROOT / "functions" / "api" / "requirements-lambda.txt")
    assert subset
    assert {name: full.get(name) for name in subset} == subset


def test_api_lambda_archive_full_build(tmp_path: Path) -> None:
    """The real API build: arm64 wheels installed, boto3 left to the runtime, deterministic."""
    options = {"architecture": "arm64", "python_version": PYTHON_VERSION, "cache_dir": DEPS_CACHE}
    first = build_lambda_archive("api", out_dir=tmp_path / "a", **options)
    second = build_lambda_archive("api", out_dir=tmp_path / "b", **options)
    assert first.path.read_bytes() == second.path.read_bytes()
    names = _names(first.path)
    assert {"lambda_handler.py", "crosscloud_api/app.py", "flask/app.py", "apig_wsgi/__init__.py",
            "pg8000/core.py", "scramp/core.py"} <= set(names)  # fmt: skip
    assert not [n for n in names if n.startswith(("boto3/", "botocore/", "bin/"))]
    assert not [n for n in names if n.endswith((".pyc", "/RECORD"))]
    native = [n for n in names if n.endswith(".so")]
    assert native
    assert all("x86_64" not in n for n in native)
    assert any("aarch64" in n for n in native)
    verified = built_lambda_archive(
        "api", architecture="arm64", python_version=PYTHON_VERSION, out_dir=tmp_path / "a"
    )
    assert verified == first


@pytest.mark.parametrize("architecture", ["arm64", "x86_64"])
def test_api_lambda_archive_fits_the_budget(tmp_path: Path, architecture: str) -> None:
    """The API's Lambda zip stays within the budget for each architecture, and carries no
    SQLAlchemy (plain DB-API: sqlite3 and pg8000) and no compiled code but MarkupSafe's."""
    built = build_lambda_archive(
        "api",
        architecture=architecture,
        python_version=PYTHON_VERSION,
        out_dir=tmp_path,
        cache_dir=DEPS_CACHE,
    )
    assert built.size <= archive.LAMBDA_ARCHIVE_BUDGET_BYTES, (
        f"{built.path.name} is {built.size:,} bytes, over the "
        f"{archive.LAMBDA_ARCHIVE_BUDGET_BYTES:,}-byte budget"
    )
    names = _names(built.path)
    assert not [n for n in names if n.lower().startswith("sqlalchemy")]
    packages = {n.split("/")[0] for n in names if n.endswith(".so")}
    assert packages == {"markupsafe"}


def test_cli_builds_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI builds, verifies with --check, and fails clearly without a main.py."""
    assert archive.main(["indexer", "--arch", "x86_64", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"indexer-lambda-x86_64-py{PYTHON_VERSION}.zip" in out
    assert archive.main(["indexer", "--arch", "x86_64", "--check", "--out", str(tmp_path)]) == 0
    assert archive.main(["indexer", "--source", "--out", str(tmp_path)]) == 1
    assert "no main.py" in capsys.readouterr().err


def test_concurrent_builds_of_one_archive_agree(functions_dir: Path, tmp_path: Path) -> None:
    """Parallel builds into one directory (a preview and a test run) all succeed, same bytes."""
    from concurrent.futures import ThreadPoolExecutor

    def build(_: int) -> str:
        """One build."""
        return build_source_archive("api", out, functions_dir=functions_dir).sha256

    out = tmp_path / "out"
    with ThreadPoolExecutor(max_workers=4) as pool:
        hashes = set(pool.map(build, range(8)))
    assert len(hashes) == 1
    assert built_source_archive("api", out, functions_dir=functions_dir).sha256 in hashes
    assert sorted(p.name for p in out.iterdir()) == ["api-source.zip", "api-source.zip.json"]


def _files(tree: Path) -> dict[str, bytes]:
    """Every file of a staged tree by name: exactly what Pulumi archives and hashes."""
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("*") if p.is_file()}


def test_lambda_tree_is_the_same_files_anywhere(tmp_path: Path) -> None:
    """The deployed tree: same names and contents from two builds, hash over content only."""
    options = {"architecture": "arm64", "python_version": PYTHON_VERSION, "cache_dir": DEPS_CACHE}
    first = archive.build_lambda_tree("api", out_dir=tmp_path / "a", **options)
    second = archive.build_lambda_tree("api", out_dir=tmp_path / "b", **options)
    assert first.path.is_dir()
    assert first.sha256 == second.sha256
    assert _files(first.path) == _files(second.path)
    expected = hashlib.sha256()
    for name, data in sorted(_files(first.path).items()):
        expected.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    assert first.sha256 == expected.hexdigest()
    # The same files as the zip the builder writes for measuring, nothing more.
    zipped = archive.build_lambda_archive("api", out_dir=tmp_path / "z", **options)
    assert sorted(_files(first.path)) == _names(zipped.path)


def test_lambda_tree_is_restaged_when_anything_else_is_in_it(
    functions_dir: Path, tmp_path: Path
) -> None:
    """A stray or edited file in the staged tree is gone after the next build."""
    options = {"architecture": "arm64", "python_version": PYTHON_VERSION, "out_dir": tmp_path}
    built = archive.build_lambda_tree("indexer", functions_dir=functions_dir, **options)
    clean = _files(built.path)
    (built.path / "stray.txt").write_text("left behind")
    (built.path / "indexer_handler.py").write_text("tampered")
    again = archive.build_lambda_tree("indexer", functions_dir=functions_dir, **options)
    assert again == built
    assert _files(again.path) == clean


def test_source_zip_is_stored_not_deflated(functions_dir: Path, tmp_path: Path) -> None:
    """The GCP source zip's bytes name its object, so they must not depend on a zlib build."""
    built = build_source_archive("api", tmp_path, functions_dir=functions_dir)
    with zipfile.ZipFile(built.path) as zipped:
        assert {info.compress_type for info in zipped.infolist()} == {zipfile.ZIP_STORED}


def test_every_archive_carries_the_shared_logger(functions_dir: Path, tmp_path: Path) -> None:
    """The shared package sits at the import root of the Lambda zip and the GCP source zip."""
    indexer = build_lambda_archive(
        "indexer", architecture="arm64", python_version=PYTHON_VERSION, out_dir=tmp_path
    )
    source = build_source_archive("api", tmp_path, functions_dir=functions_dir)
    for built in (indexer, source):
        names = _names(built.path)
        assert "crosscloud_logging/__init__.py" in names, built.path.name
        assert not [n for n in names if n.startswith("shared/")], built.path.name


def test_a_change_to_shared_code_stales_the_build(functions_dir: Path, tmp_path: Path) -> None:
    """Editing the shared logger is a change to every archive that carries it."""
    built = build_source_archive("api", tmp_path, functions_dir=functions_dir)
    shared = functions_dir / "shared" / "crosscloud_logging" / "__init__.py"
    shared.write_text(shared.read_text() + "\n# changed\n")
    with pytest.raises(ArchiveError, match="stale"):
        built_source_archive("api", tmp_path, functions_dir=functions_dir)
    assert build_source_archive("api", tmp_path, functions_dir=functions_dir).sha256 != built.sha256


def test_shared_is_not_a_function(functions_dir: Path, tmp_path: Path) -> None:
    """functions/shared/ holds packages, not a deployable function."""
    with pytest.raises(ArchiveError, match="no function named 'shared'"):
        build_source_archive("shared", tmp_path, functions_dir=functions_dir)


# Imports each entry module from an unzipped archive, then says where every module of
# the function's own packages came from. -I: no PYTHONPATH, no current directory.
_IMPORT_PROBE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
entry = importlib.import_module(sys.argv[2])
mine = ("crosscloud_", "main", "lambda_handler", "indexer_handler")
print(json.dumps({name: getattr(module, "__file__", None) for name, module in sys.modules.items()
                  if name.startswith(mine)}))
"""


def _import_from_archive(archive_path: Path, entry: str, tmp_path: Path, *flags: str) -> set[str]:
    """Unzip, import ``entry`` in a fresh interpreter, return the modules of ours it loaded."""
    root = tmp_path / f"unzipped-{archive_path.stem}"
    with zipfile.ZipFile(archive_path) as zipped:
        zipped.extractall(root)
    command = [sys.executable, "-I", "-B", *flags, "-c", _IMPORT_PROBE, str(root), entry]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, str | None] = json.loads(result.stdout)
    outside = {name: file for name, file in loaded.items() if not str(file).startswith(str(root))}
    assert outside == {}
    return set(loaded)


def test_gcp_source_archive_imports_from_its_own_files(tmp_path: Path) -> None:
    """main.py imports from the unzipped source alone (libraries from the installed set)."""
    built = build_source_archive("api", tmp_path)
    loaded = _import_from_archive(built.path, "main", tmp_path)
    assert {"main", "crosscloud_api.app", "crosscloud_logging"} <= loaded


def test_indexer_lambda_archive_imports_from_its_own_files(tmp_path: Path) -> None:
    """indexer_handler imports from the unzipped zip; boto3 is the runtime's, as on Lambda."""
    built = build_lambda_archive(
        "indexer", architecture="arm64", python_version=PYTHON_VERSION, out_dir=tmp_path
    )
    loaded = _import_from_archive(built.path, "indexer_handler", tmp_path)
    assert {"indexer_handler", "crosscloud_indexer.process", "crosscloud_logging"} <= loaded


def test_api_lambda_archive_imports_from_the_archive_alone(tmp_path: Path) -> None:
    """Built for this machine's CPU and Python, the zip imports with no site-packages at all."""
    host = {"x86_64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    built = build_lambda_archive(
        "api", architecture=host, python_version=python, out_dir=tmp_path, cache_dir=DEPS_CACHE
    )
    loaded = _import_from_archive(built.path, "lambda_handler", tmp_path, "-S")
    assert {"lambda_handler", "crosscloud_api.app", "crosscloud_logging",
            "crosscloud_api.routes.reports", "crosscloud_reports.store"} <= loaded  # fmt: skip


def test_report_archive_borrows_the_api_storage_without_flask(tmp_path: Path) -> None:
    """The report ships the API's storage and database modules, not its app: no Flask."""
    built = build_source_archive("report", tmp_path)
    names = set(_names(built.path))
    assert {"main.py", "report_handler.py", "requirements.txt", "crosscloud_report/run.py",
            "crosscloud_api/storage/s3.py", "crosscloud_api/storage/gcs.py",
            "crosscloud_api/database.py", "crosscloud_api/secrets.py",
            "crosscloud_logging/__init__.py", "crosscloud_reports/store.py",
            "crosscloud_reports/period.py", "crosscloud_reports/links.py"} <= names  # fmt: skip
    assert not {"crosscloud_api/__init__.py", "crosscloud_api/app.py",
                "crosscloud_api/channels.py"} & names  # fmt: skip
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(built.path) as zf:
        zf.extractall(unpacked)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import report_handler, crosscloud_api; "
        "assert 'flask' not in sys.modules, 'flask imported'; "
        "print(crosscloud_api.__path__[0])"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(unpacked)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(unpacked / "crosscloud_api")


def test_the_report_borrows_exactly_the_api_modules_its_code_imports() -> None:
    """SHARED names each API module the report's code reaches by import, and no other."""
    functions = ROOT / "functions"
    api_package = functions / "api" / "crosscloud_api"
    pending = [path for path in (functions / "report").rglob("*.py")]
    seen: set[Path] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_bytes())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            for name in names:
                parts = name.split(".")
                if parts[0] != "crosscloud_api" or len(parts) < 2:
                    continue
                module = api_package.joinpath(*parts[1:])
                found = [module.with_suffix(".py"), module / "__init__.py"]
                pending += [f for f in found if f.is_file()]
    borrowed = {
        path.relative_to(api_package).parts[0] for path in seen if api_package in path.parents
    }
    assert {path.removeprefix("crosscloud_api/") for _, path in archive.SHARED["report"]} == {
        name for name in borrowed if name != "__init__.py"
    }


def test_a_borrowed_file_that_is_gone_is_an_error(functions_dir: Path, tmp_path: Path) -> None:
    """Removing a module the report borrows fails the build, naming it."""
    (functions_dir / "api" / "crosscloud_api" / "secrets.py").unlink()
    with pytest.raises(ArchiveError, match=r"api/crosscloud_api/secrets\.py"):
        build_source_archive("report", tmp_path, functions_dir=functions_dir)
