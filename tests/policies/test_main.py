"""The real pack: policies/__main__.py started as the Pulumi CLI starts it, spoken to over gRPC.

The CLI runs the pack's ``__main__.py``, reads the port it prints and calls
the Analyzer service; these tests do the same with pulumi's generated client.
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc

from policies.crosscloud_policies.catalog import PACK_NAME, RULES

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
# Generous: only a hung pack would take this long to answer.
CALL_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """A client of the pack's Analyzer service, with the pack running in a subprocess."""
    process = subprocess.Popen(
        [sys.executable, "-B", "-u", "__main__.py"],
        cwd=PACK_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        if not port.isdigit():
            process.kill()
            _, errors = process.communicate()
            pytest.fail(f"the pack printed no port: {errors}")
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.kill()
        process.communicate()


def struct(values: dict[str, str]) -> struct_pb2.Struct:
    """Resource properties as the engine sends them."""
    message = struct_pb2.Struct()
    message.update(values)
    return message


def urn(type_: str, name: str) -> str:
    """A resource URN in the dev stack."""
    return f"urn:pulumi:dev::crosscloud::{type_}::{name}"


def described(policy: str, message: str) -> str:
    """A diagnostic's message: pulumi-policy puts the policy's description first."""
    (rule,) = [r for r in RULES if r.name == policy]
    return f"{rule.description}\n{message}"


def test_pack_serves_every_policy(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """The pack announces its name and every catalog policy with its enforcement level."""
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=CALL_TIMEOUT_SECONDS)
    assert info.name == PACK_NAME
    assert [p.name for p in info.policies] == [r.name for r in RULES]
    levels = {p.name: proto.EnforcementLevel.Name(p.enforcementLevel) for p in info.policies}
    assert levels["function-env-high-entropy-values"] == "ADVISORY"
    assert levels["s3-no-public-acl"] == "MANDATORY"


def test_pack_reports_a_resource_violation(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """Analyze on a public-read bucket returns the s3-no-public-acl diagnostic."""
    request = proto.AnalyzeRequest(
        type="aws:s3/bucket:Bucket",
        properties=struct({"acl": "public-read"}),
        urn=urn("aws:s3/bucket:Bucket", "site"),
        name="site",
    )
    response = analyzer.Analyze(request, timeout=CALL_TIMEOUT_SECONDS)
    found = [
        (d.policyName, d.message)
        for d in response.diagnostics
        if d.policyName == "s3-no-public-acl"
    ]
    assert found == [
        (
            "s3-no-public-acl",
            described("s3-no-public-acl", "site uses the public canned ACL 'public-read'."),
        )
    ]


def test_pack_reports_a_stack_violation(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """AnalyzeStack on a lone bucket reports the missing public access block on the bucket."""
    bucket_urn = urn("aws:s3/bucket:Bucket", "data")
    request = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                type="aws:s3/bucket:Bucket",
                properties=struct({"bucket": "data-1"}),
                urn=bucket_urn,
                name="data",
            )
        ]
    )
    response = analyzer.AnalyzeStack(request, timeout=CALL_TIMEOUT_SECONDS)
    found = [
        (d.urn, d.message) for d in response.diagnostics if d.policyName == "s3-public-access-block"
    ]
    message = "S3 bucket data has no BucketPublicAccessBlock."
    assert found == [(bucket_urn, described("s3-public-access-block", message))]
