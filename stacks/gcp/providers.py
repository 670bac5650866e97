"""The explicit Google Cloud provider: one project and region, the stack's labels on everything."""

import pulumi
import pulumi_gcp as gcp

from stacks.settings import Settings


def gcp_provider(name: str, settings: Settings, parent: pulumi.Resource) -> gcp.Provider:
    """A provider for ``settings.gcp``'s project and region that labels every labelable resource."""
    if settings.gcp is None:
        raise ValueError("gcp_provider needs settings.gcp")
    return gcp.Provider(
        name,
        project=settings.gcp.project,
        region=settings.gcp.region,
        default_labels=settings.labels,
        opts=pulumi.ResourceOptions(parent=parent),
    )
