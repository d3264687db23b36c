/* log.c: line-buffered event lines, so a log file is readable while the node runs. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static gchar *log_id;

void node_log_init(const gchar *id)
{
    g_free(log_id);
    log_id = g_strdup(id);
    setvbuf(stdout, NULL, _IOLBF, 0);
}

void node_log(const gchar *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree gchar *line = g_strdup_vprintf(format, ap);
    va_end(ap);
    printf("[%s] %s\n", log_id != NULL ? log_id : "node", line);
}
