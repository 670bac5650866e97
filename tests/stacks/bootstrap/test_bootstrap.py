"""The bootstrap project: who may become the CI identities, and what those identities may do.

Synthesized offline from ``bootstrap/`` with its ``main`` stack file
(repository ``example-org/crosscloud``).
"""

import fnmatch
import json
import re
from typing import Any

import pulumi
import pytest
import yaml

from stacks.bootstrap import aws_permissions, gcp_permissions, required_actions
from stacks.gcp import apis as gcp_apis
from tooling.synth import ROOT, Resource, SynthResult, synth

BOOTSTRAP = ROOT / "bootstrap"
REPO = "example-org/crosscloud"
AUD = "token.actions.githubusercontent.com:aud"
SUB = "token.actions.githubusercontent.com:sub"
# IAM counts a managed policy's size without whitespace.
MANAGED_POLICY_MAX_CHARS = 6144
ROLE_ATTACHMENTS_MAX = 10
PREVIEW_VERBS = ("Describe", "Get", "List")
GCP_SA_DOMAIN = "crosscloud-ci.iam.gserviceaccount.com"
POOL = "projects/123456789/locations/global/workloadIdentityPools/crosscloud-github"


@pytest.fixture(scope="module")
def boot() -> SynthResult:
    """The bootstrap program as its main stack registers it."""
    return synth("main", root=BOOTSTRAP)


def _role(boot: SynthResult, kind: str) -> Resource:
    """The preview or deploy role."""
    return boot.one("aws:iam/role:Role", f"github-aws-{kind}")


def _trust(role: Resource) -> dict[str, Any]:
    """A role's one trust statement."""
    statements = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert len(statements) == 1
    return statements[0]


def _policies(boot: SynthResult, kind: str) -> dict[str, dict[str, Any]]:
    """The managed policy documents of one role, by resource name."""
    return {
        p.name: json.loads(p.inputs["policy"])
        for p in boot.of_type("aws:iam/policy:Policy")
        if p.name.startswith(f"github-aws-{kind}-")
    }


def test_oidc_provider_trusts_github_for_sts(boot: SynthResult) -> None:
    """One provider, for GitHub's issuer and the STS audience."""
    provider = boot.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.inputs["url"] == "https://token.actions.githubusercontent.com"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]


@pytest.mark.parametrize(
    ("kind", "subjects"),
    [
        ("preview", [f"repo:{REPO}:pull_request"]),
        ("deploy", [f"repo:{REPO}:ref:refs/heads/main", f"repo:{REPO}:environment:prod"]),
    ],
)
def test_role_trust_is_scoped_to_the_repository(
    boot: SynthResult, kind: str, subjects: list[str]
) -> None:
    """Each role trusts only GitHub's provider, the STS audience and its exact subjects."""
    provider_arn = boot.outputs["awsOidcProviderArn"]
    trust = _trust(_role(boot, kind))
    assert trust["Principal"] == {"Federated": provider_arn}
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    # StringEquals only: a StringLike would let a pattern widen the subjects.
    assert trust["Condition"] == {"StringEquals": {AUD: "sts.amazonaws.com", SUB: subjects}}


def test_no_policy_allows_a_wildcard_action(boot: SynthResult) -> None:
    """Every allowed action is one named action of one service, in every document."""
    documents = [json.loads(p.inputs["policy"]) for p in boot.of_type("aws:iam/policy:Policy")]
    documents += [
        json.loads(r.inputs["assumeRolePolicy"]) for r in boot.of_type("aws:iam/role:Role")
    ]
    assert len(documents) == 17
    for document in documents:
        for statement in document["Statement"]:
            actions = statement["Action"]
            for action in [actions] if isinstance(actions, str) else actions:
                assert re.fullmatch(r"[a-z0-9-]+:[A-Za-z]+", action), action


def test_wildcard_resources_only_where_a_reason_is_written(boot: SynthResult) -> None:
    """Resource '*' appears only for actions AWS cannot scope, each grant with its reason."""
    unscoped = {
        statement["Sid"]
        for document in _policies(boot, "deploy").values()
        for statement in document["Statement"]
        if "*" in statement["Resource"]
    }
    assert unscoped == {"Ec2Describe", "EventSourceMappingCreate", "KmsCreateKey", "LogsUnscoped"}
    grants = {g.sid: g for grants in aws_permissions.DEPLOY.values() for g in grants}
    for sid in unscoped:
        assert len(grants[sid].wildcard_reason) > 40, sid


def test_preview_role_only_reads(boot: SynthResult) -> None:
    """Preview may only Describe/Get/List, plus taking a lock in the state bucket."""
    for name, document in _policies(boot, "preview").items():
        for statement in document["Statement"]:
            if statement["Sid"] == "StateLock":
                assert statement["Resource"] == [
                    "arn:aws:s3:::crosscloud-pulumi-state/.pulumi/locks/organization/crosscloud/dev/*"
                ]
                continue
            for action in statement["Action"]:
                verb = action.split(":")[1]
                assert verb.startswith(PREVIEW_VERBS) or action == "apigateway:GET", (name, action)


def _statement(boot: SynthResult, policy: str, sid: str) -> dict[str, Any]:
    """One statement of one managed policy, by resource name and Sid."""
    document = json.loads(boot.one("aws:iam/policy:Policy", policy).inputs["policy"])
    return next(s for s in document["Statement"] if s["Sid"] == sid)


def test_deploy_iam_cannot_reach_the_ci_roles(boot: SynthResult) -> None:
    """The deployer manages only the stacks' roles, passes them only to Lambda, and is
    explicitly denied the CI roles, their policies and the boundary."""
    stack_roles = [
        "arn:aws:iam::123456789012:role/crosscloud-dev-*",
        "arn:aws:iam::123456789012:role/crosscloud-prod-*",
    ]
    for sid in ("RolesWithBoundary", "StackRoles", "PassStackRoles"):
        assert _statement(boot, "github-aws-deploy-iam", sid)["Resource"] == stack_roles
    for kind in ("preview", "deploy"):
        assert _role(boot, kind).inputs["name"].startswith("github-actions-crosscloud-")
    pass_role = _statement(boot, "github-aws-deploy-iam", "PassStackRoles")
    assert pass_role["Condition"] == {
        "StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}
    }
    deny = _statement(boot, "github-aws-deploy-iam", "NoChangesToCiIdentities")
    assert deny["Effect"] == "Deny"
    assert set(deny["Resource"]) == {
        "arn:aws:iam::123456789012:role/github-actions-crosscloud-*",
        "arn:aws:iam::123456789012:policy/github-actions-crosscloud-*",
        BOUNDARY_ARN,
    }
    assert {"iam:CreatePolicyVersion", "iam:PutRolePolicy", "iam:AttachRolePolicy"} <= set(
        deny["Action"]
    )


BOUNDARY_ARN = "arn:aws:iam::123456789012:policy/github-actions-crosscloud-function-boundary"


def test_roles_are_created_and_changed_only_with_the_boundary(boot: SynthResult) -> None:
    """CreateRole and every policy change need iam:PermissionsBoundary = the function boundary,
    which no grant may remove, and which the bootstrap creates under exactly that ARN."""
    boundary = boot.one("aws:iam/policy:Policy", "github-aws-function-boundary")
    assert boundary.state["arn"] == BOUNDARY_ARN
    with_boundary = _statement(boot, "github-aws-deploy-iam", "RolesWithBoundary")
    assert with_boundary["Condition"] == {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY_ARN}}
    # Every action that takes the iam:PermissionsBoundary key is under the condition.
    assert set(with_boundary["Action"]) == {
        "iam:CreateRole",
        "iam:DeleteRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
    }
    unconditioned = {
        action
        for document in _policies(boot, "deploy").values()
        for statement in document["Statement"]
        if statement["Effect"] == "Allow" and statement["Sid"] != "RolesWithBoundary"
        for action in statement["Action"]
    }
    assert not unconditioned & set(with_boundary["Action"])
    assert "iam:AttachRolePolicy" not in unconditioned
    removal = _statement(boot, "github-aws-deploy-iam", "NoBoundaryRemoval")
    assert (removal["Effect"], removal["Action"]) == ("Deny", ["iam:DeleteRolePermissionsBoundary"])


def test_every_stack_role_carries_the_boundary(synths: dict[str, SynthResult]) -> None:
    """Each IAM role of every stack sets the boundary the bootstrap creates."""
    roles = [r for stack in ("dev", "prod") for r in synths[stack].of_type("aws:iam/role:Role")]
    assert len(roles) >= 4
    assert {r.inputs.get("permissionsBoundary") for r in roles} == {BOUNDARY_ARN}


def _allows(statements: list[dict[str, Any]], action: str, arn: str) -> bool:
    """Whether some Allow statement names the action and a resource pattern matching the ARN."""
    return any(
        s["Effect"] == "Allow"
        and action in s["Action"]
        and any(fnmatch.fnmatchcase(arn, pattern) for pattern in s["Resource"])
        for s in statements
    )


def test_stack_role_policies_fit_inside_the_boundary(
    boot: SynthResult, synths: dict[str, SynthResult]
) -> None:
    """Every action on every resource a stack role policy grants, the boundary allows too."""
    boundary = json.loads(
        boot.one("aws:iam/policy:Policy", "github-aws-function-boundary").inputs["policy"]
    )["Statement"]
    checked = 0
    for stack in ("dev", "prod"):
        for role_policy in synths[stack].of_type("aws:iam/rolePolicy:RolePolicy"):
            for statement in json.loads(role_policy.inputs["policy"])["Statement"]:
                for action in statement["Action"]:
                    for arn in statement["Resource"]:
                        assert _allows(boundary, action, arn), (role_policy.name, action, arn)
                        checked += 1
    assert checked >= 20


# The roles a stack passes to a service other than Lambda, by the Sid that allows it.
SERVICE_ROLES = {
    "PassFlowLogRole": ("vpc-flow-logs.amazonaws.com", "crosscloud-prod-vpc-flow-logs"),
    "PassMonitoringRole": ("monitoring.rds.amazonaws.com", "crosscloud-prod-db-monitoring"),
}


@pytest.fixture(scope="module")
def prod_monitored() -> SynthResult:
    """Prod with enhanced monitoring on, so the monitoring role is registered."""
    return synth("prod", overrides={"crosscloud:dbMonitoringIntervalSeconds": "60"})


def test_records_roles_are_passed_only_to_their_own_service(
    boot: SynthResult, prod_monitored: SynthResult
) -> None:
    """The flow-log and monitoring roles may be passed, each to its one service and by its
    own name only: neither grant matches the functions' roles."""
    functions_roles = [
        r.state["arn"]
        for r in prod_monitored.of_type("aws:iam/role:Role")
        if "lambda.amazonaws.com" in r.inputs["assumeRolePolicy"]
    ]
    assert functions_roles
    for sid, (service, role_name) in SERVICE_ROLES.items():
        grant = _statement(boot, "github-aws-deploy-iam", sid)
        assert grant["Action"] == ["iam:PassRole"]
        assert grant["Condition"] == {"StringEquals": {"iam:PassedToService": service}}
        role = prod_monitored.one("aws:iam/role:Role", role_name)
        assert _allows([grant], "iam:PassRole", role.state["arn"]), sid
        assert not any(_allows([grant], "iam:PassRole", arn) for arn in functions_roles), sid


def test_monitoring_role_policy_fits_inside_the_boundary(
    boot: SynthResult, prod_monitored: SynthResult
) -> None:
    """With enhanced monitoring on, its role policy is inside the boundary too."""
    boundary = json.loads(
        boot.one("aws:iam/policy:Policy", "github-aws-function-boundary").inputs["policy"]
    )["Statement"]
    policy = prod_monitored.one("aws:iam/rolePolicy:RolePolicy", "crosscloud-prod-db-monitoring")
    role = prod_monitored.one("aws:iam/role:Role", "crosscloud-prod-db-monitoring")
    assert role.inputs["permissionsBoundary"] == BOUNDARY_ARN
    pairs = [
        (action, arn)
        for statement in json.loads(policy.inputs["policy"])["Statement"]
        for action in statement["Action"]
        for arn in statement["Resource"]
    ]
    assert len(pairs) == 6
    for action, arn in pairs:
        assert _allows(boundary, action, arn), (action, arn)


def test_boundary_allows_no_action_a_stack_role_is_not_granted(
    boot: SynthResult, synths: dict[str, SynthResult], prod_monitored: SynthResult
) -> None:
    """The boundary is no wider than the roles' policies: each action it allows, some
    stack role policy grants (so a grant dropped from a role is dropped here too)."""
    boundary = json.loads(
        boot.one("aws:iam/policy:Policy", "github-aws-function-boundary").inputs["policy"]
    )["Statement"]
    allowed = {
        action
        for statement in boundary
        if statement["Effect"] == "Allow"
        for action in statement["Action"]
    }
    granted = {
        action
        for result in (synths["dev"], synths["prod"], prod_monitored)
        for role_policy in result.of_type("aws:iam/rolePolicy:RolePolicy")
        for statement in json.loads(role_policy.inputs["policy"])["Statement"]
        for action in statement["Action"]
    }
    assert "dynamodb:Scan" not in allowed
    assert allowed - granted == set()


def test_policies_fit_iam_limits(boot: SynthResult) -> None:
    """Each managed policy is under IAM's size limit, and each role under its attachment limit."""
    for policy in boot.of_type("aws:iam/policy:Policy"):
        size = len(re.sub(r"\s", "", policy.inputs["policy"]))
        assert size <= MANAGED_POLICY_MAX_CHARS, (policy.name, size)
    attachments = boot.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    for kind in ("preview", "deploy"):
        role_name = _role(boot, kind).inputs["name"]
        count = sum(1 for a in attachments if a.inputs["role"] == role_name)
        assert 1 <= count <= ROLE_ATTACHMENTS_MAX


def _aws_types(synths: dict[str, SynthResult]) -> set[str]:
    """Every AWS resource type the dev and prod stacks register."""
    return {
        r.type
        for stack in ("dev", "prod")
        for r in synths[stack].resources
        if r.type.startswith("aws:") and r.custom
    }


def _granted(boot: SynthResult, kind: str) -> set[str]:
    """Every action an Allow statement of one role names."""
    return {
        action
        for document in _policies(boot, kind).values()
        for statement in document["Statement"]
        if statement["Effect"] == "Allow"
        for action in statement["Action"]
    }


def test_deploy_role_covers_every_aws_resource_type(
    boot: SynthResult, synths: dict[str, SynthResult]
) -> None:
    """Each AWS type of dev and prod has a required-actions entry, and the deploy role
    allows every action of it."""
    types = _aws_types(synths)
    assert len(types) >= 30
    assert types - set(required_actions.REQUIRED) == set()
    granted = _granted(boot, "deploy")
    missing = {t: required_actions.required_actions(t) - granted for t in types}
    assert {t: m for t, m in missing.items() if m} == {}


def test_deploy_role_grants_nothing_unrequired(boot: SynthResult) -> None:
    """No more: every granted action is required by some type, is a state-backend action,
    or is listed with its reason."""
    state = {"s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"}
    stack_grants = {
        action
        for name, document in _policies(boot, "deploy").items()
        if not name.endswith("-state")
        for statement in document["Statement"]
        if statement["Effect"] == "Allow"
        for action in statement["Action"]
    }
    extra = stack_grants - required_actions.all_required_actions()
    assert extra == set(aws_permissions.EXTRA_ACTIONS)
    assert all(len(reason) > 20 for reason in aws_permissions.EXTRA_ACTIONS.values())
    state_grants = _granted(boot, "deploy") - stack_grants
    assert state_grants <= state


def test_required_actions_cite_their_source() -> None:
    """Each entry names a pike file or provider source at a commit; every exclusion removes
    an action the source really lists, and every change carries a reason."""
    for token, entry in required_actions.REQUIRED.items():
        assert entry.terraform.startswith("aws_"), token
        assert re.search(r"[0-9a-f]{40}", entry.source) or "Service Authorization" in entry.source
        assert set(entry.excluded) <= set(entry.actions), token
        assert all(len(reason) > 20 for reason in (*entry.excluded.values(), *entry.added.values()))
        for action in entry.required:
            assert re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", action), action


def test_issue_actions_are_granted(boot: SynthResult) -> None:
    """The calls the provider makes that were missing before are granted (issue #3)."""
    granted = _granted(boot, "deploy")
    assert {
        "lambda:PutFunctionEventInvokeConfig",
        "logs:CreateLogDelivery",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "route53:AssociateVPCWithHostedZone",
    } <= granted
    describe = _statement(boot, "github-aws-deploy-observability", "LogsUnscoped")
    assert "logs:DescribeLogGroups" in describe["Action"]
    assert describe["Resource"] == ["*"]
    rds = _statement(boot, "github-aws-deploy-data", "RdsResources")
    assert "arn:aws:rds:*:123456789012:og:default:postgres-16" in rds["Resource"]


def test_event_source_mappings_only_for_the_stacks_functions(boot: SynthResult) -> None:
    """Mappings have generated ids: creating, changing and deleting one is allowed only
    when it invokes a function of the stacks (lambda:FunctionArn)."""
    functions = [
        "arn:aws:lambda:*:123456789012:function:crosscloud-dev-*",
        "arn:aws:lambda:*:123456789012:function:crosscloud-prod-*",
    ]
    create = _statement(boot, "github-aws-deploy-compute", "EventSourceMappingCreate")
    assert create["Action"] == ["lambda:CreateEventSourceMapping"]
    assert create["Resource"] == ["*"]
    assert create["Condition"] == {"ArnLike": {"lambda:FunctionArn": functions}}
    change = _statement(boot, "github-aws-deploy-compute", "EventSourceMappingChange")
    assert change["Action"] == [
        "lambda:DeleteEventSourceMapping",
        "lambda:UpdateEventSourceMapping",
    ]
    assert change["Resource"] == ["arn:aws:lambda:*:123456789012:event-source-mapping:*"]
    assert change["Condition"] == {"ArnLike": {"lambda:FunctionArn": functions}}


# Types whose mock ARN has the real format, so a deploy-role pattern can be checked
# against it, with an action of each that is authorized on the resource itself.
NAMED_TYPES = {
    "aws:cloudwatch/logGroup:LogGroup": "logs:DeleteLogGroup",
    "aws:dynamodb/table:Table": "dynamodb:DeleteTable",
    "aws:iam/role:Role": "iam:DeleteRole",
    "aws:lambda/function:Function": "lambda:DeleteFunction",
    "aws:rds/instance:Instance": "rds:DeleteDBInstance",
    "aws:s3/bucket:Bucket": "s3:DeleteBucket",
    "aws:secretsmanager/secret:Secret": "secretsmanager:DeleteSecret",
    "aws:sns/topic:Topic": "sns:DeleteTopic",
    "aws:sqs/queue:Queue": "sqs:DeleteQueue",
}


def test_deploy_role_resource_patterns_match_the_stacks_arns(
    boot: SynthResult, synths: dict[str, SynthResult]
) -> None:
    """The name-scoped patterns cover what dev and prod create (IAM ``*`` spans ``/``)."""
    statements = [
        s for document in _policies(boot, "deploy").values() for s in document["Statement"]
    ]
    checked = set()
    for stack in ("dev", "prod"):
        for resource in (r for r in synths[stack].resources if r.type in NAMED_TYPES):
            arn = str(resource.state["arn"])
            assert _allows(statements, NAMED_TYPES[resource.type], arn), arn
            checked.add(resource.type)
    assert checked == set(NAMED_TYPES)


def test_state_bucket_is_out_of_reach_of_stack_grants(boot: SynthResult) -> None:
    """Only the state statements name the Pulumi state bucket; no stack grant's pattern
    matches it or its objects."""
    bucket = "arn:aws:s3:::crosscloud-pulumi-state"
    for kind in ("preview", "deploy"):
        for name, document in _policies(boot, kind).items():
            if name.endswith("-state"):
                continue
            for statement in document["Statement"]:
                if statement["Effect"] != "Allow":
                    continue
                for pattern in statement["Resource"]:
                    if pattern == "*":
                        assert not any(a.startswith("s3:") for a in statement["Action"])
                        continue
                    for arn in (bucket, f"{bucket}/.pulumi/stacks/crosscloud/prod.json"):
                        assert not fnmatch.fnmatchcase(arn, pattern), (name, pattern)


def test_preview_role_reads_only_the_dev_stack(boot: SynthResult) -> None:
    """PR previews read dev's state and resources only: no prod name or state key anywhere."""
    for document in _policies(boot, "preview").values():
        assert "prod" not in json.dumps(document)
    read = _statement(boot, "github-aws-preview-state", "StateRead")
    assert read["Resource"] == [
        "arn:aws:s3:::crosscloud-pulumi-state/.pulumi/meta.yaml",
        "arn:aws:s3:::crosscloud-pulumi-state/.pulumi/stacks/crosscloud/dev.json*",
        "arn:aws:s3:::crosscloud-pulumi-state/.pulumi/locks/organization/crosscloud/dev/*",
    ]


def test_kms_and_ec2_writes_need_the_stacks_tag(boot: SynthResult) -> None:
    """Key administration and EC2 writes apply only to resources tagged project=crosscloud
    (or created with that tag in the same request)."""
    tagged = {"StringEquals": {"aws:ResourceTag/project": "crosscloud"}}
    request = {"StringEquals": {"aws:RequestTag/project": "crosscloud"}}
    assert _statement(boot, "github-aws-deploy-data", "KmsTaggedKeys")["Condition"] == tagged
    assert _statement(boot, "github-aws-deploy-data", "KmsCreateKey")["Condition"] == request
    assert _statement(boot, "github-aws-deploy-network", "Ec2ManageTagged")["Condition"] == tagged
    for sid in ("Ec2CreateVpc", "Ec2CreateInVpc"):
        assert _statement(boot, "github-aws-deploy-network", sid)["Condition"] == request
    ec2_writes = {
        a
        for s in json.loads(
            boot.one("aws:iam/policy:Policy", "github-aws-deploy-network").inputs["policy"]
        )["Statement"]
        if "Condition" not in s
        for a in s["Action"]
        if a.startswith("ec2:")
    }
    assert all(a.startswith("ec2:Describe") for a in ec2_writes)


def test_rds_secrets_only_of_the_stacks_instances(boot: SynthResult) -> None:
    """rds!db-* secrets: the deployer reaches them only through RDS; functions only their own."""
    owners = [
        "arn:aws:rds:*:123456789012:db:crosscloud-dev-*",
        "arn:aws:rds:*:123456789012:db:crosscloud-prod-*",
    ]
    checked = 0
    for document in _policies(boot, "deploy").values():
        for statement in document["Statement"]:
            if any("rds!db-" in r for r in statement["Resource"]):
                assert statement["Condition"] == {"Bool": {"aws:ViaAWSService": "true"}}
                checked += 1
    for document in _policies(boot, "function").values():
        for statement in document["Statement"]:
            if any("rds!db-" in r for r in statement["Resource"]):
                values = next(iter(statement["Condition"]["StringLike"].values()))
                assert values == owners, statement["Sid"]
                checked += 1
    assert checked >= 2


def test_bad_state_bucket_inside_stack_names_is_refused() -> None:
    """A state bucket named like a stack resource would be deletable: refused by key."""
    with pytest.raises(pulumi.RunError, match="crosscloud-bootstrap:stateBucket"):
        synth(
            "main",
            root=BOOTSTRAP,
            overrides={"crosscloud-bootstrap:stateBucket": "crosscloud-dev-state"},
        )


def test_one_billing_alarm_per_account_in_us_east_1(boot: SynthResult) -> None:
    """The bootstrap owns the account's billing alarm: us-east-1, threshold from its config,
    notifying an encrypted topic beside it."""
    (alarm,) = boot.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarm.inputs["namespace"] == "AWS/Billing"
    assert alarm.inputs["metricName"] == "EstimatedCharges"
    assert alarm.inputs["threshold"] == 600
    provider = boot.by_urn(alarm.provider.rsplit("::", 1)[0])
    assert provider.inputs["region"] == "us-east-1"
    (topic,) = boot.of_type("aws:sns/topic:Topic")
    assert alarm.inputs["alarmActions"] == [topic.state["arn"]]
    assert topic.inputs["kmsMasterKeyId"]


def test_billing_alarm_emails_subscribe() -> None:
    """Each billingAlarmEmails address subscribes to the billing topic."""
    emails = ["billing@crosscloud.offline"]
    result = synth(
        "main", root=BOOTSTRAP, overrides={"crosscloud-bootstrap:billingAlarmEmails": emails}
    )
    subscriptions = result.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert [s.inputs["endpoint"] for s in subscriptions] == emails


def test_pool_provider_accepts_only_this_repository(boot: SynthResult) -> None:
    """The provider's attribute condition names the repository; the issuer is GitHub's."""
    provider = boot.one("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")
    assert provider.inputs["attributeCondition"] == f"assertion.repository == '{REPO}'"
    assert provider.inputs["oidc"] == {"issuerUri": "https://token.actions.githubusercontent.com"}
    assert provider.inputs["attributeMapping"]["google.subject"] == "assertion.sub"
    assert boot.outputs["githubVariables"]["GCP_WORKLOAD_IDENTITY_PROVIDER"] == (
        f"{POOL}/providers/github"
    )


def test_federation_apis_are_enabled_before_the_pool(boot: SynthResult) -> None:
    """STS and IAM Credentials are on in the pool's project, and the pool waits for them."""
    services = [
        s
        for s in boot.of_type("gcp:projects/service:Service")
        if s.inputs["project"] == "crosscloud-ci"
    ]
    assert {s.inputs["service"] for s in services} == {
        "cloudresourcemanager.googleapis.com",
        "iam.googleapis.com",
        "iamcredentials.googleapis.com",
        "serviceusage.googleapis.com",
        "sts.googleapis.com",
    }
    pool = boot.one("gcp:iam/workloadIdentityPool:WorkloadIdentityPool")
    assert {s.urn for s in services} <= set(pool.dependencies)


def test_target_projects_can_enable_apis_before_the_stacks_run(boot: SynthResult) -> None:
    """Service Usage, Resource Manager and IAM are on in each target project, never disabled.

    The stacks enable everything else themselves, which needs these first.
    """
    services = boot.of_type("gcp:projects/service:Service")
    by_project: dict[str, set[str]] = {}
    for service in services:
        by_project.setdefault(service.inputs["project"], set()).add(service.inputs["service"])
        assert service.inputs["disableOnDestroy"] is False
    for project in ("crosscloud-dev", "crosscloud-prod"):
        assert by_project[project] == {
            "cloudresourcemanager.googleapis.com",
            "iam.googleapis.com",
            "serviceusage.googleapis.com",
        }
    assert set(gcp_apis.BOOTSTRAP_APIS) <= by_project["crosscloud-dev"]


def test_target_projects_match_the_stacks(boot: SynthResult) -> None:
    """Each stack's accounts are made in the project its Pulumi.<stack>.yaml deploys to."""
    for stack in ("dev", "prod"):
        project = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"][
            "gcp:project"
        ]
        accounts = {
            a.inputs["accountId"]: a.inputs["project"]
            for a in boot.of_type("gcp:serviceaccount/account:Account")
        }
        for kind in ("api", "build", "rpt", "sched"):
            assert accounts[f"crosscloud-{stack}-{kind}"] == project


def _sa_bindings(boot: SynthResult, role: str) -> dict[str, set[str]]:
    """Service-account-level bindings of one role: account id -> members."""
    members: dict[str, set[str]] = {}
    for binding in boot.of_type("gcp:serviceaccount/iAMMember:IAMMember"):
        if binding.inputs["role"] == role:
            account = binding.inputs["serviceAccountId"].split("/")[-1].split("@")[0]
            members.setdefault(account, set()).add(binding.inputs["member"])
    return members


def test_service_accounts_are_impersonated_only_by_their_subjects(boot: SynthResult) -> None:
    """workloadIdentityUser goes to the pool's principals for exactly the trusted subjects."""
    subject = f"principal://iam.googleapis.com/{POOL}/subject/repo:{REPO}"
    assert _sa_bindings(boot, "roles/iam.workloadIdentityUser") == {
        "crosscloud-ci-preview": {f"{subject}:pull_request"},
        "crosscloud-ci-deploy": {f"{subject}:ref:refs/heads/main", f"{subject}:environment:prod"},
    }


def test_deployer_acts_only_as_the_stacks_own_accounts(boot: SynthResult) -> None:
    """serviceAccountUser per account (runtime, build, report, scheduler), never on a project."""
    deployer = f"serviceAccount:crosscloud-ci-deploy@{GCP_SA_DOMAIN}"
    assert _sa_bindings(boot, "roles/iam.serviceAccountUser") == {
        f"crosscloud-{stack}-{kind}": {deployer}
        for stack in ("dev", "prod")
        for kind in ("api", "build", "rpt", "sched")
    }
    project_roles = {m.inputs["role"] for m in boot.of_type("gcp:projects/iAMMember:IAMMember")}
    acting = {
        "roles/iam.serviceAccountAdmin",
        "roles/iam.serviceAccountTokenCreator",
        "roles/iam.serviceAccountUser",
    }
    assert not acting & project_roles
    assert "roles/iam.serviceAccountUser" not in gcp_permissions.deploy_roles()
    assert "roles/iam.serviceAccountAdmin" not in gcp_permissions.deploy_roles()


def test_runtime_account_may_sign_only_as_itself(boot: SynthResult) -> None:
    """signBlob for V4 signed URLs: each function account may sign as itself, nobody else may.

    The scheduler's account only carries an OIDC token; it signs nothing.
    """
    signers = _sa_bindings(boot, "roles/iam.serviceAccountTokenCreator")
    assert signers == {
        f"crosscloud-{stack}-{kind}": {
            f"serviceAccount:crosscloud-{stack}-{kind}@crosscloud-{stack}.iam.gserviceaccount.com"
        }
        for stack in ("dev", "prod")
        for kind in ("api", "rpt")
    }


def test_stack_accounts_wait_for_iam_in_their_project(boot: SynthResult) -> None:
    """Creating an account needs the IAM API on in that project first."""
    iam = {
        s.inputs["project"]: s.urn
        for s in boot.of_type("gcp:projects/service:Service")
        if s.inputs["service"] == "iam.googleapis.com"
    }
    for account in boot.of_type("gcp:serviceaccount/account:Account"):
        assert iam[account.inputs["project"]] in account.dependencies, account.name


def test_preview_account_holds_only_viewer_roles(boot: SynthResult) -> None:
    """The preview service account can look, not change."""
    preview = boot.outputs["githubVariables"]["GCP_PREVIEW_SERVICE_ACCOUNT"]
    roles = {
        m.inputs["role"]
        for m in boot.of_type("gcp:projects/iAMMember:IAMMember")
        if m.inputs["member"] == f"serviceAccount:{preview}"
    }
    assert roles == set(gcp_permissions.PREVIEW_ROLES)
    for role in roles:
        assert re.search(r"(viewer|Viewer|Reviewer|browser|reader)$", role), role


def test_project_iam_admin_may_grant_only_the_stacks_roles(
    boot: SynthResult, synths: dict[str, SynthResult]
) -> None:
    """The deployer's project IAM admin is conditioned to the roles the stacks actually grant."""
    admins = [
        m
        for m in boot.of_type("gcp:projects/iAMMember:IAMMember")
        if m.inputs["role"] == gcp_permissions.PROJECT_IAM_ADMIN
    ]
    assert {m.inputs["project"] for m in admins} == {"crosscloud-dev", "crosscloud-prod"}
    for admin in admins:
        assert admin.inputs["condition"]["expression"] == gcp_permissions.grant_limit_expression()
    granted = {
        r.inputs["role"]
        for result in synths.values()
        for r in result.of_type("gcp:projects/iAMMember:IAMMember")
    }
    assert granted <= set(gcp_permissions.GRANTABLE_PROJECT_ROLES)


def test_deploy_account_covers_every_gcp_resource_type(synths: dict[str, SynthResult]) -> None:
    """Each GCP module the stacks use has a deploy role.

    Modules come from the synths and from the GCP components' sources, so a
    component counts even before ``__main__.py`` wires it in.
    """
    modules = {
        gcp_permissions.module_of(r.type)
        for result in synths.values()
        for r in result.resources
        if r.type.startswith("gcp:") and r.custom
    }
    for source in (ROOT / "stacks" / "gcp").glob("*.py"):
        modules |= set(re.findall(r"\bgcp\.([a-z0-9]+)\.[A-Z]\w*\(", source.read_text()))
    assert {"storage", "sql", "cloudfunctionsv2"} <= modules
    assert modules - set(gcp_permissions.DEPLOY_ROLES_BY_MODULE) == set()


def test_every_resource_is_a_child_of_its_component(boot: SynthResult) -> None:
    """Components own their resources (the tagging provider belongs to the program itself)."""
    components = {r.urn for r in boot.resources if not r.custom}
    # AWS and GCP CI, the billing alarm and its topic, and the GCP side's
    # one component per stack (dev, prod).
    assert len(components) == 6
    for resource in boot.resources:
        if resource.custom and not resource.type.startswith("pulumi:providers:"):
            assert resource.parent in components, resource.name


def test_exports_name_the_workflow_variables(boot: SynthResult) -> None:
    """The outputs are exactly the repository variables the workflows read."""
    assert boot.outputs["githubVariables"] == {
        "AWS_PREVIEW_ROLE_ARN": "arn:aws:iam::123456789012:role/github-actions-crosscloud-preview",
        "AWS_DEPLOY_ROLE_ARN": "arn:aws:iam::123456789012:role/github-actions-crosscloud-deploy",
        "GCP_WORKLOAD_IDENTITY_PROVIDER": f"{POOL}/providers/github",
        "GCP_PREVIEW_SERVICE_ACCOUNT": f"crosscloud-ci-preview@{GCP_SA_DOMAIN}",
        "GCP_DEPLOY_SERVICE_ACCOUNT": f"crosscloud-ci-deploy@{GCP_SA_DOMAIN}",
    }


def test_gcp_side_is_skipped_without_target_projects() -> None:
    """An empty gcpTargetProjects bootstraps AWS only."""
    result = synth("main", root=BOOTSTRAP, overrides={"crosscloud-bootstrap:gcpTargetProjects": {}})
    assert not [r for r in result.resources if r.type.startswith("gcp:")]
    assert set(result.outputs["githubVariables"]) == {"AWS_PREVIEW_ROLE_ARN", "AWS_DEPLOY_ROLE_ARN"}


def test_bad_repository_is_reported_by_key() -> None:
    """A repository that is not owner/name stops the program, naming the key."""
    with pytest.raises(pulumi.RunError, match="crosscloud-bootstrap:repository"):
        synth("main", root=BOOTSTRAP, overrides={"crosscloud-bootstrap:repository": "no-slash"})


def test_gcp_targets_need_the_pool_project() -> None:
    """Target projects without gcp:project (where the pool lives) is reported by key."""
    with pytest.raises(pulumi.RunError, match="crosscloud-bootstrap:gcpTargetProjects"):
        synth("main", root=BOOTSTRAP, overrides={"gcp:project": None})


def test_no_state_policy_without_a_state_bucket() -> None:
    """Without stateBucket the roles get no S3 rights outside the stacks' own buckets."""
    result = synth("main", root=BOOTSTRAP, overrides={"crosscloud-bootstrap:stateBucket": None})
    names = {p.name for p in result.of_type("aws:iam/policy:Policy")}
    assert names
    assert not {n for n in names if n.endswith("-state")}


def test_ci_identities_carry_the_required_tags(boot: SynthResult) -> None:
    """The pack's tag policy passes: the roles and OIDC provider get the stack's tags."""
    from tooling.policy_check import evaluate

    providers = boot.of_type("pulumi:providers:aws")
    assert len(providers) == 2
    for provider in providers:
        tags = json.loads(provider.inputs["defaultTags"])["tags"]
        assert tags["project"] == "crosscloud-bootstrap"
        assert (tags["owner"], tags["cost-centre"]) == ("platform-team", "cc-1001")
    urns = {p.urn for p in providers}
    for resource in boot.resources:
        if resource.custom and resource.type.startswith("aws:"):
            assert resource.provider.rsplit("::", 1)[0] in urns, resource.name
    assert [v for v in evaluate(boot) if v.policy == "aws-required-tags"] == []


@pytest.mark.parametrize(
    "overrides",
    [
        # The list form this key had before stacks got their own accounts.
        {"crosscloud-bootstrap:gcpTargetProjects": ["crosscloud-dev"]},
        {"crosscloud-bootstrap:gcpTargetProjects": {"Dev": "crosscloud-dev"}},
        # crosscloud-platform-team-dev-build is longer than IAM's 30-character account ids.
        {"crosscloud-bootstrap:resourcePrefix": "crosscloud-platform-team"},
    ],
)
def test_target_projects_must_map_stacks_to_projects(overrides: dict[str, Any]) -> None:
    """A list, a bad stack name, or account ids IAM would refuse are reported by key."""
    with pytest.raises(pulumi.RunError, match="crosscloud-bootstrap:gcpTargetProjects"):
        synth("main", root=BOOTSTRAP, overrides=overrides)


def test_deploy_role_writes_the_stacks_state_not_the_bootstraps(boot: SynthResult) -> None:
    """The deployer may write dev's and prod's checkpoints, never the bootstrap's own."""
    (statement,) = [
        s
        for document in _policies(boot, "deploy").values()
        for s in document["Statement"]
        if s["Sid"] == "StateReadWrite"
    ]
    resources = statement["Resource"]
    bucket = "arn:aws:s3:::crosscloud-pulumi-state/"

    def allowed(key: str) -> bool:
        """Whether a state object key matches the grant (IAM * spans /)."""
        return any(fnmatch.fnmatchcase(bucket + key, pattern) for pattern in resources)

    assert allowed(".pulumi/stacks/crosscloud/prod.json")
    assert allowed(".pulumi/locks/organization/crosscloud/dev/1.json")
    assert allowed(".pulumi/history/crosscloud/prod/prod-1.history.json")
    assert not allowed(".pulumi/stacks/crosscloud-bootstrap/main.json")
    assert not allowed(".pulumi/locks/organization/crosscloud-bootstrap/main/1.json")


def test_gcp_preview_account_holds_roles_in_dev_only(boot: SynthResult) -> None:
    """Pull requests preview dev only, so the preview account has no role in prod's project."""
    preview = boot.one("gcp:serviceaccount/account:Account", "github-gcp-preview")
    member = preview.state["member"]
    projects = {
        b.inputs["project"]
        for b in boot.of_type("gcp:projects/iAMMember:IAMMember")
        if b.inputs["member"] == member
    }
    assert projects == {"crosscloud-dev"}


def test_security_group_rules_are_claimed_untagged_then_managed_by_tag(boot: SynthResult) -> None:
    """The provider tags a standalone rule after creating it: the deployer may tag only an
    untagged rule, with the stacks' tag, and changes rules only once they carry it."""
    claim = _statement(boot, "github-aws-deploy-network", "Ec2ClaimSecurityGroupRule")
    assert claim["Action"] == ["ec2:CreateTags"]
    assert claim["Resource"] == ["arn:aws:ec2:*:123456789012:security-group-rule/*"]
    assert claim["Condition"] == {
        "StringEquals": {"aws:RequestTag/project": "crosscloud"},
        "Null": {"aws:ResourceTag/project": "true"},
    }
    managed = _statement(boot, "github-aws-deploy-network", "Ec2ManageTagged")
    assert "ec2:ModifySecurityGroupRules" in managed["Action"]
    assert "arn:aws:ec2:*:123456789012:security-group-rule/*" in managed["Resource"]
    describe = _statement(boot, "github-aws-deploy-network", "Ec2Describe")
    assert "ec2:DescribeSecurityGroupRules" in describe["Action"]


def test_event_source_mapping_reads_and_tags_only_the_stacks_tagged_ones(boot: SynthResult) -> None:
    """Mappings take aws:ResourceTag/aws:RequestTag: reads and tags go by the project tag."""
    mappings = ["arn:aws:lambda:*:123456789012:event-source-mapping:*"]
    tags = _statement(boot, "github-aws-deploy-compute", "EventSourceMappingTags")
    assert tags["Action"] == [
        "lambda:GetEventSourceMapping",
        "lambda:ListTags",
        "lambda:TagResource",
        "lambda:UntagResource",
    ]
    assert tags["Resource"] == mappings
    assert tags["Condition"] == {"StringEquals": {"aws:ResourceTag/project": "crosscloud"}}
    on_create = _statement(boot, "github-aws-deploy-compute", "EventSourceMappingTagOnCreate")
    assert on_create["Action"] == ["lambda:TagResource"]
    assert on_create["Resource"] == mappings
    assert on_create["Condition"] == {
        "StringEquals": {"aws:RequestTag/project": "crosscloud"},
        "Null": {"aws:ResourceTag/project": "true"},
    }


def test_function_roles_use_topic_keys_of_their_own_stack_only(
    boot: SynthResult, synths: dict[str, SynthResult]
) -> None:
    """One boundary for dev and prod: the key's stack tag must be the role's own."""
    statements = json.loads(
        boot.one("aws:iam/policy:Policy", "github-aws-function-boundary").inputs["policy"]
    )["Statement"]
    (keys,) = [s for s in statements if s["Sid"] == "FunctionTopicKeys"]
    assert keys["Condition"] == {
        "StringEquals": {
            "aws:ResourceTag/project": "crosscloud",
            "aws:ResourceTag/stack": "${aws:PrincipalTag/stack}",
        }
    }
    # Both sides carry the tag: every role and key comes from a provider tagging the stack.
    for stack in ("dev", "prod"):
        providers = {
            p.urn: json.loads(p.inputs["defaultTags"])["tags"]
            for p in synths[stack].of_type("pulumi:providers:aws")
        }
        for type_ in ("aws:iam/role:Role", "aws:kms/key:Key"):
            for resource in synths[stack].of_type(type_):
                tags = providers[resource.provider.rsplit("::", 1)[0]]
                assert tags["stack"] == stack, resource.name
