/* OpenSSL's entropy. 1.1.1 to 3.6 seed their DRBG from /dev/urandom under emscripten; 4.0
 * calls getentropy() instead, which emscripten answers from the host's crypto.getRandomValues.
 * The link step wraps getentropy (-Wl,--wrap=getentropy) to read /dev/urandom as well, so
 * that a seeded sandbox, which swaps that device for a repeatable one (src/core/openssl.ts),
 * is repeatable on every variant. Unseeded, the device is emscripten's, backed by the same
 * crypto.getRandomValues. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

int __wrap_getentropy(void *buffer, size_t length) {
  if (length > 256) { /* getentropy's limit */
    errno = EIO;
    return -1;
  }
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd < 0) return -1;
  size_t done = 0;
  while (done < length) {
    ssize_t n = read(fd, (char *)buffer + done, length - done);
    if (n <= 0) {
      close(fd);
      errno = EIO;
      return -1;
    }
    done += (size_t)n;
  }
  close(fd);
  return 0;
}
