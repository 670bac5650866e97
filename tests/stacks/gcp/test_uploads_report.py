"""The GCP report pipeline: reports bucket, private function, its grants, topic and schedule."""

import base64
import json
from collections import Counter

from stacks.gcp.accounts import report_account_id, scheduler_account_id
from tests.stacks.gcp.conftest import AccountEmail
from tooling.synth import Resource, SynthResult, synth

FUNCTION = "gcp:cloudfunctionsv2/function:Function"
JOB = "gcp:cloudscheduler/job:Job"
TOPIC = "gcp:pubsub/topic:Topic"
INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
BUCKET = "gcp:storage/bucket:Bucket"


def _report(stack: SynthResult) -> Resource:
    """The report function."""
    return stack.one(FUNCTION, f"crosscloud-{stack.stack}-report")


def _email(stack: SynthResult, account_id: str) -> str:
    """An account's email in the stack's project."""
    return f"{account_id}@{stack.config['gcp:project']}.iam.gserviceaccount.com"


def test_reports_bucket_is_private_versioned_and_in_the_region(stack: SynthResult) -> None:
    """The same defaults as every bucket: uniform access, public access prevented, versions."""
    bucket = stack.one(BUCKET, f"crosscloud-{stack.stack}-reports")
    assert bucket.inputs["uniformBucketLevelAccess"] is True
    assert bucket.inputs["publicAccessPrevention"] == "enforced"
    assert bucket.inputs["versioning"] == {"enabled": True}
    assert bucket.inputs["location"] == stack.config["gcp:region"].upper()
    assert bucket.protect is (stack.stack == "prod")


def test_function_runs_the_report_entry_point_as_its_own_account(stack: SynthResult) -> None:
    """Entry point ``report`` of the report archive, as crosscloud-<stack>-rpt, one instance."""
    function = stack.one(FUNCTION, f"crosscloud-{stack.stack}-report")
    prefix = f"crosscloud-{stack.stack}"
    assert function.inputs["buildConfig"]["entryPoint"] == "report"
    source = stack.one("gcp:storage/bucketObject:BucketObject", f"{prefix}-report-source")
    assert (
        function.inputs["buildConfig"]["source"]["storageSource"]["object"]
        == (source.inputs["name"])
    )
    assert source.inputs["name"].startswith("report/")
    config = function.inputs["serviceConfig"]
    assert config["serviceAccountEmail"] == _email(stack, report_account_id(prefix))
    assert config["maxInstanceCount"] == 1
    assert config["timeoutSeconds"] == 300
    assert config["secretEnvironmentVariables"] == []


def test_environment_names_the_buckets_topic_and_database(stack: SynthResult) -> None:
    """Reports go to the reports bucket; figures come from the uploads bucket and Cloud SQL."""
    env = _report(stack).inputs["serviceConfig"]["environmentVariables"]
    prefix = f"crosscloud-{stack.stack}"
    reports = stack.one(BUCKET, f"{prefix}-reports").state["name"]
    uploads = stack.one(BUCKET, f"{prefix}-uploads").state["name"]
    topic = stack.one(TOPIC)
    user = stack.one("gcp:sql/user:User", f"{prefix}-report-db-user")
    assert env["REPORTS_URL"] == f"gs://{reports}"
    assert env["UPLOADS_URL"] == f"gs://{uploads}"
    assert env["REPORT_TOPIC"] == f"projects/{stack.config['gcp:project']}/topics/{prefix}-report"
    assert topic.inputs["name"] == f"{prefix}-report"
    assert env["DB_USER"] == user.inputs["name"]
    assert env["DB_IAM_AUTH"] == "true"
    assert "DB_PASSWORD" not in env


def test_only_the_scheduler_account_may_invoke_it(stack: SynthResult) -> None:
    """One run.invoker binding on the report's service: the scheduler account, never allUsers."""
    function = _report(stack)
    service = function.state["serviceConfig"]["service"].rsplit("/", 1)[-1]
    bindings = [b for b in stack.of_type(INVOKER) if b.inputs["name"] == service]
    scheduler = _email(stack, scheduler_account_id(f"crosscloud-{stack.stack}"))
    assert [(b.inputs["role"], b.inputs["member"]) for b in bindings] == [
        ("roles/run.invoker", f"serviceAccount:{scheduler}")
    ]


def test_public_api_does_not_open_the_report(public_dev: SynthResult) -> None:
    """publicApi opens the API only."""
    function = _report(public_dev)
    service = function.state["serviceConfig"]["service"].rsplit("/", 1)[-1]
    members = {
        b.inputs["member"] for b in public_dev.of_type(INVOKER) if b.inputs["name"] == service
    }
    assert "allUsers" not in members
    assert len(members) == 1


def test_report_account_holds_exactly_its_grants(
    stack: SynthResult, account_email: AccountEmail
) -> None:
    """List uploads, write reports, publish to its topic, connect and log in to Cloud SQL."""
    member = f"serviceAccount:{account_email(stack, 'rpt')}"
    prefix = f"crosscloud-{stack.stack}"
    bucket_grants = {
        (g.inputs["bucket"], g.inputs["role"])
        for g in stack.of_type("gcp:storage/bucketIAMMember:BucketIAMMember")
        if g.inputs["member"] == member
    }
    assert bucket_grants == {
        (stack.one(BUCKET, f"{prefix}-uploads").state["name"], "roles/storage.legacyBucketReader"),
        (stack.one(BUCKET, f"{prefix}-reports").state["name"], "roles/storage.objectUser"),
    }
    (publish,) = [
        g
        for g in stack.of_type("gcp:pubsub/topicIAMMember:TopicIAMMember")
        if g.inputs["member"] == member
    ]
    assert publish.inputs["role"] == "roles/pubsub.publisher"
    assert (
        publish.inputs["topic"] == f"projects/{stack.config['gcp:project']}/topics/{prefix}-report"
    )
    project_roles = Counter(
        g.inputs["role"]
        for g in stack.of_type("gcp:projects/iAMMember:IAMMember")
        if g.inputs["member"] == member
    )
    assert project_roles == Counter({"roles/cloudsql.client": 1, "roles/cloudsql.instanceUser": 1})


def test_report_database_user_may_only_read(stack: SynthResult) -> None:
    """An IAM database user in pg_read_all_data: it counts channels, never writes."""
    user = stack.one("gcp:sql/user:User", f"crosscloud-{stack.stack}-report-db-user")
    assert user.inputs["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"
    assert user.inputs["databaseRoles"] == ["pg_read_all_data"]
    assert user.inputs["name"] == f"crosscloud-{stack.stack}-rpt@{stack.config['gcp:project']}.iam"


def test_topic_keeps_messages_in_the_region_for_a_week(stack: SynthResult) -> None:
    """Message storage limited to the stack's region; Google-managed encryption like the rest."""
    topic = stack.one(TOPIC)
    assert topic.inputs["messageStoragePolicy"] == {
        "allowedPersistenceRegions": [stack.config["gcp:region"]]
    }
    assert topic.inputs["messageRetentionDuration"] == "604800s"
    assert "kmsKeyName" not in topic.inputs


def test_job_posts_an_empty_body_with_an_oidc_token_weekly(stack: SynthResult) -> None:
    """Schedule and time zone from config; OIDC as the scheduler account, audience the URL."""
    job = stack.one(JOB)
    function = _report(stack)
    target = job.inputs["httpTarget"]
    assert job.inputs["schedule"] == "0 6 * * 1"
    assert job.inputs["timeZone"] == "UTC"
    assert job.inputs["region"] == stack.config["gcp:region"]
    assert target["uri"] == function.state["url"]
    assert target["httpMethod"] == "POST"
    assert json.loads(base64.b64decode(target["body"])) == {}
    assert target["oidcToken"] == {
        "serviceAccountEmail": _email(stack, scheduler_account_id(f"crosscloud-{stack.stack}")),
        "audience": function.state["url"],
    }
    assert "oauthToken" not in target


def test_job_retries_within_bounds_and_outlives_the_function(stack: SynthResult) -> None:
    """Three retries with backoff; the attempt deadline covers the function's 300 s timeout."""
    job = stack.one(JOB)
    assert job.inputs["retryConfig"] == {
        "retryCount": 3,
        "minBackoffDuration": "60s",
        "maxBackoffDuration": "600s",
        "maxDoublings": 3,
        "maxRetryDuration": "3600s",
    }
    assert job.inputs["attemptDeadline"] == "320s"
    assert _report(stack).urn in job.dependencies


def test_schedule_and_time_zone_follow_config() -> None:
    """reportSchedule and reportTimeZone drive the job like the EventBridge schedule."""
    result = synth(
        "dev",
        overrides={
            "crosscloud:reportSchedule": "30 7 * * FRI",
            "crosscloud:reportTimeZone": "Europe/Paris",
        },
    )
    job = result.one(JOB)
    assert (job.inputs["schedule"], job.inputs["timeZone"]) == ("30 7 * * 5", "Europe/Paris")
