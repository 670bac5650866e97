"""Application secrets in Secret Manager, valued only from Pulumi config secrets."""

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.apis import child_options


@dataclass(frozen=True)
class AppSecretsArgs:
    """Secret values by name (each a secret ``Output`` from config) and how to name them."""

    values: Mapping[str, pulumi.Output[str]]
    # Secret ids: "<prefix>-<name>", unique within the project.
    id_prefix: str
    # The provider refuses to delete the secret (a provider-side switch: the API,
    # gcloud and the console can still delete it, and versions are not covered).
    deletion_protection: bool
    # Prod: Pulumi refuses to delete or replace the secrets itself (its
    # settings, policies and alarms stay free to change).
    protect: bool = False


@dataclass(frozen=True)
class StoredSecret:
    """One secret and the version the function is pinned to."""

    secret: gcp.secretmanager.Secret
    version: gcp.secretmanager.SecretVersion

    @property
    def secret_id(self) -> pulumi.Output[str]:
        """The short id (``crosscloud-dev-apiToken``) Cloud Functions references."""
        return self.secret.secret_id

    @property
    def version_number(self) -> pulumi.Output[str]:
        """The version number, e.g. ``"1"``: a new value is a new version and a redeploy."""
        return self.version.version


class AppSecrets(pulumi.ComponentResource):
    """One Secret Manager secret (and its version) per configured app secret.

    Values arrive as Pulumi secrets and stay secrets: they are encrypted in
    state and never exported. Who may read them is granted elsewhere
    (``RuntimeIdentity``), per secret, to the function's own service account.
    """

    def __init__(
        self, name: str, args: AppSecretsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create a secret and a version per entry of ``args.values``."""
        super().__init__("crosscloud:gcp:AppSecrets", name, None, opts)
        child = child_options(self, opts)
        self.stored: dict[str, StoredSecret] = {}
        for secret_name, value in sorted(args.values.items()):
            secret = gcp.secretmanager.Secret(
                f"{name}-{secret_name}",
                secret_id=f"{args.id_prefix}-{secret_name}",
                replication={"auto": {}},
                deletion_protection=args.deletion_protection,
                # The id is fixed and replication is immutable: a replacement must
                # free the id before it is taken again.
                opts=child_options(self, opts, delete_before_replace=True, protect=args.protect),
            )
            version = gcp.secretmanager.SecretVersion(
                f"{name}-{secret_name}",
                secret=secret.id,
                secret_data=pulumi.Output.secret(value),
                # Never protected: a new value replaces the version, and a
                # protected version would refuse every rotation.
                opts=child,
            )
            self.stored[secret_name] = StoredSecret(secret=secret, version=version)
        self.ids = {key: stored.secret_id for key, stored in self.stored.items()}
        self.register_outputs({"ids": self.ids})
