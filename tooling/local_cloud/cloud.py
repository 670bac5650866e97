"""Start, watch and stop the whole local cloud; every setting arrives as an argument."""

import json
import os
import sys
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from typing import TextIO

import requests
from botocore.exceptions import BotoCoreError, ClientError

from function_builds.shared import import_path
from tooling.local_cloud import aws, commands, database, gcp, seed
from tooling.local_cloud.aws import AwsEmulator
from tooling.local_cloud.config import HOST, LocalConfig
from tooling.local_cloud.processes import (
    Child,
    StartupError,
    base_env,
    check_ports_free,
    start,
    wait_until_serving,
)
from tooling.local_cloud.stack import StackResources, read_stack

START_SECONDS = 60.0
STATE_FILE = "local-cloud.json"
CLOUDS = ("aws", "gcp")


@dataclass(frozen=True)
class Endpoints:
    """Where everything listens once the local cloud is up."""

    aws_api: str
    gcp_api: str
    moto: str
    gcs: str
    region: str
    uploads_bucket: str
    gcs_bucket: str
    index_table: str
    # The report's buckets, topic and the queue its announcements land in (make report).
    reports_bucket: str = ""
    gcs_reports_bucket: str = ""
    report_topic_arn: str = ""
    report_inbox_url: str = ""
    # The channels databases, per cloud (the report reads their totals).
    aws_database_url: str = ""
    gcp_database_url: str = ""


class LocalCloud:
    """The running local cloud: ``with LocalCloud(...) as endpoints:`` starts and stops it all."""

    def __init__(
        self,
        config: LocalConfig,
        env: Mapping[str, str],
        out: TextIO = sys.stdout,
        read_resources: Callable[[str], StackResources] = read_stack,
    ) -> None:
        """``env`` is the environment children inherit, minus any cloud credentials."""
        self.config = config
        self.env = base_env(env)
        self.out = out
        self.read_resources = read_resources
        self.children: dict[str, Child] = {}
        self.backends = ("moto", "gcs")
        self._stack = ExitStack()
        # Kept for restart_backend: what to provision again, and the cluster to restart.
        self._resources: StackResources | None = None
        self._postgres: database.PostgresServer | None = None

    def __enter__(self) -> Endpoints:
        """Start every component; on any failure, stop what did start and re-raise."""
        try:
            return self._start()
        except BaseException:
            self._stack.close()
            raise

    def __exit__(self, *_: object) -> None:
        """Stop everything, endpoints first, then the emulators and the database."""
        self._progress("stopping")
        self._stack.close()
        self._progress("stopped")

    def _start(self) -> Endpoints:
        """The start sequence; each step registers its own clean-up."""
        config, ports = self.config, self.config.ports
        check_ports_free(ports.used(config.database))
        config.state_dir.mkdir(parents=True, exist_ok=True)
        # The emulators boot while the stack is synthesized (seconds each).
        moto = self._spawn("moto", commands.moto(ports.moto.number), {})
        gcs = self._spawn("gcs", commands.gcs_emulator(ports.gcs.number), {})
        # The database (seconds for a PostgreSQL cluster) comes up during the synth too.
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="database")
        databases = pool.submit(self._databases)
        try:
            resources = self._read_stack()
        finally:
            # Joined before anything can be stopped: its clean-up must be registered first.
            pool.shutdown(wait=True)
        urls = databases.result()
        self._resources = resources
        try:
            emulator, queue_url = self._provision_aws(moto, resources)
            topic_arn, inbox_url = aws.provision_report(emulator, resources)
            self._progress(f"  s3://{resources.reports_bucket}, sns {resources.report_topic}"
                           "  (reports; announcements to an SQS inbox)")  # fmt: skip
            gcs_url = self._provision_gcs(gcs, resources)
            aws_url, gcp_url = self._start_functions(resources, emulator, queue_url, gcs_url, urls)
            if config.seed:
                for url in (aws_url, gcp_url):
                    seed.channels(url)
                self._progress(f"seeded {len(seed.SAMPLE_CHANNELS)} sample channels per endpoint")
        except (BotoCoreError, ClientError, requests.RequestException) as exc:
            # An emulator or endpoint that answers but misbehaves: a message, not a traceback.
            raise StartupError(f"provisioning or seeding failed: {exc}") from exc
        endpoints = Endpoints(
            aws_api=aws_url,
            gcp_api=gcp_url,
            moto=emulator.endpoint,
            gcs=gcs_url,
            region=resources.region,
            uploads_bucket=resources.uploads_bucket,
            gcs_bucket=resources.gcs_bucket,
            index_table=resources.index_table.name,
            reports_bucket=resources.reports_bucket,
            gcs_reports_bucket=resources.gcs_reports_bucket,
            report_topic_arn=topic_arn,
            report_inbox_url=inbox_url,
            aws_database_url=urls["aws"],
            gcp_database_url=urls["gcp"],
        )
        self._write_state(endpoints)
        return endpoints

    def _provision_aws(self, moto: Child, resources: StackResources) -> tuple[AwsEmulator, str]:
        """Create the stack's AWS resources in moto; the emulator and the indexer queue URL."""
        emulator = AwsEmulator(f"http://{HOST}:{self.config.ports.moto.number}", resources.region)
        wait_until_serving(moto, f"{emulator.endpoint}/moto-api/", START_SECONDS)
        queue_url = aws.provision(emulator, resources)
        self._progress(f"moto server (AWS APIs)     {emulator.endpoint}")
        self._progress(f"  s3://{resources.uploads_bucket}  (uploads, notifies the indexer)")
        self._progress(f"  dynamodb table {resources.index_table.name}  (object index)")
        for name in resources.app_secrets:
            self._progress(f"  secret {name}  (throwaway value)")
        return emulator, queue_url

    def _provision_gcs(self, gcs: Child, resources: StackResources) -> str:
        """Create the uploads bucket in the GCS emulator; the emulator's URL."""
        gcs_url = f"http://{HOST}:{self.config.ports.gcs.number}"
        wait_until_serving(gcs, f"{gcs_url}/storage/v1/b", START_SECONDS)
        gcp.create_bucket(gcs_url, resources.gcs_bucket)
        gcp.create_bucket(gcs_url, resources.gcs_reports_bucket)
        self._progress(f"GCS emulator               {gcs_url}")
        self._progress(f"  gs://{resources.gcs_bucket}  (uploads)")
        self._progress(f"  gs://{resources.gcs_reports_bucket}  (reports)")
        return gcs_url

    def _start_functions(
        self,
        resources: StackResources,
        emulator: AwsEmulator,
        queue_url: str,
        gcs_url: str,
        database_urls: Mapping[str, str],
    ) -> tuple[str, str]:
        """Start both endpoints and the indexer; the endpoints' URLs once they answer."""
        ports = self.config.ports
        # Each Lambda function gets the environment the stack declares for it, plus what
        # points it at the emulator (and DATABASE_URL where the stack has RDS).
        api, indexer = resources.api_function, resources.indexer_function
        aws_env = {**api.env, **emulator.env(), "DATABASE_URL": database_urls["aws"]}
        aws_api = self._spawn("aws-api", commands.aws_api(ports.aws_api.number, api), aws_env)
        indexer_env = {**indexer.env, **emulator.env()}
        command = commands.indexer(queue_url, indexer, resources.indexer_source)
        self._spawn("indexer", command, indexer_env)
        gcp_env = {
            **gcp.emulator_env(gcs_url),
            "STORAGE_URL": f"gs://{resources.gcs_bucket}",
            "REPORTS_URL": f"gs://{resources.gcs_reports_bucket}",
            "GOOGLE_APPLICATION_CREDENTIALS": str(gcp.write_signing_key(self.config.state_dir)),
            "DATABASE_URL": database_urls["gcp"],
            # Cloud Functions puts the source directory (shared packages included) on the
            # import path.
            "PYTHONPATH": os.pathsep.join(str(p) for p in import_path(commands.API_SOURCE)),
        }
        gcp_api = self._spawn("gcp-api", commands.gcp_api(ports.gcp_api.number), gcp_env)
        aws_url = f"http://{HOST}:{ports.aws_api.number}"
        gcp_url = f"http://{HOST}:{ports.gcp_api.number}"
        wait_until_serving(aws_api, f"{aws_url}/health", START_SECONDS)
        self._progress(f"AWS endpoint (Lambda handler, HTTP API v2 events)  {aws_url}")
        self._progress("indexer (S3 -> SQS -> indexer handler)  polling")
        wait_until_serving(gcp_api, f"{gcp_url}/health", START_SECONDS)
        self._progress(f"GCP endpoint (functions-framework)  {gcp_url}")
        return aws_url, gcp_url

    def _read_stack(self) -> StackResources:
        """The stack's resources from the offline synth, any failure as a StartupError."""
        stack = self.config.stack
        self._progress(f"reading stack {stack!r} (offline synth of the Pulumi program)")
        try:
            return self.read_resources(stack)
        except Exception as exc:
            # Broad on purpose: any failure of the program under mocks (a config error,
            # an import error in stacks/) means there is nothing to provision.
            raise StartupError(f"the offline synth of stack {stack!r} failed: {exc}") from exc

    def _databases(self) -> dict[str, str]:
        """Database URLs per cloud: SQLite files, or a PostgreSQL cluster stopped on exit."""
        if self.config.database == "postgres":
            port = self.config.ports.postgres.number
            self._postgres, urls = self._stack.enter_context(
                database.postgres_cluster(port, CLOUDS)
            )
            self._progress(
                f"PostgreSQL                 {HOST}:{port}  (channels_aws, channels_gcp)"
            )
            return urls
        urls = database.sqlite_urls(self.config.state_dir, CLOUDS)
        self._progress(f"SQLite                     {self.config.state_dir}/channels-*.db")
        return urls

    def stop_backend(self, name: str) -> None:
        """Stop ``moto``, ``gcs`` or ``postgres`` as an outage would; the endpoints keep running."""
        if name == "postgres":
            self._cluster().stop()
        else:
            self.children[name].stop()
        self._progress(f"{name} stopped")

    def restart_backend(self, name: str) -> None:
        """Start a stopped backend again on its port, and wait until it serves.

        The emulators keep their state in memory, so they come back empty and get the
        stack's resources again (as a managed service comes back with its data);
        PostgreSQL keeps its data directory. The endpoints are not restarted.
        """
        resources, ports = self._resources, self.config.ports
        if resources is None:
            raise RuntimeError("the local cloud is not running")
        if name == "postgres":
            self._cluster().start()
        elif name == "moto":
            self._provision_aws(
                self._spawn("moto", commands.moto(ports.moto.number), {}), resources
            )
        elif name == "gcs":
            gcs = self._spawn("gcs", commands.gcs_emulator(ports.gcs.number), {})
            self._provision_gcs(gcs, resources)
        else:
            raise ValueError(f"no backend named {name!r}")
        self._progress(f"{name} restarted")

    def _cluster(self) -> database.PostgresServer:
        """The running PostgreSQL cluster (LOCAL_DATABASE=postgres only)."""
        if self._postgres is None:
            raise RuntimeError("this local cloud runs SQLite, not PostgreSQL")
        return self._postgres

    def _spawn(self, name: str, command: list[str], extra_env: Mapping[str, str]) -> Child:
        """Start one component and register its stop."""
        env, logs = {**self.env, **extra_env}, self.config.state_dir / "logs"
        child = start(name, command, env, logs)
        self.children[name] = child
        self._stack.callback(child.stop)
        return child

    def _write_state(self, endpoints: Endpoints) -> None:
        """Record URLs and process ids for scripts and tests (removed on stop)."""
        path = self.config.state_dir / STATE_FILE
        state = {
            "pid": os.getpid(),
            "endpoints": asdict(endpoints),
            "processes": {name: child.process.pid for name, child in self.children.items()},
            "logs": str(self.config.state_dir / "logs"),
        }
        path.write_text(json.dumps(state, indent=2) + "\n")
        self._stack.callback(path.unlink, missing_ok=True)

    def watch(self, stop: threading.Event) -> str | None:
        """Block until ``stop`` is set (None) or an endpoint dies (its name).

        An emulator that dies is reported but tolerated: the endpoints keep serving
        and their /health/ready says which backend is down.
        """
        reported: set[str] = set()
        while not stop.wait(0.5):
            for name, child in self.children.items():
                if child.alive() or name in reported:
                    continue
                reported.add(name)
                if name not in self.backends:
                    self._progress(f"{name} exited with code {child.process.returncode}")
                    return name
                self._progress(f"{name} exited; endpoints now report it in /health/ready")
        return None

    def _progress(self, message: str) -> None:
        """One progress line, flushed at once (the output may be a pipe)."""
        print(f"[local] {message}", file=self.out, flush=True)
