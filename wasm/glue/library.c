/* Facts about the OpenSSL library inside the module. */
#include <malloc.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include "glue.h"

/** OpenSSL_version(OPENSSL_VERSION), for example "OpenSSL 3.5.7 …". */
OSB_EXPORT const char *osb_openssl_version(void) {
  return OpenSSL_version(OPENSSL_VERSION);
}

const char *osb_bio_text(BIO *bio, int ok) {
  static char *text;
  char *data = NULL;
  long length = bio && ok ? BIO_get_mem_data(bio, &data) : 0;
  OPENSSL_free(text);
  text = length > 0 ? OPENSSL_strndup(data, (size_t)length) : NULL;
  BIO_free(bio);
  return text ? text : "";
}

/** Bytes the C heap has handed out and not yet taken back (mallinfo().uordblks). */
OSB_EXPORT double osb_heap_in_use(void) {
  return (double)mallinfo().uordblks;
}
