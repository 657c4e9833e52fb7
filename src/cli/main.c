/* leakguard entry point: the command table and dispatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct lg_opt *const scan_opts[] = {
    &lg_opt_format, &lg_opt_output, &lg_opt_rules, &lg_opt_no_default_rules,
    &lg_opt_disable_rule, &lg_opt_no_cache, &lg_opt_show_secrets,
    &lg_opt_exit_code,
    &lg_opt_threads, &lg_opt_exclude, &lg_opt_binary,
    &lg_opt_follow_symlinks, &lg_opt_max_file_size, &lg_opt_no_inline_allow,
    &lg_opt_explain, &lg_opt_baseline, &lg_opt_ignore_file, &lg_opt_max_decode_depth,
    &lg_opt_no_archives, &lg_opt_max_archive_depth,
    &lg_opt_max_archive_entries, &lg_opt_max_expanded_bytes,
    &lg_opt_max_expansion_ratio,
    &lg_opt_progress, &lg_opt_no_progress,
    &lg_opt_verify, &lg_opt_audit_log, &lg_opt_notify_url,
    &lg_opt_notify_key, &lg_opt_notify_events, &lg_opt_watchlist,
    &lg_opt_stats, &lg_opt_strict, &lg_opt_config, &lg_opt_color,
    &lg_opt_quiet, &lg_opt_help, NULL};

static const struct lg_opt *const verify_opts[] = {
    &lg_opt_report, &lg_opt_only_live, &lg_opt_format, &lg_opt_output,
    &lg_opt_show_secrets, &lg_opt_exit_code, &lg_opt_rules,
    &lg_opt_no_default_rules, &lg_opt_audit_log, &lg_opt_notify_url,
    &lg_opt_notify_key, &lg_opt_notify_events, &lg_opt_color, &lg_opt_quiet,
    &lg_opt_help, NULL};

static const struct lg_opt *const revoke_opts[] = {
    &lg_opt_report, &lg_opt_revoke_rule, &lg_opt_dry_run, &lg_opt_yes,
    &lg_opt_contain, &lg_opt_show_secrets, &lg_opt_rules,
    &lg_opt_no_default_rules, &lg_opt_audit_log, &lg_opt_notify_url,
    &lg_opt_notify_key, &lg_opt_notify_events, &lg_opt_quiet, &lg_opt_help,
    NULL};

static const struct lg_opt *const notify_opts[] = {
    &lg_opt_flush, &lg_opt_notify_url, &lg_opt_notify_key, &lg_opt_quiet,
    &lg_opt_help, NULL};

static const struct lg_opt *const merge_opts[] = {
    &lg_opt_merge_format, &lg_opt_output, &lg_opt_help, NULL};

static const struct lg_opt *const rules_opts[] = {
    &lg_opt_rules, &lg_opt_no_default_rules, &lg_opt_disable_rule,
    &lg_opt_validators, &lg_opt_no_cache, &lg_opt_help, NULL};

static const struct lg_opt *const git_opts[] = {
    &lg_opt_branch, &lg_opt_all, &lg_opt_range, &lg_opt_since,
    &lg_opt_staged, &lg_opt_pre_push, &lg_opt_remote, &lg_opt_format,
    &lg_opt_output, &lg_opt_rules, &lg_opt_no_default_rules,
    &lg_opt_disable_rule, &lg_opt_show_secrets, &lg_opt_exit_code,
    &lg_opt_threads, &lg_opt_exclude, &lg_opt_binary, &lg_opt_max_file_size,
    &lg_opt_no_inline_allow, &lg_opt_explain, &lg_opt_baseline,
    &lg_opt_ignore_file, &lg_opt_max_decode_depth, &lg_opt_no_archives, &lg_opt_max_archive_depth,
    &lg_opt_max_archive_entries, &lg_opt_max_expanded_bytes,
    &lg_opt_max_expansion_ratio, &lg_opt_no_cache, &lg_opt_watchlist,
    &lg_opt_progress, &lg_opt_no_progress, &lg_opt_verify, &lg_opt_audit_log,
    &lg_opt_notify_url, &lg_opt_notify_key, &lg_opt_notify_events,
    &lg_opt_stats, &lg_opt_strict, &lg_opt_config, &lg_opt_color,
    &lg_opt_quiet, &lg_opt_help, NULL};

static const struct lg_opt *const config_opts[] = {
    &lg_opt_config, &lg_opt_rules, &lg_opt_no_default_rules, &lg_opt_help,
    NULL};

static const struct lg_opt *const watch_opts[] = {
    &lg_opt_watchlist, &lg_opt_label, &lg_opt_help, NULL};

static const struct lg_opt *const hooks_opts[] = {
    &lg_opt_hook_pre_commit, &lg_opt_hook_pre_push, &lg_opt_chain,
    &lg_opt_force, &lg_opt_help, NULL};

static const struct lg_opt *const plain_opts[] = {&lg_opt_help, NULL};

static int cmd_help(struct lg_cli *c);

static const struct lg_command commands[] = {
    {"scan", "[OPTIONS] [PATH | -]...",
     "Scan files, directories and standard input ('-') for secrets.\n"
     "With no PATH, scans the current directory.  Exit status: 0 nothing "
     "found, 1 findings\n(see --exit-code), 2 usage or rule error, 3 the "
     "scan failed.",
     scan_opts, lg_cmd_scan},
    {"git", "[OPTIONS] [REPO]",
     "Scan a git repository's history (REPO, default: the repository "
     "here).\nEvery blob of every commit reachable from any ref is "
     "scanned once, and each\nfinding is attributed to the commit that "
     "introduced it.  --range, --since,\n--staged and --pre-push scan only "
     "what some commits (or the index) add, and\nreport only findings on "
     "added lines.  Exit status as for scan.",
     git_opts, lg_cmd_git},
    {"rules", "list | test | lint [OPTIONS]",
     "Work with rules.  'list' prints one line per rule (id, severity, "
     "confidence,\nname); 'test' runs every rule's examples and negative "
     "examples; 'lint' checks\nrules for problems the engine cannot "
     "tolerate.  Exit status 1 on any failure.",
     rules_opts, lg_cmd_rules},
    {"install-hooks", "[OPTIONS] [REPO]",
     "Install leakguard's pre-commit and pre-push git hooks (both unless "
     "one is\nchosen) into the hooks directory of REPO (core.hooksPath is "
     "honoured).  A hook\nthat is not leakguard's is never overwritten: "
     "use --chain to keep it and run\nit first, or --force to replace it.",
     hooks_opts, lg_cmd_install_hooks},
    {"merge", "[OPTIONS] REPORT...",
     "Merge reports of earlier runs (json, jsonl, sarif) into one.\n"
     "Inputs are recognised by content; '-' reads standard input.  JSON "
     "output is one\narray of findings, each with a \"report\" member "
     "naming its input; SARIF output\nkeeps one run per input, each with "
     "its own automationDetails.id.  Exit status:\n0 merged, 2 usage error "
     "or unreadable input, 3 the output could not be written.",
     merge_opts, lg_cmd_merge},
    {"verify", "--report FILE|- [OPTIONS]",
     "Check whether the credentials of a previous report are live, with "
     "their\nproviders' APIs (OneSpan Sign, GitHub, Slack), and write the "
     "findings again\nwith a \"verification\" (live, invalid, restricted, "
     "unknown, error).  The report\nmust have been written with -f json or "
     "jsonl and --show-secrets.  Base URLs:\nLEAKGUARD_ONESPAN_URLS "
     "(comma-separated), LEAKGUARD_GITHUB_API_URL,\n"
     "LEAKGUARD_SLACK_API_URL.  Exit status: 0 none live, 1 some live "
     "(see\n--exit-code), 2 usage error, 3 verification failed.",
     verify_opts, lg_cmd_verify},
    {"revoke", "--report FILE|- [--rule ID] [--dry-run | --yes] [OPTIONS]",
     "Revoke or contain the credentials of a previous report (written with "
     "--show-secrets).\nA dry run (the default) prints the exact calls, "
     "redacted, and makes no request;\n--yes makes them: GitHub and Slack "
     "revocation, OneSpan callback key rotation,\nOneSpan sender lock with "
     "--contain (LEAKGUARD_ONESPAN_ADMIN_KEY); for OneSpan\nclient apps, "
     "OAuth clients and API keys, which no API revokes, the manual steps.\n"
     "Every call goes to the audit log.  Exit status: 0 done, 2 usage "
     "error, 3 a step failed.",
     revoke_opts, lg_cmd_revoke},
    {"notify", "--flush [--notify-url URL] [--notify-key KEY]",
     "Re-send event notifications that could not be delivered (kept in "
     "the spool,\n$XDG_STATE_HOME/leakguard/notify-spool.jsonl).  Exit "
     "status: 0 all delivered,\n3 some are still waiting.",
     notify_opts, lg_cmd_notify},
    {"watch", "add [--label TEXT] | list | remove LABEL|FINGERPRINT",
     "The DLP watch list of the organisation's own known credentials.  "
     "'add' reads one\ncredential from standard input (not echoed on a "
     "terminal) and stores only an\nHMAC-SHA256 fingerprint under a random "
     "key, with the label; scans then report\nany occurrence of it as rule "
     "'watchlist', in encoded text too.",
     watch_opts, lg_cmd_watch},
    {"config", "check [--config FILE] [ROOT]",
     "Check a project configuration file (.leakguard.yml: extra and "
     "disabled rules,\nexcludes, allowlists, limits, default format) and "
     "print what it sets.",
     config_opts, lg_cmd_config},
    {"version", "", "Print the version of leakguard and its libraries.",
     plain_opts, lg_cmd_version},
    {"help", "[COMMAND]", "Show help for leakguard or one command.",
     plain_opts, cmd_help},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct lg_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *out)
{
    fputs("usage: leakguard COMMAND [OPTIONS] [ARGS]\n\n"
          "leakguard finds leaked credentials (OneSpan Sign client apps and "
          "API keys,\ncloud, VCS, chat and payment tokens, private keys…) "
          "in files and directories.\n\ncommands:\n",
          out);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const char *p = commands[i].summary;

        /* the first sentence, lines joined: up to ". " or a final "." */
        fprintf(out, "  %-14s ", commands[i].name);
        for (; *p && !(p[0] == '.' && (p[1] == ' ' || p[1] == '\n' ||
                                       p[1] == '\0'));
             p++)
            fputc(*p == '\n' ? ' ' : *p, out);
        fputc('\n', out);
    }
    fputs("\nRun 'leakguard COMMAND --help' for a command's options.\n", out);
}

static int cmd_help(struct lg_cli *c)
{
    const struct lg_command *cmd;

    if (c->n_args == 0) {
        usage(stdout);
        return 0;
    }
    cmd = find_command(c->args[0]);
    if (!cmd) {
        lg_cli_error("unknown command '%s'", c->args[0]);
        return LG_EXIT_USAGE;
    }
    lg_cli_help(cmd, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    const struct lg_command *cmd;
    struct lg_cli c;
    struct lg_error err;
    int rc;

    memset(&c, 0, sizeof(c));
    c.prog = argv[0];
    c.exit_code = LG_EXIT_FINDINGS;
    c.max_decode_depth = LG_DECODE_DEPTH_UNSET;
    lg_error_clear(&err);
    if (argc < 2) {
        usage(stderr);
        return LG_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return lg_cmd_version(&c);
    cmd = find_command(argv[1]);
    if (!cmd) {
        lg_cli_error("unknown command '%s' (see 'leakguard --help')",
                     argv[1]);
        return LG_EXIT_USAGE;
    }
    rc = lg_cli_parse(&c, cmd, argc, argv, 2, &err);
    if (rc == LG_ESTOP) {
        lg_cli_help(cmd, stdout);
        lg_cli_release(&c);
        return 0;
    }
    if (rc < 0) {
        lg_cli_error("%s", err.msg);
        lg_cli_release(&c);
        return LG_EXIT_USAGE;
    }
    rc = cmd->run(&c);
    lg_cli_release(&c);
    return rc;
}
