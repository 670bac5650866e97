"""The crosscloud CrossGuard pack: `pulumi preview --policy-pack policies`.

Building the PolicyPack starts pulumi-policy's gRPC server and blocks, so this
file is only ever run by the Pulumi CLI; tests and `make policy` import the
rules from crosscloud_policies instead.
"""

from crosscloud_policies.catalog import PACK_NAME
from crosscloud_policies.pack import policies
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name=PACK_NAME,
    policies=policies(),
    enforcement_level=EnforcementLevel.MANDATORY,
)
