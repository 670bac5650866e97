"""crosscloud: load settings, build each enabled cloud, export outputs."""

import pulumi

from stacks.aws.platform import AwsPlatform, AwsPlatformArgs
from stacks.settings import load_settings

settings = load_settings()

if settings.aws is not None:
    aws_platform = AwsPlatform("aws", AwsPlatformArgs(settings=settings))
    pulumi.export("aws", aws_platform.outputs)
