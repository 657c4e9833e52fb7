"""payments-gateway entry point.

Every credential in this file is synthetic: randomly generated for the leakguard demo, never issued by any provider.
"""
import os

# A token pasted "just for now" as a fallback: the classic leak.
GITHUB_TOKEN = os.environ.get(
    "GITHUB_TOKEN", "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"
)


def main():
    region = os.environ.get("AWS_REGION", "eu-central-1")
    print(f"payments-gateway starting in {region}")


if __name__ == "__main__":
    main()
