#include "cli/run.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report/fields.h"
#include "util/json.h"

/* Set by SIGINT/SIGTERM; the session stops queueing and scanning work and
 * still writes its (partial, flagged) report. */
static volatile sig_atomic_t interrupted;

bool lg_cli_interrupted(void)
{
    return interrupted != 0;
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND; /* a second signal ends the process */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* At most this many notices of one reason are printed on stderr; the rest
 * are counted (every notice is still in SARIF/jsonl and in --stats). */
#define NOTICES_PER_REASON 20

static unsigned long *reason_slot(struct lg_cli_run *r, const char *reason)
{
    for (size_t i = 0; i < LG_MAX_REASONS; i++) {
        if (!r->reasons[i])
            r->reasons[i] = reason;
        if (strcmp(r->reasons[i], reason) == 0)
            return &r->notices[i];
    }
    return &r->notices[LG_MAX_REASONS];
}

static void print_notice(const struct lg_notice *n, void *payload)
{
    struct lg_cli_run *r = payload;
    unsigned long *seen;

    if (r->c->quiet)
        return;
    seen = reason_slot(r, n->reason ? n->reason : "");
    if (++*seen > NOTICES_PER_REASON)
        return;
    fprintf(stderr, "leakguard: %s: %s%s%s%s\n", lg_notice_kind_name(n->kind),
            n->path ? "'" : "", n->path ? n->path : "", n->path ? "': " : "",
            n->message);
}

static void print_folded(const struct lg_cli_run *r)
{
    for (size_t i = 0; i < LG_MAX_REASONS && r->reasons[i]; i++)
        if (r->notices[i] > NOTICES_PER_REASON)
            fprintf(stderr,
                    "leakguard: ... and %lu more '%s' notices (all are in "
                    "-f sarif / jsonl output and --stats)\n",
                    r->notices[i] - NOTICES_PER_REASON, r->reasons[i]);
}

static bool use_color(const struct lg_cli *c, FILE *out)
{
    const char *nc = getenv("NO_COLOR");

    if (c->color && strcmp(c->color, "always") == 0)
        return true;
    if (c->color && strcmp(c->color, "never") == 0)
        return false;
    if (nc && *nc)
        return false;
    return out == stdout && isatty(STDOUT_FILENO);
}

static void print_summary(const struct lg_run_summary *s)
{
    fprintf(stderr,
            "leakguard: %llu finding%s in %llu object%s (%llu bytes), %llu "
            "skipped, %llu failed, %.2f s%s\n",
            (unsigned long long)s->findings, s->findings == 1 ? "" : "s",
            (unsigned long long)s->objects_scanned,
            s->objects_scanned == 1 ? "" : "s",
            (unsigned long long)s->bytes_scanned,
            (unsigned long long)s->objects_skipped,
            (unsigned long long)s->objects_failed, s->seconds,
            s->interrupted ? " (interrupted)" : "");
}

/* argv joined for SARIF invocations; secrets are never on the command
 * line (the CLI takes none: keys come from the environment). */
static char *command_line(const struct lg_cli *c, const char *command)
{
    struct lg_buf b;

    lg_buf_init(&b, 64 * 1024);
    lg_buf_printf(&b, "leakguard %s", command);
    for (int i = 0; i < c->n_args; i++) {
        lg_buf_putc(&b, ' ');
        lg_buf_puts(&b, c->args[i]);
    }
    return lg_buf_detach(&b);
}

/* A report with raw secrets is created readable by its owner only. */
static FILE *open_output(const char *path, bool secrets)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                  secrets ? 0600 : 0666);
    FILE *f;

    if (fd < 0)
        return NULL;
    if (secrets)
        fchmod(fd, 0600); /* an existing file keeps its mode otherwise */
    f = fdopen(fd, "w");
    if (!f)
        close(fd);
    return f;
}

int lg_cli_run_begin(struct lg_cli_run *r, struct lg_cli *c,
                     const char *command, const char *const *roots,
                     size_t n_roots)
{
    struct lg_error err;
    struct timespec t0, t1;

    memset(r, 0, sizeof(*r));
    r->c = c;
    r->out = stdout;
    r->rep = lg_reporter_find(c->format ? c->format : "text");
    lg_ignore_init(&r->ig);
    lg_error_clear(&err);
    if (lg_cli_load_config(c, n_roots ? roots[0] : NULL) < 0)
        return LG_EXIT_USAGE;
    if (c->max_decode_depth == LG_DECODE_DEPTH_UNSET)
        c->max_decode_depth = LG_DECODE_DEPTH_DEFAULT;
    r->rep = lg_reporter_find(c->format ? c->format : "text");
    if (lg_cli_load_watchlist(c) < 0)
        return LG_EXIT_USAGE;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r->rs = lg_cli_load_rules(c);
    if (!r->rs)
        return LG_EXIT_USAGE;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->rules_seconds = (double)(t1.tv_sec - t0.tv_sec) +
                       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (lg_cli_suppressions(c, roots, n_roots, &r->ig, &r->excludes) < 0 ||
        lg_cli_extras_begin(c, &r->cfg, &r->extras) < 0) /* verify, notify */
        return LG_EXIT_USAGE;
    if (c->output && !(r->out = open_output(c->output, c->show_secrets))) {
        r->out = stdout;
        lg_cli_error("cannot open '%s' for writing: %s", c->output,
                     strerror(errno));
        return LG_EXIT_USAGE;
    }
    for (size_t i = 0; i < n_roots; i++) {
        struct stat st;
        if (strcmp(roots[i], "-") != 0 && lstat(roots[i], &st) != 0)
            r->missing_roots++; /* reported as a notice by the walk */
    }
    r->cfg.threads = c->threads;
    r->cfg.binary = c->binary;
    r->cfg.follow_symlinks = c->follow_symlinks;
    r->cfg.allow_comments = !c->no_inline_allow;
    r->cfg.explain = c->explain;
    r->cfg.max_decode_depth = c->max_decode_depth;
    r->cfg.max_file_size = c->max_file_size;
    r->cfg.no_archives = c->no_archives;
    r->cfg.limits = c->limits;
    r->cfg.excludes = r->excludes;
    r->cfg.ignore = &r->ig;
    r->cfg.stop = &interrupted;
    r->cmdline = command_line(c, command);
    r->env.out = r->out;
    r->env.show_secrets = c->show_secrets;
    r->env.color = use_color(c, r->out);
    r->env.rs = r->rs;
    r->env.tool_version = LG_VERSION;
    r->env.cwd = getcwd(r->cwd, sizeof(r->cwd)) ? r->cwd : "/";
    r->env.command_line = r->cmdline;
    /* the progress line stays out of notices and the report */
    lg_progress_wrap(&r->pw, r->rep, &r->env, print_notice, r,
                     lg_progress_wanted(c->progress, c->quiet, STDERR_FILENO),
                     STDERR_FILENO);
    if (lg_session_new(&r->s, r->rs, &r->cfg, &r->pw.ops, &r->pw.env,
                       lg_progress_notice, &r->pw, &err) < 0) {
        lg_cli_error("%s", err.msg);
        return LG_EXIT_ERROR;
    }
    catch_signals();
    lg_progress_start(r->pw.p, r->s);
    return LG_OK;
}

static int write_stats(const char *path, const struct lg_run_summary *sum,
                       double rules_seconds)
{
    struct lg_buf b;
    struct lg_json j;
    FILE *f;
    int rc;

    lg_buf_init(&b, 1 << 20);
    lg_json_init(&j, &b, true);
    lg_json_obj_begin(&j);
    lg_report_write_summary(&j, sum);
    lg_json_kdouble(&j, "rules_seconds", rules_seconds);
    lg_json_obj_end(&j);
    lg_buf_putc(&b, '\n');
    rc = lg_json_status(&j);
    f = rc == LG_OK ? fopen(path, "w") : NULL;
    if (!f || fwrite(b.data, 1, b.len, f) != b.len)
        rc = LG_EIO;
    if (f && fclose(f) != 0)
        rc = LG_EIO;
    lg_buf_release(&b);
    return rc;
}

/* Objects that --strict counts: skipped, failed or cut by a limit, except
 * what the user excluded on purpose. */
static uint64_t strict_count(const struct lg_run_summary *s)
{
    uint64_t n = s->objects_skipped + s->objects_failed + s->objects_limited;

    for (size_t i = 0; i < s->n_reasons; i++)
        if (strcmp(s->reason[i], LG_REASON_EXCLUDED) == 0)
            n -= s->reason_count[i];
    return n;
}

int lg_cli_run_finish(struct lg_cli_run *r, int rc, const struct lg_error *err)
{
    const struct lg_cli *c = r->c;
    const struct lg_run_summary *sum;
    int status;

    lg_progress_free(r->pw.p);
    r->pw.p = NULL;
    if ((fflush(r->out) != 0 || ferror(r->out)) && rc >= 0) {
        lg_cli_error("cannot write the report: %s", strerror(errno));
        return LG_EXIT_ERROR;
    }
    if (rc < 0) {
        lg_cli_error("%s", err && err->msg[0] ? err->msg : lg_strerror(rc));
        return LG_EXIT_ERROR;
    }
    sum = lg_session_summary(r->s);
    if (!c->quiet) {
        print_folded(r);
        if (r->rep != &lg_report_text)
            print_summary(sum);
    }
    status = sum->findings ? c->exit_code : LG_EXIT_CLEAN;
    /* a path that does not exist is a mistake in the command line: do not
     * let it pass as a clean scan */
    if (r->missing_roots && status == LG_EXIT_CLEAN)
        status = LG_EXIT_USAGE;
    if (lg_cli_extras_end(r->extras, sum) < 0)
        status = LG_EXIT_ERROR;
    if (c->stats && write_stats(c->stats, sum, r->rules_seconds) < 0) {
        lg_cli_error("cannot write '%s': %s", c->stats, strerror(errno));
        status = LG_EXIT_ERROR;
    }
    if (c->strict && strict_count(sum) && status != LG_EXIT_ERROR)
        status = LG_EXIT_ERROR;
    if (sum->interrupted)
        status = 128 + SIGINT;
    if (r->out != stdout) {
        FILE *f = r->out;
        r->out = stdout;
        if (fclose(f) != 0) {
            lg_cli_error("cannot write '%s': %s", c->output, strerror(errno));
            status = LG_EXIT_ERROR;
        }
    }
    return status;
}

void lg_cli_run_release(struct lg_cli_run *r)
{
    lg_progress_free(r->pw.p);
    if (r->out && r->out != stdout)
        fclose(r->out);
    lg_session_free(r->s);
    lg_cli_extras_free(r->extras);
    lg_ruleset_free(r->rs);
    lg_ignore_release(&r->ig);
    lg_strlist_release(&r->excludes);
    free(r->cmdline);
    memset(r, 0, sizeof(*r));
}
