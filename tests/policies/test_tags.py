"""Required tags and labels, merged with provider defaults; the taggable lists match the SDKs."""

import inspect
import json
from collections.abc import Callable

import pytest

from policies.crosscloud_policies import tags
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings
from tooling.synth import SynthResult

MakeSubject = Callable[..., Subject]
SdkClass = Callable[[str], type]
REQUIRED = {
    "project": "crosscloud",
    "stack": "dev",
    "environment": "dev",
    "owner": "platform",
    "cost-centre": "cc-1",
}


def test_provider_default_tags_satisfy_the_rule(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """Tags set on the provider (JSON-encoded, as the engine sends them) count for the resource."""
    bucket = subject(
        "aws:s3/bucket:Bucket", {}, provider_props={"defaultTags": json.dumps({"tags": REQUIRED})}
    )
    assert list(tags.required_tags(bucket, dev_settings)) == []


def test_own_tags_complete_the_provider_defaults(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """Own tags and provider defaults are merged."""
    partial = {k: v for k, v in REQUIRED.items() if k != "owner"}
    table = subject(
        "aws:dynamodb/table:Table",
        {"tags": {"owner": "data-team"}},
        provider_props={"defaultTags": {"tags": partial}},
    )
    assert list(tags.required_tags(table, dev_settings)) == []


def test_missing_and_empty_tags_fail(subject: MakeSubject, dev_settings: Settings) -> None:
    """A missing key and an empty value are both reported."""
    vpc = subject("aws:ec2/vpc:Vpc", {"tags": {**REQUIRED, "owner": " "}}, name="vpc")
    vpc = Subject(
        vpc.type,
        vpc.name,
        vpc.urn,
        {"tags": {k: v for k, v in vpc.props["tags"].items() if k != "stack"}},
    )
    assert list(tags.required_tags(vpc, dev_settings)) == ["Vpc vpc lacks tag(s) stack, owner."]


def test_untaggable_resources_are_skipped(subject: MakeSubject, dev_settings: Settings) -> None:
    """Resources without tags (route table associations, bucket policies) are not checked."""
    association = subject("aws:ec2/routeTableAssociation:RouteTableAssociation", {"subnetId": "s"})
    assert list(tags.required_tags(association, dev_settings)) == []


def test_unlisted_aws_type_with_tags_is_checked(
    subject: MakeSubject, dev_settings: Settings
) -> None:
    """A type missing from AWS_TAGGABLE is still checked when it passes a tags input."""
    queue = subject(
        "aws:sfn/stateMachine:StateMachine", {"tags": {"project": "crosscloud"}}, name="sm"
    )
    assert list(tags.required_tags(queue, dev_settings)) == [
        "StateMachine sm lacks tag(s) stack, environment, owner, cost-centre."
    ]


def test_gcp_labels_merge_provider_defaults(subject: MakeSubject, dev_settings: Settings) -> None:
    """Default labels from the gcp provider count; missing ones are named."""
    bucket = subject(
        "gcp:storage/bucket:Bucket",
        {"labels": {"cost-centre": "cc-1"}},
        name="b",
        provider_props={
            "defaultLabels": json.dumps({k: v for k, v in REQUIRED.items() if k != "cost-centre"})
        },
    )
    assert list(tags.required_labels(bucket, dev_settings)) == []
    bare = subject("gcp:storage/bucket:Bucket", {}, name="b")
    assert list(tags.required_labels(bare, dev_settings)) == [
        "Bucket b lacks label(s) project, stack, environment, owner, cost-centre."
    ]


def test_cloud_sql_needs_user_labels(subject: MakeSubject, dev_settings: Settings) -> None:
    """Cloud SQL ignores provider default labels; settings.userLabels must carry them."""
    defaults = {"defaultLabels": json.dumps(REQUIRED)}
    unlabelled = subject(tags.CLOUD_SQL, {"settings": {}}, name="sql", provider_props=defaults)
    labelled = subject(tags.CLOUD_SQL, {"settings": {"userLabels": REQUIRED}}, name="sql")
    assert len(list(tags.required_labels(unlabelled, dev_settings))) == 1
    assert list(tags.required_labels(labelled, dev_settings)) == []


def sdk_inputs(cls: type) -> set[str]:
    """The Python input names of an SDK resource class."""
    return set(inspect.signature(cls._internal_init).parameters)  # type: ignore[attr-defined]


@pytest.mark.parametrize("type_", sorted(tags.AWS_TAGGABLE))
def test_aws_taggable_types_take_tags(type_: str, sdk_class: SdkClass) -> None:
    """Every listed AWS type exists in pulumi-aws and accepts tags."""
    assert "tags" in sdk_inputs(sdk_class(type_))


@pytest.mark.parametrize("type_", sorted(tags.GCP_LABELLED))
def test_gcp_labelled_types_take_labels(type_: str, sdk_class: SdkClass) -> None:
    """Every listed GCP type exists in pulumi-gcp and has standard labels (defaults apply)."""
    assert "labels" in sdk_inputs(sdk_class(type_))
    assert hasattr(sdk_class(type_), "effective_labels")


def test_every_taggable_type_the_stacks_register_is_listed(
    synths: dict[str, SynthResult], sdk_class: SdkClass
) -> None:
    """A new taggable type in the stacks must join the lists (else untagged ones slip through)."""
    registered = {
        r.type
        for result in synths.values()
        for r in result.resources
        if r.custom and r.type.startswith(("aws:", "gcp:"))
    }
    unlisted: list[str] = []
    for type_ in sorted(registered):
        cls = sdk_class(type_)
        inputs = sdk_inputs(cls)
        if type_.startswith("aws:") and "tags" in inputs and type_ not in tags.AWS_TAGGABLE:
            unlisted.append(type_)
        labelled = type_.startswith("gcp:") and hasattr(cls, "effective_labels")
        if labelled and type_ not in tags.GCP_LABELLED:
            unlisted.append(type_)
    assert unlisted == []
