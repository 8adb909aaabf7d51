/* Facts about the OpenSSL library inside the module. */
#include <openssl/crypto.h>
#include "glue.h"

/** OpenSSL_version(OPENSSL_VERSION), for example "OpenSSL 3.5.7 …". */
OSB_EXPORT const char *osb_openssl_version(void) {
  return OpenSSL_version(OPENSSL_VERSION);
}
