/* SSL_CONF_CTX: OpenSSL's configuration API (SSL_CONF_cmd(3)), the way configuration files and
 * command lines set up an SSL_CTX by command name ("MinProtocol", "Options", "Certificate", …).
 * OpenSSL's own test/ssl-tests configure their contexts through it. Commands that name a file
 * (Certificate, PrivateKey, VerifyCAFile) read the module's in-memory file system. */
#include "glue.h"

/** SSL_CONF_CTX_new. NULL on failure. */
OSB_EXPORT SSL_CONF_CTX *osb_conf_ctx_new(void) {
  return SSL_CONF_CTX_new();
}

/** SSL_CONF_CTX_set_flags (SSL_CONF_FLAG_*). Returns the flags now set. */
OSB_EXPORT int osb_conf_ctx_set_flags(SSL_CONF_CTX *cctx, int flags) {
  return (int)SSL_CONF_CTX_set_flags(cctx, (unsigned int)flags);
}

/** SSL_CONF_CTX_set_ssl_ctx: the commands that follow configure `ctx`. */
OSB_EXPORT void osb_conf_ctx_set_ssl_ctx(SSL_CONF_CTX *cctx, SSL_CTX *ctx) {
  SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
}

/** SSL_CONF_cmd: 2 (the value was used), 1 (no value needed), 0 (a bad value), -2 (an unknown command), -3 (a missing value). */
OSB_EXPORT int osb_conf_cmd(SSL_CONF_CTX *cctx, const char *cmd, const char *value) {
  return SSL_CONF_cmd(cctx, cmd, value);
}

/** SSL_CONF_CTX_finish: loads what the commands left pending (the private key of a Certificate). Returns 1 or 0. */
OSB_EXPORT int osb_conf_ctx_finish(SSL_CONF_CTX *cctx) {
  return SSL_CONF_CTX_finish(cctx);
}

/** SSL_CONF_CTX_free */
OSB_EXPORT void osb_conf_ctx_free(SSL_CONF_CTX *cctx) {
  SSL_CONF_CTX_free(cctx);
}
