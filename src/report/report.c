/* The reporter registry: every output format, chosen by name. */
#include "report/report.h"

#include <string.h>

const struct lg_reporter_ops *const lg_reporters[] = {
    &lg_report_text,   &lg_report_json, &lg_report_jsonl,
    &lg_report_sarif,  &lg_report_csv,  &lg_report_junit,
    &lg_report_gitlab, &lg_report_html, NULL,
};

const struct lg_reporter_ops *lg_reporter_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; lg_reporters[i]; i++)
        if (strcmp(lg_reporters[i]->name, name) == 0)
            return lg_reporters[i];
    return NULL;
}

const char *lg_notice_kind_name(enum lg_notice_kind k)
{
    static const char *const names[] = {
        [LG_NOTICE_SKIPPED] = "skipped",
        [LG_NOTICE_FAILED] = "failed",
        [LG_NOTICE_LIMIT] = "limit",
        [LG_NOTICE_INFO] = "info",
    };

    if ((unsigned)k >= sizeof(names) / sizeof(names[0]))
        return "unknown";
    return names[k];
}
