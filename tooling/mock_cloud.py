"""Realistic provider answers for the mock monitor: ids, ARNs, endpoints and the invokes we use.

The mocks never decide what the program registers; they only fill in what a
provider would compute (ids, ARNs, URLs), deterministically, so two synths of
the same sources are identical.
"""

import hashlib
from typing import Any

import pulumi

ACCOUNT_ID = "123456789012"
AVAILABILITY_ZONE_SUFFIXES = ("a", "b", "c")
GET_ACCOUNT = "gcp:serviceaccount/getAccount:getAccount"
EC2_ID_PREFIXES = {
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
}


def _suffix(*parts: str) -> str:
    """A stable 7-hex suffix, standing in for Pulumi's random auto-name suffix."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:7]


class CloudMocks(pulumi.runtime.Mocks):
    """Answers resource registrations and invokes like the AWS and GCP providers would."""

    def __init__(self, *, aws_region: str, gcp_project: str, gcp_region: str) -> None:
        """Mock one AWS account/region and one GCP project/region."""
        self.aws_region = aws_region
        self.gcp_project = gcp_project
        self.gcp_region = gcp_region
        # Provider id -> the region it was configured with, so a resource's
        # ARN names the region of the provider it was registered with.
        self._provider_regions: dict[str, str] = {}

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Answer the invokes the program uses; an unknown invoke is a test failure."""
        region = args.args.get("region") or self.aws_region
        answers: dict[str, dict[str, Any]] = {
            "aws:index/getCallerIdentity:getCallerIdentity": {
                "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:role/deployer",
                "userId": "AROAEXAMPLE:deployer",
                "id": ACCOUNT_ID,
            },
            "aws:index/getRegion:getRegion": {
                "name": region,
                "region": region,
                "id": region,
                "endpoint": f"ec2.{region}.amazonaws.com",
                "description": region,
            },
            "aws:index/getPartition:getPartition": {
                "partition": "aws",
                "dnsSuffix": "amazonaws.com",
                "id": "aws",
                "reverseDnsPrefix": "com.amazonaws",
            },
            "aws:index/getAvailabilityZones:getAvailabilityZones": {
                "names": [f"{region}{s}" for s in AVAILABILITY_ZONE_SUFFIXES],
                "zoneIds": [f"euw1-az{i}" for i in range(1, 4)],
                "id": region,
                "groupNames": [region],
            },
            "gcp:organizations/getProject:getProject": {
                "projectId": self.gcp_project,
                "number": "123456789",
                "name": self.gcp_project,
                "id": f"projects/{self.gcp_project}",
            },
        }
        if args.token == GET_ACCOUNT:
            # The bootstrap creates the stacks' accounts; IAM answers by account id.
            answers[args.token] = self._service_account(
                str(args.args["accountId"]), str(args.args.get("project") or self.gcp_project)
            )
        if args.token not in answers:
            raise NotImplementedError(f"the offline synth has no mock for invoke {args.token}")
        return answers[args.token], []

    @staticmethod
    def _service_account(account_id: str, project: str) -> dict[str, Any]:
        """What IAM returns for a service account: its email, resource name and member."""
        email = f"{account_id}@{project}.iam.gserviceaccount.com"
        return {
            "accountId": account_id,
            "email": email,
            "member": f"serviceAccount:{email}",
            "name": f"projects/{project}/serviceAccounts/{email}",
            "id": f"projects/{project}/serviceAccounts/{email}",
            "uniqueId": "1" + _suffix(project, account_id),
            "project": project,
        }

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        """Return (id, state): the inputs plus the computed attributes the provider would add."""
        inputs = dict(args.inputs)
        if not args.custom:
            return "", inputs
        package = args.typ.split(":", 1)[0]
        if args.typ == "pulumi:providers:aws":
            provider_id = f"{args.name}-{_suffix(args.typ, args.name)}"
            self._provider_regions[provider_id] = str(inputs.get("region") or self.aws_region)
            return provider_id, inputs
        if package == "aws":
            provider_id = (args.provider or "").rsplit("::", 1)[-1]
            region = self._provider_regions.get(provider_id, self.aws_region)
            return self._aws(args.typ, args.name, inputs, region)
        if package == "gcp":
            return self._gcp(args.typ, args.name, inputs)
        if args.typ == "random:index/randomId:RandomId":
            # Deterministic "random" bytes, so two synths of the same sources agree.
            digest = hashlib.sha256(f"{args.name}/{sorted(inputs.items())}".encode())
            raw = digest.digest()[: int(inputs.get("byteLength", 8))]
            return raw.hex(), inputs | {"hex": raw.hex(), "dec": str(int.from_bytes(raw))}
        return f"{args.name}-{_suffix(args.typ, args.name)}", inputs

    def _aws(
        self, typ: str, name: str, inputs: dict[str, Any], provider_region: str
    ) -> tuple[str, dict[str, Any]]:
        region = inputs.get("region") or provider_region
        account = ACCOUNT_ID
        auto = f"{name}-{_suffix(typ, name)}"
        module = typ.split(":")[1].split("/")[0]
        state = dict(inputs)
        match typ:
            case "aws:s3/bucket:Bucket":
                bucket = inputs.get("bucket") or auto
                state |= {
                    "bucket": bucket,
                    "arn": f"arn:aws:s3:::{bucket}",
                    "bucketDomainName": f"{bucket}.s3.amazonaws.com",
                    "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
                    "region": region,
                }
                return bucket, state
            case "aws:dynamodb/table:Table":
                table = inputs.get("name") or auto
                arn = f"arn:aws:dynamodb:{region}:{account}:table/{table}"
                return table, state | {"name": table, "arn": arn}
            case "aws:iam/role:Role" | "aws:iam/policy:Policy":
                kind = "role" if typ.endswith("Role") else "policy"
                role = inputs.get("name") or auto
                return role, state | {"name": role, "arn": f"arn:aws:iam::{account}:{kind}/{role}"}
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
                # The ARN names the issuer host, as IAM does.
                host = str(inputs.get("url", "")).removeprefix("https://")
                arn = f"arn:aws:iam::{account}:oidc-provider/{host}"
                return arn, state | {"arn": arn}
            case "aws:sns/topic:Topic":
                topic = inputs.get("name") or auto
                arn = f"arn:aws:sns:{region}:{account}:{topic}"
                return arn, state | {"name": topic, "arn": arn}
            case "aws:sqs/queue:Queue":
                queue = inputs.get("name") or auto
                arn = f"arn:aws:sqs:{region}:{account}:{queue}"
                url = f"https://sqs.{region}.amazonaws.com/{account}/{queue}"
                return url, state | {"name": queue, "arn": arn, "url": url}
            case "aws:secretsmanager/secret:Secret":
                secret = inputs.get("name") or auto
                arn = f"arn:aws:secretsmanager:{region}:{account}:secret:{secret}-AbCdEf"
                return arn, state | {"name": secret, "arn": arn}
            case "aws:kms/key:Key":
                key_id = f"mrk-{_suffix(typ, name)}"
                return key_id, state | {
                    "keyId": key_id,
                    "arn": f"arn:aws:kms:{region}:{account}:key/{key_id}",
                }
            case "aws:rds/instance:Instance":
                ident = inputs.get("identifier") or auto
                address = f"{ident}.c9akciq32.{region}.rds.amazonaws.com"
                secret_arn = f"arn:aws:secretsmanager:{region}:{account}:secret:rds!db-{ident}-XyZ"
                return ident, state | {
                    "identifier": ident,
                    "arn": f"arn:aws:rds:{region}:{account}:db:{ident}",
                    "address": address,
                    "endpoint": f"{address}:5432",
                    "port": 5432,
                    "resourceId": f"db-{_suffix(typ, name).upper()}",
                    "masterUserSecrets": [
                        {"secretArn": secret_arn, "secretStatus": "active", "kmsKeyId": ""}
                    ],
                }
            case "aws:lambda/function:Function":
                fn = inputs.get("name") or auto
                arn = f"arn:aws:lambda:{region}:{account}:function:{fn}"
                invoke = (
                    f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}"
                    "/invocations"
                )
                return fn, state | {
                    "name": fn,
                    "arn": arn,
                    "qualifiedArn": f"{arn}:$LATEST",
                    "invokeArn": invoke,
                    "version": "$LATEST",
                }
            case "aws:apigatewayv2/api:Api":
                api_id = _suffix(typ, name)[:7]
                return api_id, state | {
                    "apiEndpoint": f"https://{api_id}.execute-api.{region}.amazonaws.com",
                    "executionArn": f"arn:aws:execute-api:{region}:{account}:{api_id}",
                    "arn": f"arn:aws:apigateway:{region}::/apis/{api_id}",
                }
            case "aws:cloudwatch/logGroup:LogGroup":
                group = inputs.get("name") or auto
                return group, state | {"arn": f"arn:aws:logs:{region}:{account}:log-group:{group}"}
            case "aws:ec2/vpcEndpoint:VpcEndpoint":
                endpoint = f"vpce-{_suffix(typ, name)}"
                state["arn"] = f"arn:aws:ec2:{region}:{account}:vpc-endpoint/{endpoint}"
                if inputs.get("vpcEndpointType") == "Gateway":
                    # The AWS-managed prefix list of the service's addresses.
                    state["prefixListId"] = (
                        f"pl-{_suffix('prefix-list', str(inputs.get('serviceName')))}"
                    )
                return endpoint, state
            case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
                rule = f"sgr-{_suffix(typ, name)}"
                arn = f"arn:aws:ec2:{region}:{account}:security-group-rule/{rule}"
                return rule, state | {"arn": arn, "securityGroupRuleId": rule}
            case "aws:ec2/vpc:Vpc":
                vpc = f"vpc-{_suffix(typ, name)}"
                return vpc, state | {
                    "arn": f"arn:aws:ec2:{region}:{account}:vpc/{vpc}",
                    "defaultSecurityGroupId": f"sg-{_suffix('default', name)}",
                }
        resource_id = f"{EC2_ID_PREFIXES.get(typ, module)}-{_suffix(typ, name)}"
        # The engine auto-names resources that have a name property.
        state.setdefault("name", auto)
        state.setdefault(
            "arn", f"arn:aws:{module}:{region}:{account}:{typ.rsplit(':', 1)[1].lower()}/{name}"
        )
        return resource_id, state

    def _gcp(self, typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        project = inputs.get("project") or self.gcp_project
        region = inputs.get("location") or inputs.get("region") or self.gcp_region
        auto = f"{name}-{_suffix(typ, name)}"
        state = dict(inputs)
        match typ:
            case "pulumi:providers:gcp":
                return "gcp-provider-id", state
            case "gcp:storage/bucket:Bucket":
                bucket = inputs.get("name") or auto
                return bucket, state | {
                    "name": bucket,
                    "url": f"gs://{bucket}",
                    "selfLink": f"https://www.googleapis.com/storage/v1/b/{bucket}",
                }
            case "gcp:storage/bucketObject:BucketObject":
                obj = inputs.get("name") or auto
                return f"{inputs.get('bucket')}-{obj}", state | {
                    "name": obj,
                    "md5hash": "bW9jay1tZDU=",
                    "generation": 1,
                }
            case "gcp:serviceaccount/account:Account":
                account_id = inputs.get("accountId") or name
                email = f"{account_id}@{project}.iam.gserviceaccount.com"
                return f"projects/{project}/serviceAccounts/{email}", state | {
                    "email": email,
                    "member": f"serviceAccount:{email}",
                    "name": f"projects/{project}/serviceAccounts/{email}",
                    "uniqueId": "1" + _suffix(typ, name),
                }
            case "gcp:artifactregistry/repository:Repository":
                # The id is the full path; ``name`` is the short id (name_from_self_link).
                repository = inputs.get("repositoryId") or auto
                path = f"projects/{project}/locations/{region}/repositories/{repository}"
                return path, state | {"name": repository}
            case "gcp:iam/workloadIdentityPool:WorkloadIdentityPool":
                # Pools and providers are named by project number, not id.
                pool_id = inputs.get("workloadIdentityPoolId")
                pool = f"projects/123456789/locations/global/workloadIdentityPools/{pool_id}"
                return pool, state | {"name": pool, "state": "ACTIVE"}
            case "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider":
                provider = (
                    f"projects/123456789/locations/global/workloadIdentityPools/"
                    f"{inputs.get('workloadIdentityPoolId')}/providers/"
                    f"{inputs.get('workloadIdentityPoolProviderId')}"
                )
                return provider, state | {"name": provider, "state": "ACTIVE"}
            case "gcp:secretmanager/secret:Secret":
                secret_id = inputs.get("secretId") or auto
                return f"projects/{project}/secrets/{secret_id}", state | {
                    "name": f"projects/123456789/secrets/{secret_id}",
                    "project": project,
                }
            case "gcp:secretmanager/secretVersion:SecretVersion":
                return f"{inputs.get('secret')}/versions/1", state | {
                    "name": f"{inputs.get('secret')}/versions/1",
                    "version": "1",
                }
            case "gcp:sql/databaseInstance:DatabaseInstance":
                instance = inputs.get("name") or auto
                return instance, state | {
                    "name": instance,
                    "connectionName": f"{project}:{region}:{instance}",
                    "privateIpAddress": "",
                    "publicIpAddress": "34.76.0.10",
                }
            case "gcp:pubsub/topic:Topic":
                topic = inputs.get("name") or auto
                return f"projects/{project}/topics/{topic}", state | {"name": topic}
            case "gcp:cloudscheduler/job:Job":
                job = inputs.get("name") or auto
                return f"projects/{project}/locations/{region}/jobs/{job}", state | {
                    "name": job,
                    "state": "ENABLED",
                }
            case "gcp:cloudfunctionsv2/function:Function":
                fn = inputs.get("name") or auto
                uri = f"https://{fn}-{_suffix(typ, name)}-ew.a.run.app"
                service_config = dict(inputs.get("serviceConfig") or {})
                service_config |= {
                    "uri": uri,
                    "service": f"projects/{project}/locations/{region}/services/{fn}",
                }
                return f"projects/{project}/locations/{region}/functions/{fn}", state | {
                    "name": fn,
                    "url": uri,
                    "serviceConfig": service_config,
                    "state": "ACTIVE",
                }
            case (
                "gcp:monitoring/notificationChannel:NotificationChannel"
                | "gcp:monitoring/alertPolicy:AlertPolicy"
            ):
                # Monitoring names end in a server-assigned number; the id is the name.
                collection = "notificationChannels" if "Channel" in typ else "alertPolicies"
                resource_name = f"projects/{project}/{collection}/{int(_suffix(typ, name), 16)}"
                return resource_name, state | {"name": resource_name}
        return f"projects/{project}/{typ.rsplit(':', 1)[1].lower()}/{auto}", state
