/* The glue's only version conditionals. The glue is written against today's OpenSSL (3.5)
 * and compiles against every line the sandbox runs (1.1.1, 3.0, 3.5, 3.6, 4.0): where an
 * older line lacks a function, this header supplies it from what that line has. A function
 * the scenario API offers by its own name but a line lacks (SSL_SESSION_get_time_ex before
 * 3.3) is refused before the glue is called: the `since` of its row in src/sandbox/c-api.ts. */
#ifndef OSB_COMPAT_H
#define OSB_COMPAT_H

#include <time.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#if OPENSSL_VERSION_NUMBER < 0x30000000L
/* 1.1.1: no EVP_PKEY_Q_keygen (EVP_EC_gen, EVP_RSA_gen), the same key from an EVP_PKEY_CTX. */
#include <openssl/ec.h>
#include <openssl/rsa.h>

static inline EVP_PKEY *osb_compat_keygen(int type, int curve_or_bits) {
  EVP_PKEY *key = NULL;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(type, NULL);
  int ok = ctx && EVP_PKEY_keygen_init(ctx) > 0
    && (type == EVP_PKEY_EC ? EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, curve_or_bits)
                            : EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, curve_or_bits)) > 0;
  if (ok) EVP_PKEY_keygen(ctx, &key);
  EVP_PKEY_CTX_free(ctx);
  return key;
}
#define EVP_EC_gen(curve) osb_compat_keygen(EVP_PKEY_EC, EC_curve_nist2nid(curve))
#define EVP_RSA_gen(bits) osb_compat_keygen(EVP_PKEY_RSA, (int)(bits))

/* 1.1.1: errors are raised with ERR_put_error and read with ERR_get_error_line_data (a
 * function code in the error, its name from ERR_func_error_string). */
#define OSB_RAISE(lib, reason, file, line) ERR_put_error((lib), 0, (reason), (file), (line))

static inline unsigned long ERR_get_error_all(const char **file, int *line, const char **func, const char **data, int *flags) {
  unsigned long code = ERR_get_error_line_data(file, line, data, flags);
  *func = code ? ERR_func_error_string(code) : NULL;
  return code;
}
#else
#define OSB_RAISE(lib, reason, file, line) (ERR_new(), ERR_set_debug((file), (line), NULL), ERR_set_error((lib), (reason), NULL))
#endif

#if OPENSSL_VERSION_NUMBER < 0x30000000L
/* 1.1.1: ticket key callbacks take an HMAC_CTX (SSL_CTX_set_tlsext_ticket_key_cb); clients may
 * renegotiate without SSL_OP_ALLOW_CLIENT_RENEGOTIATION, which 3.0 added. */
#include <openssl/hmac.h>
typedef HMAC_CTX OSB_TICKET_MAC_CTX;
#define SSL_CTX_set_tlsext_ticket_key_evp_cb SSL_CTX_set_tlsext_ticket_key_cb
#define SSL_OP_ALLOW_CLIENT_RENEGOTIATION 0
#else
typedef EVP_MAC_CTX OSB_TICKET_MAC_CTX;
#endif

#if OPENSSL_VERSION_NUMBER >= 0x40000000L
/* 4.0: OPENSSL_cleanup() only asks for the cleanup, which the library's destructor does when the
 * program exits. Releasing a sandbox is that exit: it runs the destructor's code itself. */
void ossl_cleanup_destructor(void);
#define OSB_CLEANUP() (OPENSSL_cleanup(), ossl_cleanup_destructor())
#else
#define OSB_CLEANUP() OPENSSL_cleanup()
#endif

#if OPENSSL_VERSION_NUMBER < 0x30300000L
/* Before 3.3: session times only as long (32 bits on wasm32). */
#define SSL_SESSION_get_time_ex(s) ((time_t)SSL_SESSION_get_time(s))
#define SSL_SESSION_set_time_ex(s, t) ((time_t)SSL_SESSION_set_time((s), (long)(t)))
#endif

#if OPENSSL_VERSION_NUMBER < 0x30400000L
#define SSL_CTX_flush_sessions_ex(ctx, t) SSL_CTX_flush_sessions((ctx), (long)(t))
#endif

#endif
