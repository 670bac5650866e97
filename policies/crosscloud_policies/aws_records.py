"""AWS audit records: VPC flow logs, S3 server access logs, the database's log, pgAudit and PI.

Each record lives in a resource of its own (a flow log, a bucket logging
configuration, a parameter group), so most rules are stack rules that tie
that resource to what it records: by dependency first, then by id or name.
"""

from collections.abc import Iterator, Sequence

from . import documents
from .aws_s3 import BUCKET_POLICIES, BUCKETS, configs_by_bucket
from .core import Finding, ResourceRule, Rule, StackRule, Subject, dig, is_true, items, of_types
from .rds import INSTANCE
from .settings import Settings

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
BUCKET_LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
LOGGING_SERVICE = "logging.s3.amazonaws.com"
# Flow-log traffic types that include refused connections.
RECORDS_REJECTS = ("REJECT", "ALL")


def _owner(config: Subject, candidates: Sequence[Subject]) -> Subject | None:
    """The candidate a resource depends on (its input came from that resource)."""
    by_urn = {c.urn: c for c in candidates}
    return next((by_urn[urn] for urn in config.dependencies if urn in by_urn), None)


def vpc_flow_logs(subjects: Sequence[Subject], _settings: Settings) -> Iterator[Finding]:
    """Every VPC has a flow log that records at least rejected traffic."""
    vpcs = list(of_types(subjects, [VPC]))
    recorded: dict[str, list[str]] = {v.urn: [] for v in vpcs}
    for flow_log in of_types(subjects, [FLOW_LOG]):
        vpc = _owner(flow_log, vpcs)
        if vpc is not None:
            recorded[vpc.urn].append(str(flow_log.props.get("trafficType") or ""))
    for vpc in vpcs:
        traffic = recorded[vpc.urn]
        if not traffic:
            yield Finding(vpc.urn, f"VPC {vpc.name} has no flow log.")
        elif not set(traffic) & set(RECORDS_REJECTS):
            yield Finding(
                vpc.urn,
                f"VPC {vpc.name}'s flow logs record {', '.join(traffic)} only, "
                "not rejected traffic (REJECT or ALL).",
            )


def _target_names(subjects: Sequence[Subject]) -> set[str]:
    """The buckets some logging configuration delivers to (by name)."""
    targets = {str(c.props.get("targetBucket")) for c in of_types(subjects, BUCKET_LOGGING)}
    inline = {str(dig(b.props, "logging", "targetBucket")) for b in of_types(subjects, BUCKETS)}
    return {t for t in targets | inline if t and t != "None"}


def _bucket_names(bucket: Subject) -> set[str]:
    """The names a bucket answers to: its physical name and id."""
    return {str(v) for v in (bucket.props.get("bucket"), bucket.props.get("id")) if v}


def s3_access_logging(subjects: Sequence[Subject], _settings: Settings) -> Iterator[Finding]:
    """Every bucket logs its requests to another bucket, except the log buckets themselves.

    A logging configuration belongs to the bucket its ``bucket`` input names (it
    also depends on its target, so dependencies cannot tell the two apart).
    """
    targets = _target_names(subjects)
    configs = list(of_types(subjects, BUCKET_LOGGING))
    for bucket in of_types(subjects, BUCKETS):
        names = _bucket_names(bucket)
        inline = dig(bucket.props, "logging", "targetBucket")
        own_targets = {
            str(c.props.get("targetBucket")) for c in configs if str(c.props.get("bucket")) in names
        } | ({str(inline)} if inline else set())
        if own_targets & names:
            yield Finding(bucket.urn, f"S3 bucket {bucket.name} logs its requests into itself.")
        elif not own_targets and not names & targets:
            yield Finding(bucket.urn, f"S3 bucket {bucket.name} has no server access logging.")


def _is_log_delivery_grant(statement: object) -> bool:
    """An Allow to the S3 logging service."""
    return (
        isinstance(statement, dict)
        and documents.is_allow(statement)
        and LOGGING_SERVICE in documents.principal_values(statement, "Service")
    )


def _log_delivery_problems(statement: dict[str, object]) -> list[str]:
    """What a log-delivery grant allows beyond s3:PutObject for named sources of one account."""
    problems = []
    if documents.actions(statement) != ["s3:PutObject"]:
        problems.append(f"allows {', '.join(documents.actions(statement))}, not only s3:PutObject")
    if any(not r.partition("/")[2].strip("*") for r in documents.resources(statement)):
        problems.append("admits the whole bucket, not a log prefix")
    keys = documents.condition_keys(statement)
    for key in ("aws:SourceAccount", "aws:SourceArn"):
        if key.lower() not in keys:
            problems.append(f"has no {key} condition")
    if len(documents.principal_values(statement)) != 1:
        problems.append("names other principals besides the logging service")
    return problems


def log_bucket_policy(subjects: Sequence[Subject], _settings: Settings) -> Iterator[Finding]:
    """A log bucket's policy allows only the S3 logging service, narrowly, and nobody else."""
    targets = _target_names(subjects)
    policies = configs_by_bucket(subjects, BUCKET_POLICIES)
    for bucket in of_types(subjects, BUCKETS):
        if not _bucket_names(bucket) & targets:
            continue
        bodies = [bucket.props.get("policy")]
        bodies += [p.props.get("policy") for p in policies[bucket.urn]]
        allows = [s for b in bodies for s in documents.statements(b) if documents.is_allow(s)]
        grants = [dict(s) for s in allows if _is_log_delivery_grant(dict(s))]
        if not grants:
            yield Finding(
                bucket.urn,
                f"Log bucket {bucket.name} has no policy admitting {LOGGING_SERVICE}: "
                "with ACLs disabled, access logs cannot be delivered.",
            )
        for grant in grants:
            for problem in _log_delivery_problems(grant):
                message = f"Log bucket {bucket.name}'s log-delivery grant {problem}."
                yield Finding(bucket.urn, message)
        others = len(allows) - len(grants)
        if others:
            yield Finding(
                bucket.urn,
                f"Log bucket {bucket.name}'s policy allows {others} statement(s) to principals "
                f"other than {LOGGING_SERVICE}.",
            )


def rds_logs_exported(subject: Subject, _settings: Settings) -> Iterator[str]:
    """PostgreSQL instances export their postgresql log to CloudWatch Logs."""
    if subject.type != INSTANCE or not str(subject.props.get("engine", "")).startswith("postgres"):
        return
    exports = [str(e) for e in items(subject.props.get("enabledCloudwatchLogsExports"))]
    if "postgresql" not in exports:
        yield f"RDS {subject.name} does not export its postgresql log to CloudWatch Logs."


def _parameters(group: Subject) -> dict[str, str]:
    """A parameter group's values by lower-cased name."""
    return {
        str(p.get("name", "")).lower(): str(p.get("value", ""))
        for p in items(group.props.get("parameters"))
        if isinstance(p, dict)
    }


def rds_pgaudit(subjects: Sequence[Subject], _settings: Settings) -> Iterator[Finding]:
    """PostgreSQL instances use a parameter group that preloads pgAudit and sets a log scope."""
    groups = list(of_types(subjects, [PARAMETER_GROUP]))
    by_name = {str(g.props.get("name")): g for g in groups if g.props.get("name")}
    for instance in of_types(subjects, [INSTANCE]):
        if not str(instance.props.get("engine", "")).startswith("postgres"):
            continue
        group = _owner(instance, groups) or by_name.get(
            str(instance.props.get("parameterGroupName"))
        )
        if group is None:
            yield Finding(instance.urn, f"RDS {instance.name} has no parameter group of the stack.")
            continue
        values = _parameters(group)
        libraries = [lib.strip() for lib in values.get("shared_preload_libraries", "").split(",")]
        if "pgaudit" not in libraries:
            yield Finding(
                instance.urn,
                f"RDS {instance.name}: parameter group {group.name} does not preload pgaudit.",
            )
        scope = values.get("pgaudit.log", "none").strip().lower()
        if scope in ("", "none"):
            yield Finding(
                instance.urn,
                f"RDS {instance.name}: parameter group {group.name} sets no pgaudit.log classes.",
            )


def rds_performance_insights(subject: Subject, _settings: Settings) -> Iterator[str]:
    """Instances have Performance Insights on."""
    if subject.type == INSTANCE and not is_true(subject.props.get("performanceInsightsEnabled")):
        yield f"RDS {subject.name} does not set performanceInsightsEnabled: true."


RULES: tuple[Rule, ...] = (
    StackRule(
        name="vpc-flow-logs",
        description="Every VPC has a flow log recording at least rejected traffic (REJECT or ALL).",
        remediation=(
            "Add an aws.ec2.FlowLog for the VPC with traffic_type REJECT or ALL "
            "(stacks/aws/flow_logs.py does this; crosscloud:vpcFlowLogTraffic chooses)."
        ),
        why="Refused and unexpected connections leave a record to investigate afterwards.",
        check=vpc_flow_logs,
    ),
    StackRule(
        name="s3-access-logging",
        description=(
            "Every S3 bucket logs its requests to another bucket, except the buckets that "
            "receive access logs."
        ),
        remediation=(
            "Add an aws.s3.BucketLogging for the bucket targeting the stack's log bucket "
            "(stacks/aws/access_logs.py); never target the bucket itself."
        ),
        why="Who read, wrote or deleted which object is recorded outside the bucket.",
        check=s3_access_logging,
    ),
    StackRule(
        name="s3-log-bucket-policy",
        description=(
            "A bucket receiving access logs admits only logging.s3.amazonaws.com, with "
            "s3:PutObject under a prefix and aws:SourceAccount and aws:SourceArn conditions."
        ),
        remediation=(
            "Give the log bucket one Allow for Service logging.s3.amazonaws.com, Action "
            "s3:PutObject on <bucket>/<prefix>*, conditioned on aws:SourceAccount and "
            "aws:SourceArn (SecureBucketArgs.log_delivery does this)."
        ),
        why="Records nobody else can write, and no other bucket can log into.",
        check=log_bucket_policy,
    ),
    ResourceRule(
        name="rds-logs-exported",
        description="RDS PostgreSQL instances export the postgresql log to CloudWatch Logs.",
        remediation="Add 'postgresql' to enabled_cloudwatch_logs_exports.",
        why="Connection, error and pgAudit records outlive the instance's own log rotation.",
        check=rds_logs_exported,
    ),
    StackRule(
        name="rds-pgaudit",
        description=(
            "RDS PostgreSQL instances preload pgaudit and set pgaudit.log classes in their "
            "parameter group."
        ),
        remediation=(
            "Add pgaudit to shared_preload_libraries (apply_method pending-reboot) and set "
            "pgaudit.log (crosscloud:dbAuditLogClasses)."
        ),
        why="Writes, schema changes and grants are recorded with who made them.",
        check=rds_pgaudit,
    ),
    ResourceRule(
        name="rds-performance-insights",
        description="RDS instances have Performance Insights on.",
        remediation="Set performance_insights_enabled=True (7 days retention is free).",
        why="Load and the statements behind it can be examined after an incident.",
        check=rds_performance_insights,
    ),
)
