"""The S3 object indexer: keeps a DynamoDB row per object, in event order."""
