"""Adapters from crosscloud rules to pulumi-policy policies.

Only ``policies/__main__.py`` builds the ``PolicyPack`` (that starts a gRPC
server); everything here just builds policy objects, so tests can call
``policy.validate(args, report)`` with pulumi-policy's own argument types.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidation,
    StackValidationArgs,
    StackValidationPolicy,
)

from .catalog import RULES
from .core import ResourceRule, Rule, StackRule, Subject, stack_of
from .settings import PROJECT, SCHEMA, Settings, build_settings

# Stack config keys the rules look at; the CLI passes the stack's config to the pack.
STACK_CONFIG_KEYS = ("environment", "publicApi")


def stack_config() -> dict[str, str]:
    """The stack's own settings the rules use, as far as the CLI passed them to the pack."""
    config = pulumi.Config(PROJECT)
    values = {f"{PROJECT}:{key}": config.get(key) for key in STACK_CONFIG_KEYS}
    return {key: value for key, value in values.items() if value is not None}


def settings_for(policy_config: Mapping[str, Any] | None, urn: str) -> Settings:
    """Settings for one policy run over a resource (or stack) with this URN."""
    return build_settings(policy_config, stack_of(urn), stack_config())


def subject_from_args(args: ResourceValidationArgs) -> Subject:
    """A resource under validation, as a rule sees it."""
    return Subject(
        type=args.resource_type,
        name=args.name,
        urn=args.urn,
        props=args.props,
        protect=bool(args.opts.protect),
        provider_props=args.provider.props if args.provider is not None else {},
        parent=args.opts.parent or "",
    )


def subject_from_resource(resource: PolicyResource) -> Subject:
    """A stack resource (with its outputs and dependencies), as a rule sees it."""
    dependencies = {d.urn for d in resource.dependencies}
    for deps in resource.property_dependencies.values():
        dependencies.update(d.urn for d in deps)
    return Subject(
        type=resource.resource_type,
        name=resource.name,
        urn=resource.urn,
        props=resource.props,
        protect=bool(resource.opts.protect),
        provider_props=resource.provider.props if resource.provider is not None else {},
        parent=resource.parent.urn if resource.parent is not None else "",
        dependencies=tuple(sorted(dependencies)),
    )


def _resource_validation(rule: ResourceRule) -> ResourceValidation:
    """A pulumi-policy resource validation that runs ``rule``."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        """Report each message the rule yields for this resource."""
        settings = settings_for(args.get_config(), args.urn)
        for message in rule.check(subject_from_args(args), settings):
            report_violation(message, None)

    return validate


def _stack_validation(rule: StackRule) -> StackValidation:
    """A pulumi-policy stack validation that runs ``rule``."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        """Report each finding the rule yields, on the resource it names."""
        subjects: Sequence[Subject] = [subject_from_resource(r) for r in args.resources]
        if not subjects:
            return
        settings = settings_for(args.get_config(), subjects[0].urn)
        for finding in rule.check(subjects, settings):
            report_violation(finding.message, finding.urn)

    return validate


def to_policy(rule: Rule) -> Policy:
    """The pulumi-policy policy that runs ``rule``."""
    common: dict[str, Any] = {
        "name": rule.name,
        "description": rule.description,
        "enforcement_level": EnforcementLevel(rule.enforcement),
        "remediation_steps": rule.remediation,
        # Every setting is declared with its default so the CLI fills them in
        # and `--policy-pack-config` is validated against the same schema.
        "config_schema": PolicyConfigSchema(properties=dict(SCHEMA)),
    }
    if isinstance(rule, ResourceRule):
        return ResourceValidationPolicy(validate=_resource_validation(rule), **common)
    if isinstance(rule, StackRule):
        return StackValidationPolicy(validate=_stack_validation(rule), **common)
    raise TypeError(f"rule {rule.name} is neither a resource nor a stack rule")


def policies() -> list[Policy]:
    """Every crosscloud policy, in catalog order."""
    return [to_policy(rule) for rule in RULES]
