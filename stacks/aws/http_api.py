"""An API Gateway HTTP API in front of one Lambda function."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from stacks.aws.alarm import metric_alarm

# One JSON object per request; never bodies, headers or query strings.
ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
    '"requestTime":"$context.requestTime","method":"$context.httpMethod",'
    '"path":"$context.path","status":"$context.status","protocol":"$context.protocol",'
    '"responseLength":"$context.responseLength","latencyMs":"$context.responseLatency",'
    '"integrationError":"$context.integrationErrorMessage"}'
)
STAGE = "$default"
# What a browser signing requests with SigV4 sends (aws-sdk-js-v3 SignatureV4.signRequest):
# x-amz-security-token with temporary credentials, x-amz-content-sha256 always.
SIGV4_HEADERS = (
    "authorization",
    "content-type",
    "x-amz-content-sha256",
    "x-amz-date",
    "x-amz-security-token",
)


@dataclass(frozen=True)
class HttpApiArgs:
    """The function behind the API and who may call it."""

    function_name: pulumi.Input[str]
    function_invoke_arn: pulumi.Input[str]
    alarm_topic_arn: pulumi.Input[str]
    log_retention_days: int
    # Public: anyone may call. Otherwise callers sign requests (AWS_IAM).
    public: bool
    throttle_rate_per_second: float
    throttle_burst: int
    latency_alarm_ms: int
    cors_origins: Sequence[str] = field(default_factory=tuple)


class HttpApi(pulumi.ComponentResource):
    """HTTP API with a Lambda proxy integration (payload 2.0) on the default stage.

    Every route goes to the function; the stage logs each request as JSON and
    throttles; alarms fire on 5xx responses and p99 latency. The Lambda
    permission admits this API's execution ARN only.
    """

    def __init__(
        self, name: str, args: HttpApiArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        """Create the API, integration, route, stage, permission and alarms."""
        super().__init__("crosscloud:aws:HttpApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        cors: aws.apigatewayv2.ApiCorsConfigurationArgsDict | None = None
        if args.cors_origins:
            cors = {
                "allow_origins": list(args.cors_origins),
                "allow_methods": ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
                "allow_headers": list(SIGV4_HEADERS),
                "max_age": 3600,
            }
        self.api = aws.apigatewayv2.Api(
            name, protocol_type="HTTP", cors_configuration=cors, opts=child
        )
        integration = aws.apigatewayv2.Integration(
            name,
            api_id=self.api.id,
            integration_type="AWS_PROXY",
            # Lambda is always invoked with POST, whatever the client's method.
            integration_method="POST",
            integration_uri=args.function_invoke_arn,
            payload_format_version="2.0",
            opts=child,
        )
        route = aws.apigatewayv2.Route(
            name,
            api_id=self.api.id,
            route_key="$default",
            target=integration.id.apply(lambda i: f"integrations/{i}"),
            authorization_type="NONE" if args.public else "AWS_IAM",
            opts=child,
        )
        access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access", retention_in_days=args.log_retention_days, opts=child
        )
        self.stage = aws.apigatewayv2.Stage(
            name,
            api_id=self.api.id,
            name=STAGE,
            auto_deploy=True,
            access_log_settings={
                "destination_arn": access_logs.arn,
                "format": ACCESS_LOG_FORMAT,
            },
            default_route_settings={
                "throttling_rate_limit": args.throttle_rate_per_second,
                "throttling_burst_limit": args.throttle_burst,
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[route]),
        )
        aws.lambda_.Permission(
            name,
            action="lambda:InvokeFunction",
            function=args.function_name,
            principal="apigateway.amazonaws.com",
            # Only this API, any stage and route, may invoke the function.
            source_arn=self.api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
            opts=child,
        )

        api_stage = {"ApiId": self.api.id, "Stage": STAGE}
        metric_alarm(
            f"{name}-5xx",
            namespace="AWS/ApiGateway",
            metric="5xx",
            dimensions=api_stage,
            threshold=0,
            comparison="GreaterThanThreshold",
            topic_arn=args.alarm_topic_arn,
            parent=self,
            description="The API returned 5xx responses in the last 5 minutes.",
        )
        metric_alarm(
            f"{name}-latency-p99",
            namespace="AWS/ApiGateway",
            metric="Latency",
            dimensions=api_stage,
            statistic=None,
            extended_statistic="p99",
            threshold=args.latency_alarm_ms,
            comparison="GreaterThanThreshold",
            evaluation_periods=3,
            topic_arn=args.alarm_topic_arn,
            parent=self,
            description=f"API p99 latency above {args.latency_alarm_ms} ms for 15 minutes.",
        )

        self.url = self.api.api_endpoint
        self.register_outputs({"url": self.url, "api_id": self.api.id})
