#!/bin/sh
# Every credential in this file is synthetic: randomly generated for the leakguard demo, never issued by any provider.
# This script holds no credential: it only passes variables through (decoys).
set -eu
: "${GITHUB_TOKEN:?set GITHUB_TOKEN}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID}"
curl -fsS -H "Authorization: Bearer ${SLACK_BOT_TOKEN}" \
    https://slack.com/api/auth.test
