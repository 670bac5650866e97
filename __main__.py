"""crosscloud: load settings, build each enabled cloud, export outputs."""

import pulumi

from stacks.aws.platform import AwsPlatform, AwsPlatformArgs
from stacks.gcp.platform import GcpPlatform, GcpPlatformArgs
from stacks.settings import load_settings

settings = load_settings()

if settings.aws is not None:
    aws_platform = AwsPlatform("aws", AwsPlatformArgs(settings=settings))
    pulumi.export("aws", aws_platform.outputs)

if settings.gcp is not None:
    gcp_platform = GcpPlatform("gcp", GcpPlatformArgs(settings=settings))
    pulumi.export("gcp", gcp_platform.outputs)
