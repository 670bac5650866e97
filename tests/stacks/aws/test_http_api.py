"""The HTTP API: Lambda proxy (payload 2.0), IAM auth unless public, logs, throttling, alarms."""

import json

import pytest

from tooling.synth import SynthResult, synth


def test_proxy_integration_to_the_api_function(dev: SynthResult) -> None:
    """One $default route to an AWS_PROXY integration with payload 2.0 on the API function."""
    api = dev.one("aws:apigatewayv2/api:Api")
    integration = dev.one("aws:apigatewayv2/integration:Integration")
    route = dev.one("aws:apigatewayv2/route:Route")
    function = dev.one("aws:lambda/function:Function", "crosscloud-dev-api")
    assert api.inputs["protocolType"] == "HTTP"
    assert integration.inputs["integrationType"] == "AWS_PROXY"
    assert integration.inputs["payloadFormatVersion"] == "2.0"
    assert integration.inputs["integrationUri"] == function.state["invokeArn"]
    assert route.inputs["routeKey"] == "$default"
    assert route.inputs["target"] == f"integrations/{integration.id}"
    assert dev.outputs["aws"]["apiUrl"] == api.state["apiEndpoint"]


@pytest.mark.parametrize(("public", "authorization"), [("false", "AWS_IAM"), ("true", "NONE")])
def test_authorization_follows_public_switch(public: str, authorization: str) -> None:
    """Private by default (SigV4-signed callers only); open only with publicApi: true."""
    result = synth("dev", overrides={"crosscloud:publicApi": public})
    assert result.one("aws:apigatewayv2/route:Route").inputs["authorizationType"] == authorization


def test_permission_scoped_to_this_api(dev: SynthResult) -> None:
    """API Gateway may invoke the function only from this API's execution ARN."""
    api = dev.one("aws:apigatewayv2/api:Api")
    permission = dev.one("aws:lambda/permission:Permission", "crosscloud-dev-http")
    assert permission.inputs["principal"] == "apigateway.amazonaws.com"
    assert permission.inputs["sourceArn"] == f"{api.state['executionArn']}/*/*"
    assert permission.inputs["function"] == "crosscloud-dev-api"


def test_stage_logs_and_throttles(dev: SynthResult, prod: SynthResult) -> None:
    """The default stage logs JSON to a retained log group and throttles by environment."""
    for result, rate in ((dev, 20), (prod, 500)):
        stage = result.one("aws:apigatewayv2/stage:Stage")
        assert stage.inputs["name"] == "$default"
        assert stage.inputs["autoDeploy"] is True
        assert stage.inputs["defaultRouteSettings"]["throttlingRateLimit"] == rate
        fields = json.loads(stage.inputs["accessLogSettings"]["format"])
        assert {"requestId", "status", "latencyMs"} <= set(fields)
        group = next(
            g
            for g in result.of_type("aws:cloudwatch/logGroup:LogGroup")
            if g.state["arn"] == stage.inputs["accessLogSettings"]["destinationArn"]
        )
        assert group.inputs["retentionInDays"] == int(result.config["crosscloud:logRetentionDays"])


def test_cors_from_config(dev: SynthResult) -> None:
    """CORS allows exactly the configured origins; none configured means no CORS block."""
    origins = json.loads(dev.config["crosscloud:corsAllowedOrigins"])
    api = dev.one("aws:apigatewayv2/api:Api")
    assert api.inputs["corsConfiguration"]["allowOrigins"] == origins
    bare = synth("dev", overrides={"crosscloud:corsAllowedOrigins": []})
    assert "corsConfiguration" not in bare.one("aws:apigatewayv2/api:Api").inputs


def test_cors_admits_a_browser_signing_with_temporary_credentials(dev: SynthResult) -> None:
    """The API is AWS_IAM: a browser's SigV4 request carries these headers, all preflighted."""
    headers = dev.one("aws:apigatewayv2/api:Api").inputs["corsConfiguration"]["allowHeaders"]
    assert {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"} <= {
        h.lower() for h in headers
    }


def test_api_alarms(dev: SynthResult) -> None:
    """5xx responses and p99 latency alarm on this API's default stage."""
    api = dev.one("aws:apigatewayv2/api:Api")
    alarms = {
        a.inputs["metricName"]: a
        for a in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if a.inputs.get("namespace") == "AWS/ApiGateway"
    }
    assert sorted(alarms) == ["5xx", "Latency"]
    for alarm in alarms.values():
        assert alarm.inputs["dimensions"] == {"ApiId": api.id, "Stage": "$default"}
