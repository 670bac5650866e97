"""The cloud side of CI's trust: GitHub OIDC on AWS and GCP, run once by a platform engineer."""
