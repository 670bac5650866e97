"""What ``make local`` prints once everything is up: where to send requests, and how."""

from tooling.local_cloud.cloud import Endpoints


def render(endpoints: Endpoints, logs: str) -> str:
    """The endpoint URLs and a few requests to copy."""
    aws, gcp = endpoints.aws_api, endpoints.gcp_api
    return f"""
The local cloud is up.
  AWS endpoint  {aws}   (functions/api/lambda_handler.py via HTTP API v2 events)
  GCP endpoint  {gcp}   (functions/api/main.py on functions-framework)
  moto server   {endpoints.moto}   (S3, DynamoDB, SQS, Secrets Manager)
  GCS emulator  {endpoints.gcs}
  logs          {logs}/

Try:
  curl {aws}/health/ready
  curl {gcp}/channels
  curl -X POST {aws}/channels -H 'Content-Type: application/json' \\
       -d '{{"id": "my-channel", "name": "My channel", "url": "https://example.com"}}'
  curl -X POST {aws}/files -F key=notes/hello.txt -F 'file=@README.md;type=text/plain'
  curl -X POST {aws}/files/notes/hello.txt/link -H 'Content-Type: application/json' -d '{{}}'
  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws --endpoint-url {endpoints.moto} \\
       --region {endpoints.region} dynamodb scan --table-name {endpoints.index_table}

Ctrl-C stops everything.
"""
