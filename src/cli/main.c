/* leakguard entry point: the command table and dispatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct lg_opt *const scan_opts[] = {
    &lg_opt_format, &lg_opt_output, &lg_opt_rules, &lg_opt_no_default_rules,
    &lg_opt_disable_rule, &lg_opt_show_secrets, &lg_opt_exit_code,
    &lg_opt_threads, &lg_opt_exclude, &lg_opt_binary,
    &lg_opt_follow_symlinks, &lg_opt_max_file_size, &lg_opt_no_inline_allow,
    &lg_opt_baseline, &lg_opt_ignore_file,
    &lg_opt_color, &lg_opt_quiet, &lg_opt_help, NULL};

static const struct lg_opt *const rules_opts[] = {
    &lg_opt_rules, &lg_opt_no_default_rules, &lg_opt_disable_rule,
    &lg_opt_validators, &lg_opt_help, NULL};

static const struct lg_opt *const plain_opts[] = {&lg_opt_help, NULL};

static int cmd_help(struct lg_cli *c);

static const struct lg_command commands[] = {
    {"scan", "[OPTIONS] [PATH | -]...",
     "Scan files, directories and standard input ('-') for secrets.\n"
     "With no PATH, scans the current directory.  Exit status: 0 nothing "
     "found, 1 findings\n(see --exit-code), 2 usage or rule error, 3 the "
     "scan failed.",
     scan_opts, lg_cmd_scan},
    {"rules", "list | test | lint [OPTIONS]",
     "Work with rules.  'list' prints one line per rule (id, severity, "
     "confidence,\nname); 'test' runs every rule's examples and negative "
     "examples; 'lint' checks\nrules for problems the engine cannot "
     "tolerate.  Exit status 1 on any failure.",
     rules_opts, lg_cmd_rules},
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
        const char *nl = strchr(commands[i].summary, '\n');
        int n = nl ? (int)(nl - commands[i].summary)
                   : (int)strlen(commands[i].summary);
        const char *dot = memchr(commands[i].summary, '.', (size_t)n);
        if (dot)
            n = (int)(dot - commands[i].summary);
        fprintf(out, "  %-10s %.*s\n", commands[i].name, n,
                commands[i].summary);
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
