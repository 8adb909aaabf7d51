/* The constants of this variant's headers (SSL_SESS_CACHE_*, SSL_OP_*, SSL_VERIFY_*, …): the
 * values are compiled from wasm/dist/<variant>/constants.c, which scripts/lib/constants.mjs
 * generates from the same headers when the module is linked. */
#include "glue.h"

const char *osb_constants_json(void);

/** The constants this OpenSSL's ssl.h, ssl3.h, tls1.h and prov_ssl.h define, as JSON ({"SSL_OP_NO_TICKET":16384,…}) */
OSB_EXPORT const char *osb_constants(void) {
  return osb_constants_json();
}
