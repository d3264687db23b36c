/* log.h: what a running node tells its operator, one line per event on stdout. */
#pragma once
#include <glib.h>

/* Every line starts with "[ID] ", so the logs of several nodes can be told apart. */
void node_log_init(const gchar *id);
void node_log(const gchar *format, ...) G_GNUC_PRINTF(1, 2);
