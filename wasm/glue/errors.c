/* OpenSSL's error queue, one entry at a time, for the typed errors of the TypeScript side. */
#include <stdio.h>
#include <openssl/err.h>
#include "glue.h"

/** Pops the oldest error-queue entry as "code\tlibrary\treason\tfunction\tdata", or "" when empty. */
OSB_EXPORT const char *osb_err_next(void) {
  static char line[1024];
  const char *file, *func, *data;
  int line_no, flags;
  unsigned long code = ERR_get_error_all(&file, &line_no, &func, &data, &flags);
  if (code == 0) return "";
  const char *lib = ERR_lib_error_string(code);
  const char *reason = ERR_reason_error_string(code);
  snprintf(line, sizeof line, "%lu\t%s\t%s\t%s\t%s", code, lib ? lib : "", reason ? reason : "",
           func ? func : "", (flags & ERR_TXT_STRING) && data ? data : "");
  return line;
}

/** Empties the error queue, so that an error is reported for the call that caused it. */
OSB_EXPORT void osb_err_clear(void) {
  ERR_clear_error();
}
