"""The one place that knows which Python the functions run on and which CPUs they are built for.

Bumping the Python version here changes the Lambda runtime, the Cloud Functions
runtime and the wheels the Lambda archives install, together.
"""

# The Python minor version every function is built for and deployed on, on both clouds.
PYTHON_VERSION = "3.12"

# Lambda's runtime identifier, ``python3.12`` (the Runtime enum of the Lambda API,
# which hashicorp/terraform-provider-aws internal/service/lambda/function.go
# validates ``runtime`` against; docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
LAMBDA_RUNTIME = f"python{PYTHON_VERSION}"

# Cloud Functions' runtime ID, ``python312`` (docs.cloud.google.com/run/docs/runtimes/python,
# "Supported Python runtimes": the version without its dot).
CLOUD_FUNCTIONS_RUNTIME = "python" + PYTHON_VERSION.replace(".", "")

# Lambda architecture -> the pip platform tags of wheels that run there. Lambda's
# Python 3.12 runtime runs on Amazon Linux 2023 (glibc 2.34): both tags fit.
LAMBDA_PLATFORMS: dict[str, tuple[str, ...]] = {
    "arm64": ("manylinux2014_aarch64", "manylinux_2_28_aarch64"),
    "x86_64": ("manylinux2014_x86_64", "manylinux_2_28_x86_64"),
}

# The Lambda architectures a stack may choose (config ``functionArchitecture``).
ARCHITECTURES = tuple(LAMBDA_PLATFORMS)
