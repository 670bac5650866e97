"""Rules for the Google Cloud resource types this program registers, read from the provider sources.

Sources (hashicorp/terraform-provider-google, generated from GoogleCloudPlatform/magic-modules):
  google/verify/validation.go @0937ec5 (ValidateRFC1035Name, RFC1035NameTemplate),
  google/services/resourcemanager/resource_google_service_account.go @0540ffe,
  google/services/iambeta/resource_iam_workload_identity_pool.go @0937ec5,
  google/services/iambeta/resource_iam_workload_identity_pool_provider.go @0937ec5,
  google/services/resourcemanager/resource_google_project_service.go @1658bf8.
Rules marked CLOUD_API are the API's own limits (documented in the schema
descriptions or the API reference), which fail at apply.
"""

from collections.abc import Mapping
from typing import Any

from tooling.preflight.provider_rules.checks import (
    AllOf,
    DoesNotMatch,
    Length,
    Matches,
    Predicate,
)
from tooling.preflight.provider_rules.engine import CLOUD_API, AutoName, Rule

TFGOOGLE = "hashicorp/terraform-provider-google google/"
LABELS = (
    "Google Cloud label requirements (API reference of every labels field, e.g. "
    "Instance.labels: keys 1-63 starting with a lowercase letter, values 0-63 of lowercase "
    "letters, digits, _ and -)"
)

# ValidateRFC1035Name(6, 30) = ^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$
SERVICE_ACCOUNT_ID = Matches(
    r"[a-z](?:[-a-z0-9]{4,28}[a-z0-9])",
    "6-30 lowercase letters, digits and hyphens, starting with a letter, not ending with -",
)
# ValidateWorkloadIdentityPoolId / ValidateWorkloadIdentityPoolProviderId
WORKLOAD_IDENTITY_ID = AllOf(
    (
        Matches(r"[0-9a-z-]+", "lowercase letters, digits and hyphens"),
        Length(4, 32),
        DoesNotMatch(r"^gcp-", "not starting with gcp-"),
    )
)
LABEL_KEY = Matches(
    r"[a-z][a-z0-9_-]{0,62}", "1-63 lowercase letters, digits, _ and -, from a letter"
)
LABEL_VALUE = Matches(r"[a-z0-9_-]{0,63}", "0-63 lowercase letters, digits, _ and -")


def _exactly_one_of_aws_oidc(inputs: Any) -> bool:
    """ExactlyOneOf: []string{"aws", "oidc"}."""
    if not isinstance(inputs, Mapping):
        return False
    return sum(inputs.get(key) not in (None, {}, []) for key in ("aws", "oidc")) == 1


# validateProjectServiceService: these are enabled only as a side effect of others, or renamed.
UNSETTABLE_SERVICES = (
    "dataproc-control.googleapis.com",
    "source.googleapis.com",
    "stackdriverprovisioning.googleapis.com",
    "bigquery-json.googleapis.com",
)


def _is_settable_service(value: Any) -> bool:
    """A service domain such as serviceusage.googleapis.com, not an ignored or banned one."""
    return isinstance(value, str) and "." in value and value not in UNSETTABLE_SERVICES


AUTONAMES: tuple[AutoName, ...] = ()

_POOL = f"{TFGOOGLE}services/iambeta/resource_iam_workload_identity_pool.go"
_PROVIDER = f"{TFGOOGLE}services/iambeta/resource_iam_workload_identity_pool_provider.go"

RULES: tuple[Rule, ...] = (
    Rule(
        "gcp:serviceaccount/account:Account",
        "accountId",
        SERVICE_ACCOUNT_ID,
        f"{TFGOOGLE}services/resourcemanager/resource_google_service_account.go account_id "
        "ValidateRFC1035Name(6, 30)",
    ),
    Rule(
        "gcp:serviceaccount/account:Account",
        "description",
        Length(0, 256),
        f"{TFGOOGLE}services/resourcemanager/resource_google_service_account.go description",
    ),
    Rule(
        "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
        "workloadIdentityPoolId",
        WORKLOAD_IDENTITY_ID,
        f"{_POOL} ValidateWorkloadIdentityPoolId",
    ),
    Rule(
        "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
        "displayName",
        Length(0, 32),
        f"{_POOL} display_name ('Cannot exceed 32 characters')",
        CLOUD_API,
    ),
    Rule(
        "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
        "description",
        Length(0, 256),
        f"{_POOL} description ('Cannot exceed 256 characters')",
        CLOUD_API,
    ),
    Rule(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "workloadIdentityPoolProviderId",
        WORKLOAD_IDENTITY_ID,
        f"{_PROVIDER} ValidateWorkloadIdentityPoolProviderId",
    ),
    Rule(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "displayName",
        Length(0, 32),
        f"{_PROVIDER} display_name ('Cannot exceed 32 characters')",
        CLOUD_API,
    ),
    Rule(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "attributeCondition",
        Length(0, 4096),
        f"{_PROVIDER} attribute_condition ('maximum length ... is 4096 characters')",
        CLOUD_API,
    ),
    Rule(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "",
        Predicate(_exactly_one_of_aws_oidc, "exactly one of aws and oidc"),
        f"{_PROVIDER} aws/oidc ExactlyOneOf",
    ),
    Rule(
        "gcp:projects/service:Service",
        "service",
        Predicate(
            _is_settable_service,
            "a service domain such as serviceusage.googleapis.com, not one of "
            + ", ".join(UNSETTABLE_SERVICES),
        ),
        f"{TFGOOGLE}services/resourcemanager/resource_google_project_service.go "
        "validateProjectServiceService",
    ),
    Rule(
        "gcp:secretmanager/secret:Secret",
        "secretId",
        AllOf((Length(1, 255), Matches(r"[A-Za-z0-9_-]+", "letters, digits, - and _"))),
        "Secret Manager API projects.secrets.create secretId",
        CLOUD_API,
    ),
    Rule("pulumi:providers:gcp", "defaultLabels{key}", LABEL_KEY, LABELS, CLOUD_API),
    Rule("pulumi:providers:gcp", "defaultLabels{}", LABEL_VALUE, LABELS, CLOUD_API),
    Rule(
        "gcp:sql/databaseInstance:DatabaseInstance",
        "settings.userLabels{key}",
        LABEL_KEY,
        LABELS,
        CLOUD_API,
    ),
    Rule(
        "gcp:sql/databaseInstance:DatabaseInstance",
        "settings.userLabels{}",
        LABEL_VALUE,
        LABELS,
        CLOUD_API,
    ),
    Rule("gcp:storage/bucket:Bucket", "labels{key}", LABEL_KEY, LABELS, CLOUD_API),
    Rule("gcp:storage/bucket:Bucket", "labels{}", LABEL_VALUE, LABELS, CLOUD_API),
)
