"""Who read or wrote which object: Cloud Storage Data Access audit logs for the stack's project.

Chosen over GCS usage logs (a log bucket written hourly by
``cloud-storage-analytics@google.com``) because an audit log entry names the
caller (``protoPayload.authenticationInfo.principalEmail``) and the object, is
written as the request happens, and needs no bucket, no grant to a Google-owned
group and no lifecycle of its own; usage logs record only the client IP and are
best-effort. The cost: the setting is per project and per service, so it covers
every bucket in the project (Cloud Functions' and Cloud Build's staging buckets
too), and each entry is billed as Cloud Logging ingestion (docs/gcp.md "Records").
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.apis import child_options

STORAGE_SERVICE = "storage.googleapis.com"
# Object reads and lists (DATA_READ) and object writes and deletes (DATA_WRITE);
# bucket administration is already in the Admin Activity log, which is always on.
DATA_ACCESS_LOG_TYPES = ("DATA_READ", "DATA_WRITE")


@dataclass(frozen=True)
class StorageAuditLogsArgs:
    """The project, and who (if anyone) is left out of the record."""

    project: str
    # Principals whose reads and writes are not logged (the cheapest way down
    # in volume, at the price of their part of the record); none by default.
    exempted_members: Sequence[str] = field(default_factory=tuple)


class StorageAuditLogs(pulumi.ComponentResource):
    """One ``IAMAuditConfig`` turning Data Access logs on for Cloud Storage in the project.

    ``google_project_iam_audit_config`` is authoritative for its service: it
    replaces any audit config for ``storage.googleapis.com`` already in the
    project's IAM policy (and two stacks in one project would overwrite each
    other's). It writes through ``projects.setIamPolicy`` with the update mask
    ``bindings,etag,auditConfigs`` (hashicorp/terraform-provider-google
    google/tpgiamresource/resource_iam_audit_config.go and
    google/services/resourcemanager/iam_project.go), so the deployer needs
    ``resourcemanager.projects.setIamPolicy``; it changes no role grant, so the
    deployer's ``modifiedGrantsByRole`` condition admits it
    (stacks/bootstrap/gcp_permissions.py).
    """

    audit_config: gcp.projects.IAMAuditConfig

    def __init__(
        self, name: str, args: StorageAuditLogsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the audit config as a child."""
        super().__init__("crosscloud:gcp:StorageAuditLogs", name, None, opts)
        exempted = sorted(args.exempted_members)
        log_configs: list[gcp.projects.IAMAuditConfigAuditLogConfigArgsDict] = [
            {"log_type": log_type, "exempted_members": exempted}
            if exempted
            else {"log_type": log_type}
            for log_type in DATA_ACCESS_LOG_TYPES
        ]
        self.audit_config = gcp.projects.IAMAuditConfig(
            name,
            project=args.project,
            service=STORAGE_SERVICE,
            audit_log_configs=log_configs,
            opts=child_options(self, opts),
        )
        self.register_outputs({"service": self.audit_config.service})
