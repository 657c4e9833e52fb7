/* The hook scripts that `leakguard install-hooks` writes: the same text as
 * hooks/pre-commit and hooks/pre-push in the source tree (a unit test
 * compares them), embedded so that the binary works with no files
 * installed. */
#include "source/git.h"

#include <string.h>

static const char pre_commit[] =
    "#!/bin/sh\n"
    "# leakguard pre-commit hook: refuses a commit whose staged changes add a\n"
    "# secret (leakguard git --staged reports findings on added lines only).\n"
    "# Installed by 'leakguard install-hooks'; skip it once with\n"
    "# 'git commit --no-verify'.  LEAKGUARD names the binary (default: the\n"
    "# leakguard found on PATH).  A hook that was here before is kept as\n"
    "# pre-commit.local and runs first.\n"
    "# leakguard-hook v1\n"
    "here=$(dirname \"$0\")\n"
    "if [ -x \"$here/pre-commit.local\" ]; then\n"
    "    \"$here/pre-commit.local\" \"$@\" || exit $?\n"
    "fi\n"
    "lg=${LEAKGUARD:-leakguard}\n"
    "if ! command -v \"$lg\" >/dev/null 2>&1; then\n"
    "    echo \"leakguard: '$lg' not found: install leakguard or set LEAKGUARD\" \\\n"
    "        \"(skip this check once with 'git commit --no-verify')\" >&2\n"
    "    exit 1\n"
    "fi\n"
    "exec \"$lg\" git --staged\n";

static const char pre_push[] =
    "#!/bin/sh\n"
    "# leakguard pre-push hook: refuses a push whose new commits add a secret\n"
    "# (leakguard git --pre-push reads git's \"<local ref> <local sha> <remote\n"
    "# ref> <remote sha>\" lines and scans what the remote does not have yet).\n"
    "# Installed by 'leakguard install-hooks'; skip it once with\n"
    "# 'git push --no-verify'.  LEAKGUARD names the binary (default: the\n"
    "# leakguard found on PATH).  A hook that was here before is kept as\n"
    "# pre-push.local and runs first, with the same input.\n"
    "# leakguard-hook v1\n"
    "here=$(dirname \"$0\")\n"
    "lg=${LEAKGUARD:-leakguard}\n"
    "if ! command -v \"$lg\" >/dev/null 2>&1; then\n"
    "    echo \"leakguard: '$lg' not found: install leakguard or set LEAKGUARD\" \\\n"
    "        \"(skip this check once with 'git push --no-verify')\" >&2\n"
    "    exit 1\n"
    "fi\n"
    "# Run by the pre-commit framework, which passes the range in the\n"
    "# environment instead of on stdin.\n"
    "if [ -n \"${PRE_COMMIT_FROM_REF:-}\" ] && [ -n \"${PRE_COMMIT_TO_REF:-}\" ]; then\n"
    "    exec \"$lg\" git --range \"$PRE_COMMIT_FROM_REF..$PRE_COMMIT_TO_REF\"\n"
    "fi\n"
    "input=$(cat)\n"
    "if [ -x \"$here/pre-push.local\" ]; then\n"
    "    printf '%s\\n' \"$input\" | \"$here/pre-push.local\" \"$@\" || exit $?\n"
    "fi\n"
    "printf '%s\\n' \"$input\" | \"$lg\" git --pre-push --remote \"${1:-}\"\n";

const char *lg_git_hook_text(const char *name)
{
    if (strcmp(name, "pre-commit") == 0)
        return pre_commit;
    if (strcmp(name, "pre-push") == 0)
        return pre_push;
    return NULL;
}
