"""SQS event source mappings fit the queue and the function they join.

Rules that span three resources, so no per-resource provider rule can hold
them. For each Lambda event source mapping on a queue of the stack:

- the queue's visibility timeout is at least the function's timeout: Lambda's
  CreateEventSourceMapping refuses a shorter one (InvalidParameterValueException
  "Queue visibility timeout ... is less than Function timeout"), at apply;
- it is at least six times the function's timeout, as the Lambda developer
  guide asks for SQS event sources ("Configuring a queue to use with Lambda"):
  a batch Lambda retries after throttling must not be handed out again while
  it is still being processed;
- the queue has a redrive policy, so a message that keeps failing ends in a
  dead-letter queue instead of being retried until its retention runs out;
- with reserved concurrency on the function, the mapping's maximum concurrency
  is no higher (Lambda developer guide, "Configuring maximum concurrency"):
  above it the poller invokes into throttles, which use up receive counts.

Defaults where the program leaves an input unset are the providers' and
clouds' (visibility timeout 30 s, function timeout 3 s).
"""

from collections.abc import Iterable

from tooling.preflight.findings import Finding
from tooling.synth import Resource, SynthResult

CHECK = "event-sources"
MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
QUEUE = "aws:sqs/queue:Queue"
FUNCTION = "aws:lambda/function:Function"
VISIBILITY_TIMEOUT_FACTOR = 6
DEFAULT_VISIBILITY_TIMEOUT = 30  # sqs/queue.go DefaultQueueVisibilityTimeout
DEFAULT_FUNCTION_TIMEOUT = 3  # lambda/function.go timeout Default
_GUIDE = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html"


def check(result: SynthResult) -> Iterable[Finding]:
    """A finding per SQS mapping whose queue or concurrency does not fit its function."""
    queues = {str(q.state.get("arn")): q for q in result.of_type(QUEUE)}
    functions = result.of_type(FUNCTION)
    findings: list[Finding] = []
    for mapping in result.of_type(MAPPING):
        queue = queues.get(str(mapping.inputs.get("eventSourceArn")))
        function = _function(functions, str(mapping.inputs.get("functionName", "")))
        if queue is None or function is None:
            continue
        findings.extend(_fit(mapping, queue, function))
    return findings


def _function(functions: list[Resource], name_or_arn: str) -> Resource | None:
    """The function a mapping names, by name or ARN."""
    for function in functions:
        if name_or_arn in (function.state.get("name"), function.state.get("arn")):
            return function
    return None


def _fit(mapping: Resource, queue: Resource, function: Resource) -> Iterable[Finding]:
    """The findings for one mapping."""
    visibility = int(queue.inputs.get("visibilityTimeoutSeconds", DEFAULT_VISIBILITY_TIMEOUT))
    timeout = int(function.inputs.get("timeout", DEFAULT_FUNCTION_TIMEOUT))
    if visibility < timeout:
        yield Finding(
            check=CHECK,
            subject=mapping.urn,
            problem=f"the queue's visibility timeout ({visibility} s) is shorter than the "
            f"function's timeout ({timeout} s): rejected by the cloud API (apply)",
            fix=f"set visibility_timeout_seconds to at least {VISIBILITY_TIMEOUT_FACTOR * timeout}",
        )
    elif visibility < VISIBILITY_TIMEOUT_FACTOR * timeout:
        yield Finding(
            check=CHECK,
            subject=mapping.urn,
            problem=f"the queue's visibility timeout ({visibility} s) is under "
            f"{VISIBILITY_TIMEOUT_FACTOR} times the function's timeout ({timeout} s): a batch "
            "retried after throttling can be delivered twice at once",
            fix=f"set visibility_timeout_seconds to at least {VISIBILITY_TIMEOUT_FACTOR * timeout} "
            f"({_GUIDE})",
        )
    if not queue.inputs.get("redrivePolicy"):
        yield Finding(
            check=CHECK,
            subject=queue.urn,
            problem="the queue has no redrive policy: a message that keeps failing is retried "
            "until its retention ends, then lost",
            fix=f"give it a redrive_policy to a dead-letter queue ({_GUIDE})",
        )
    reserved = function.inputs.get("reservedConcurrentExecutions")
    maximum = (mapping.inputs.get("scalingConfig") or {}).get("maximumConcurrency")
    if reserved is not None and maximum is not None and int(maximum) > int(reserved):
        yield Finding(
            check=CHECK,
            subject=mapping.urn,
            problem=f"maximum concurrency {int(maximum)} exceeds the function's reserved "
            f"concurrency {int(reserved)}: the poller invokes into throttles",
            fix="set scaling_config.maximum_concurrency to at most the reservation",
        )
