/* The sandbox clock. OpenSSL reads the time through time() (session times, ticket ages
 * in 3.0) and gettimeofday() (ossl_time_now() in 3.x); the link step wraps both
 * (-Wl,--wrap=time,--wrap=gettimeofday), so every notion of "now" comes from here. */
#include <sys/time.h>
#include <time.h>
#include "glue.h"

int __real_gettimeofday(struct timeval *tv, void *tz);

static int frozen = 0;     /* 1: now == value; 0: now == real time + value */
static double value = 0;

static double real_now(void) {
  struct timeval tv;
  __real_gettimeofday(&tv, NULL);
  return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

double osb_clock_now(void) {
  return frozen ? value : real_now() + value;
}

/** Sets the clock: frozen at `seconds` since the epoch, or real time shifted by `seconds`. */
OSB_EXPORT void osb_clock_configure(int is_frozen, double seconds) {
  frozen = is_frozen;
  value = seconds;
}

/** OpenSSL's current time in seconds since the epoch, as the sandbox clock says. */
OSB_EXPORT double osb_clock_get(void) {
  return osb_clock_now();
}

time_t __wrap_time(time_t *out) {
  time_t now = (time_t)osb_clock_now();
  if (out) *out = now;
  return now;
}

int __wrap_gettimeofday(struct timeval *tv, void *tz) {
  (void)tz;
  double now = osb_clock_now();
  tv->tv_sec = (time_t)now;
  tv->tv_usec = (suseconds_t)((now - (double)tv->tv_sec) * 1e6);
  return 0;
}
