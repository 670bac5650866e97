"""The function's source archive in the source bucket, named by its content hash."""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from stacks.gcp.apis import child_options


@dataclass(frozen=True)
class FunctionSourceArgs:
    """A built archive (path and SHA-256) and the bucket to put it in."""

    bucket: pulumi.Input[str]
    function_name: str
    archive_path: str
    archive_sha256: str


def object_name(function_name: str, sha256: str) -> str:
    """``<function>/<sha256>.zip``: a new name exactly when the code changed."""
    return f"{function_name}/{sha256}.zip"


class FunctionSource(pulumi.ComponentResource):
    """Uploads the archive; Cloud Functions rebuilds only when the object's name changes.

    Naming by content hash makes an unchanged build a no-op and a changed one
    a new object; the replaced one lingers as a noncurrent version until the
    bucket's lifecycle rule deletes it.
    """

    object: gcp.storage.BucketObject
    bucket: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(
        self, name: str, args: FunctionSourceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Upload ``args.archive_path`` as a child object."""
        super().__init__("crosscloud:gcp:FunctionSource", name, None, opts)
        self.object = gcp.storage.BucketObject(
            name,
            bucket=args.bucket,
            name=object_name(args.function_name, args.archive_sha256),
            source=pulumi.FileAsset(args.archive_path),
            content_type="application/zip",
            opts=child_options(self, opts),
        )
        self.bucket = self.object.bucket
        self.name = self.object.name
        self.register_outputs({"bucket": self.bucket, "name": self.name})
