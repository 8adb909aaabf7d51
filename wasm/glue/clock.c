/* The sandbox clock. OpenSSL reads the time through time() (session times, ticket ages
 * in 3.0), gettimeofday() (ossl_time_now() in 3.x) and clock_gettime() (the DRBG's
 * nonces); the link step wraps all three (-Wl,--wrap=...), so every notion of "now" comes
 * from here. A frozen clock also freezes the monotonic one: runs with a seed are then
 * byte-for-byte repeatable. */
#include <sys/time.h>
#include <time.h>
#include "glue.h"

int __real_gettimeofday(struct timeval *tv, void *tz);
int __real_clock_gettime(clockid_t id, struct timespec *ts);

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

int __wrap_clock_gettime(clockid_t id, struct timespec *ts) {
  if (!frozen && id != CLOCK_REALTIME) return __real_clock_gettime(id, ts);
  double now = osb_clock_now();
  ts->tv_sec = (time_t)now;
  ts->tv_nsec = (long)((now - (double)ts->tv_sec) * 1e9);
  return 0;
}

/** sizeof(time_t) in this build (4 with emscripten before 3.1.50 or so, 8 after): OpenSSL's times wrap past what it holds. */
OSB_EXPORT int osb_time_t_size(void) {
  return (int)sizeof(time_t);
}
