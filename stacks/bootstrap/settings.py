"""Bootstrap settings: read once from the bootstrap project's config, validated on the way in."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from stacks.config_reader import ConfigReader
from stacks.gcp.accounts import ACCOUNT_ID_PATTERN, build_account_id

PROJECT = "crosscloud-bootstrap"
_REPOSITORY = r"[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}"
_PREFIX = r"[a-z][a-z0-9-]{1,30}"
_GCP_PROJECT = r"[a-z][a-z0-9-]{4,28}[a-z0-9]"
# A stack name short enough that <prefix>-<stack>-build is a service account id (<= 30).
_STACK = r"[a-z][a-z0-9]{0,11}"
_BUCKET = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
_BRANCH = r"[A-Za-z0-9._/-]{1,100}"
_TAG_VALUE = r"[A-Za-z0-9][A-Za-z0-9 ._:/=+@-]{0,62}"
_EMAIL = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
# The stacks the deploy role serves; their names prefix every stack resource.
DEPLOY_STACKS = ("dev", "prod")


@dataclass(frozen=True)
class BootstrapSettings:
    """Who may assume the CI identities, and what they may touch."""

    # owner/name of the one GitHub repository whose workflows are trusted.
    repository: str
    # Physical names of the stacks' resources start with this (crosscloud-<stack>-...).
    resource_prefix: str
    main_branch: str
    # The GitHub environment (with required reviewers) that guards prod.
    prod_environment: str
    # S3 bucket of the Pulumi state backend; empty when state lives elsewhere.
    state_bucket: str
    aws: bool
    # Region of the tagging AWS provider (IAM is global; the provider still needs one).
    aws_region: str
    # The project holding the pool and the CI service accounts.
    gcp_project: str
    # Stack name -> the project it deploys into (dev, prod); empty switches GCP off.
    gcp_stacks: Mapping[str, str] = field(default_factory=dict)
    # The account's one billing alarm: monthly estimated charges (USD) above which
    # it notifies these addresses.
    billing_alarm_usd: int = 0
    billing_alarm_emails: tuple[str, ...] = ()
    # Written to the owner and cost-centre tags, as on every stack resource.
    owner: str = ""
    cost_centre: str = ""

    def tags(self, stack: str) -> dict[str, str]:
        """The tags the policy pack requires on every taggable AWS resource."""
        return {
            "project": PROJECT,
            "stack": stack,
            "environment": "ci",
            "owner": self.owner,
            "cost-centre": self.cost_centre,
        }

    @property
    def gcp(self) -> bool:
        """Whether the GCP side is bootstrapped."""
        return bool(self.gcp_stacks)

    @property
    def gcp_target_projects(self) -> tuple[str, ...]:
        """The projects the stacks deploy into, each once, sorted."""
        return tuple(sorted(set(self.gcp_stacks.values())))


def load_bootstrap_settings() -> BootstrapSettings:
    """Read and validate the bootstrap config; raise ``ConfigError`` listing every bad key."""
    cfg = ConfigReader(PROJECT)
    gcp_cfg = ConfigReader("gcp")
    aws_cfg = ConfigReader("aws")
    settings = BootstrapSettings(
        repository=cfg.string("repository", pattern=_REPOSITORY, allowed="owner/name"),
        resource_prefix=cfg.string(
            "resourcePrefix", pattern=_PREFIX, required=False, default="crosscloud"
        ),
        main_branch=cfg.string("mainBranch", pattern=_BRANCH, required=False, default="main"),
        prod_environment=cfg.string(
            "prodEnvironment", pattern=_BRANCH, required=False, default="prod"
        ),
        state_bucket=cfg.string(
            "stateBucket", pattern=_BUCKET, required=False, allowed="an S3 bucket name"
        ),
        aws=cfg.boolean("aws", default=True),
        aws_region=aws_cfg.string(
            "region",
            pattern=r"[a-z]{2}(-gov)?-[a-z]+-\d",
            allowed="an AWS region such as eu-west-1",
        ),
        gcp_project=gcp_cfg.string(
            "project", pattern=_GCP_PROJECT, required=False, allowed="a GCP project id"
        ),
        owner=cfg.string(
            "owner", pattern=_TAG_VALUE, allowed="1-63 letters, digits, . _ : / = + @ -"
        ),
        cost_centre=cfg.string(
            "costCentre", pattern=_TAG_VALUE, allowed="1-63 letters, digits, . _ : / = + @ -"
        ),
        gcp_stacks=cfg.string_map(
            "gcpTargetProjects",
            key=lambda k: bool(re.fullmatch(_STACK, k)),
            value=lambda v: bool(re.fullmatch(_GCP_PROJECT, v)),
            allowed="stack name (a-z, 0-9, up to 12) to GCP project id",
        ),
        billing_alarm_usd=cfg.integer("billingAlarmUsd", minimum=1, maximum=1_000_000),
        billing_alarm_emails=cfg.string_list(
            "billingAlarmEmails",
            item=lambda v: bool(re.fullmatch(_EMAIL, v)),
            allowed="an email address",
        ),
    )
    # Stack grants cover "<prefix>-<stack>-*"; the state bucket must stay outside them.
    for stack in DEPLOY_STACKS:
        if settings.state_bucket.startswith(f"{settings.resource_prefix}-{stack}-"):
            cfg.problem(
                "stateBucket",
                f"is inside the {stack} stack's names ({settings.resource_prefix}-{stack}-*), "
                "which the deploy role may delete",
            )
    for stack in settings.gcp_stacks:
        account_id = build_account_id(f"{settings.resource_prefix}-{stack}")
        if not re.fullmatch(ACCOUNT_ID_PATTERN, account_id):
            cfg.problem(
                "gcpTargetProjects",
                f"stack {stack!r} makes the service account id {account_id!r}, "
                "longer than IAM's 30 characters; shorten it or resourcePrefix",
            )
    if settings.gcp and not settings.gcp_project:
        cfg.problem("gcpTargetProjects", "is set but gcp:project (the pool's project) is not")
    cfg.problems += gcp_cfg.problems + aws_cfg.problems
    cfg.raise_if_problems()
    return settings
