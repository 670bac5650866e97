"""Application secrets in Secrets Manager, valued only from Pulumi config secrets."""

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AppSecretsArgs:
    """Secret values by name (each a secret ``Output`` from config) and where to put them."""

    values: Mapping[str, pulumi.Output[str]]
    # Secrets Manager paths: "<prefix>/<name>".
    path_prefix: str
    # Days a deleted secret can still be restored (0 deletes at once, for dev).
    recovery_window_days: int
    # Prod: Pulumi refuses to delete or replace the secrets itself (its
    # settings, policies and alarms stay free to change).
    protect: bool = False


class AppSecrets(pulumi.ComponentResource):
    """One Secrets Manager secret (and its current version) per configured app secret.

    Values arrive as Pulumi secrets and stay secrets: they are encrypted in
    state and never exported. ``arns`` maps each name to its secret's ARN.
    """

    def __init__(
        self, name: str, args: AppSecretsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create a secret and a version per entry of ``args.values``."""
        super().__init__("crosscloud:aws:AppSecrets", name, None, opts)
        self.arns: dict[str, pulumi.Output[str]] = {}
        for secret_name, value in sorted(args.values.items()):
            secret = aws.secretsmanager.Secret(
                f"{name}-{secret_name}",
                name=f"{args.path_prefix}/{secret_name}",
                description=f"crosscloud application secret {secret_name}",
                recovery_window_in_days=args.recovery_window_days,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
            aws.secretsmanager.SecretVersion(
                f"{name}-{secret_name}",
                secret_id=secret.id,
                secret_string=pulumi.Output.secret(value),
                # Never protected: a new value replaces the version (secret_string
                # forces a new one), and a protected version refuses every rotation.
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.arns[secret_name] = secret.arn
        self.register_outputs({"arns": self.arns})
