/* Shared declarations of the glue. Every function the JavaScript side may call is marked
 * OSB_EXPORT and named osb_*: scripts/lib/glue-bindings.mjs reads those declarations to make
 * the export list and the typed TypeScript bindings, so the two never drift apart. */
#ifndef OSB_GLUE_H
#define OSB_GLUE_H

#include <openssl/ssl.h>
#include "compat.h"

#define OSB_EXPORT

/* Roles and sides, as the TypeScript side numbers them. */
enum { OSB_CLIENT = 0, OSB_SERVER = 1 };
/* Server key types. */
enum { OSB_KEY_EC_P256 = 0, OSB_KEY_RSA_2048 = 1 };

/* keys.c: the self-signed certificate and key a server context uses; osb_keys_free drops them. */
int osb_keys_install(SSL_CTX *ctx, int key_type);
void osb_keys_free(void);
/* library.c: a memory BIO's text (when `ok`), valid until the next call; frees the BIO. */
const char *osb_bio_text(BIO *bio, int ok);
/* trace.c: message and info callbacks of an SSL on or off; the key log callback of a context. */
void osb_trace_ssl(SSL *ssl, int on);
void osb_keylog_ctx(SSL_CTX *ctx);
/* clock.c: OpenSSL's "now" under the sandbox clock. */
double osb_clock_now(void);

#endif
