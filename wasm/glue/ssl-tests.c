/* What OpenSSL's test/helpers/handshake.c installs on the contexts of one of its test/ssl-tests
 * (configure_handshake_ctx, configure_handshake_ssl), written as it does, so that those tests run
 * here as they run there: the SNI callbacks that switch to the second server context, the broken
 * and the must-not-be-called ticket key callbacks, session ticket application data, and fixed
 * ticket keys so that a ticket made by one context opens in the resumption context. */
#include <string.h>
#include "glue.h"

/* SSL_TEST_SERVERNAME_* of test/helpers/ssl_test_ctx.h: which server context the callback chose. */
enum { SERVERNAME_NONE = 0, SERVERNAME_SERVER1 = 1, SERVERNAME_SERVER2 = 2 };

/* What the callbacks saw during the current handshake (handshake.c's HANDSHAKE_EX_DATA). */
static struct { int servername; int ticket_do_not_call; } seen;

/* handshake.c's select_server_ctx: "server2" switches to the second context, copying its options. */
static int select_server_ctx(SSL *s, void *arg, int ignore) {
  const char *servername = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
  if (servername == NULL) {
    seen.servername = SERVERNAME_SERVER1;
    return SSL_TLSEXT_ERR_NOACK;
  }
  if (strcmp(servername, "server2") == 0) {
    SSL_CTX *new_ctx = arg;
    SSL_set_SSL_CTX(s, new_ctx);
    SSL_clear_options(s, 0xFFFFFFFFL);
    SSL_set_options(s, SSL_CTX_get_options(new_ctx));
    seen.servername = SERVERNAME_SERVER2;
    return SSL_TLSEXT_ERR_OK;
  }
  if (strcmp(servername, "server1") == 0) {
    seen.servername = SERVERNAME_SERVER1;
    return SSL_TLSEXT_ERR_OK;
  }
  if (ignore) {
    seen.servername = SERVERNAME_SERVER1;
    return SSL_TLSEXT_ERR_NOACK;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static int servername_ignore_cb(SSL *s, int *ad, void *arg) {
  (void)ad;
  return select_server_ctx(s, arg, 1);
}

static int servername_reject_cb(SSL *s, int *ad, void *arg) {
  (void)ad;
  return select_server_ctx(s, arg, 0);
}

static int broken_session_ticket_cb(SSL *s, unsigned char *key_name, unsigned char *iv, EVP_CIPHER_CTX *ctx,
                                    OSB_TICKET_MAC_CTX *hctx, int enc) {
  (void)s, (void)key_name, (void)iv, (void)ctx, (void)hctx, (void)enc;
  return 0;
}

static int do_not_call_session_ticket_cb(SSL *s, unsigned char *key_name, unsigned char *iv, EVP_CIPHER_CTX *ctx,
                                         OSB_TICKET_MAC_CTX *hctx, int enc) {
  (void)s, (void)key_name, (void)iv, (void)ctx, (void)hctx, (void)enc;
  seen.ticket_do_not_call = 1;
  return 0;
}

/** Forgets what the callbacks saw: called before each handshake of a test. */
OSB_EXPORT void osb_sslt_reset(void) {
  memset(&seen, 0, sizeof seen);
}

/** SSL_TEST_SERVERNAME_* the servername callback chose in this handshake (0: it did not run). */
OSB_EXPORT int osb_sslt_servername(void) {
  return seen.servername;
}

/** Whether server2's ticket key callback, which handshake.c says must never run, ran (1) or not (0). */
OSB_EXPORT int osb_sslt_ticket_do_not_call(void) {
  return seen.ticket_do_not_call;
}

/** SSL_CTX_set_tlsext_servername_callback (IgnoreMismatch: `reject` 0, RejectMismatch: 1) with server2 as its argument. */
OSB_EXPORT void osb_sslt_servername_callback(SSL_CTX *server, SSL_CTX *server2, int reject) {
  /* The macro casts its argument without parentheses: the callback is chosen first. */
  int (*cb)(SSL *, int *, void *) = reject ? servername_reject_cb : servername_ignore_cb;
  SSL_CTX_set_tlsext_servername_callback(server, cb);
  SSL_CTX_set_tlsext_servername_arg(server, server2);
}

/** SSL_CTX_set_tlsext_ticket_key_evp_cb: `broken` 1 a callback that always fails (BrokenSessionTicket), 0 one that must never run (server2). */
OSB_EXPORT void osb_sslt_ticket_key_cb(SSL_CTX *ctx, int broken) {
  int (*cb)(SSL *, unsigned char *, unsigned char *, EVP_CIPHER_CTX *, OSB_TICKET_MAC_CTX *, int)
    = broken ? broken_session_ticket_cb : do_not_call_session_ticket_cb;
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, cb);
}

/* The application data of a context's tickets, freed with the context. */
static int appdata_index = -1;

static void appdata_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp) {
  (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
  OPENSSL_free(ptr);
}

static int generate_session_ticket_cb(SSL *s, void *arg) {
  SSL_SESSION *ss = SSL_get_session(s);
  const char *app_data = SSL_CTX_get_ex_data((SSL_CTX *)arg, appdata_index);
  if (ss == NULL || app_data == NULL) return 0;
  return SSL_SESSION_set1_ticket_appdata(ss, app_data, strlen(app_data));
}

static SSL_TICKET_RETURN decrypt_session_ticket_cb(SSL *s, SSL_SESSION *ss, const unsigned char *keyname, size_t keyname_len,
                                                   SSL_TICKET_STATUS status, void *arg) {
  (void)s, (void)ss, (void)keyname, (void)keyname_len, (void)arg;
  switch (status) {
    case SSL_TICKET_EMPTY:
    case SSL_TICKET_NO_DECRYPT:
      return SSL_TICKET_RETURN_IGNORE_RENEW;
    case SSL_TICKET_SUCCESS:
      return SSL_TICKET_RETURN_USE;
    case SSL_TICKET_SUCCESS_RENEW:
      return SSL_TICKET_RETURN_USE_RENEW;
    default:
      return SSL_TICKET_RETURN_ABORT;
  }
}

/** SSL_CTX_set_session_ticket_cb for SessionTicketAppData: `generate` 1 puts `app_data` in the tickets the context makes (server), 0 only decrypts (server2). Returns 1 or 0. */
OSB_EXPORT int osb_sslt_ticket_appdata(SSL_CTX *ctx, const char *app_data, int generate) {
  if (appdata_index < 0) appdata_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, appdata_free);
  char *copy = OPENSSL_strdup(app_data);
  if (appdata_index >= 0) OPENSSL_free(SSL_CTX_get_ex_data(ctx, appdata_index));
  if (appdata_index < 0 || copy == NULL || !SSL_CTX_set_ex_data(ctx, appdata_index, copy)) {
    OPENSSL_free(copy);
    return 0;
  }
  return SSL_CTX_set_session_ticket_cb(ctx, generate ? generate_session_ticket_cb : NULL, decrypt_session_ticket_cb, ctx);
}

/** The ticket application data of the server side's session (SSL_SESSION_get0_ticket_appdata), as text; "" when none. */
OSB_EXPORT const char *osb_sslt_session_appdata(SSL *server) {
  static char text[256];
  void *data = NULL;
  size_t length = 0;
  SSL_SESSION *session = SSL_get0_session(server);
  text[0] = '\0';
  if (session && SSL_SESSION_get0_ticket_appdata(session, &data, &length) && data) {
    if (length >= sizeof text) length = sizeof text - 1;
    memcpy(text, data, length);
    text[length] = '\0';
  }
  return text;
}

/** SSL_CTX_set_tlsext_ticket_keys with keys of zeros, as handshake.c does, so that any test context opens the others' tickets. Returns 1 or 0. */
OSB_EXPORT int osb_sslt_fixed_ticket_keys(SSL_CTX *ctx) {
  unsigned char keys[128] = { 0 };
  long length = SSL_CTX_set_tlsext_ticket_keys(ctx, NULL, 0);
  return length > 0 && length <= (long)sizeof keys && SSL_CTX_set_tlsext_ticket_keys(ctx, keys, length) == 1;
}

/** What ssl_test.c sets on a new context before its configuration: SSL_CTX_set_max_proto_version(ctx, 0), and on a server SSL_OP_ALLOW_CLIENT_RENEGOTIATION. Returns 1 or 0. */
OSB_EXPORT int osb_sslt_ctx_defaults(SSL_CTX *ctx, int server) {
  if (!SSL_CTX_set_max_proto_version(ctx, 0)) return 0;
  if (server) SSL_CTX_set_options(ctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
  return 1;
}

/** SSL_CTX_set_dh_auto(ctx, 1), as ssl_test.c does after configuring a server context. Returns 1 or 0. */
OSB_EXPORT int osb_sslt_dh_auto(SSL_CTX *ctx) {
  return (int)SSL_CTX_set_dh_auto(ctx, 1);
}

/** SSL_set_tlsext_host_name on the client (the test's ServerName). Returns 1 or 0. */
OSB_EXPORT int osb_sslt_host_name(SSL *client, const char *name) {
  return (int)SSL_set_tlsext_host_name(client, name);
}

/** SSL_CTX_new(TLS_client_method() or TLS_server_method()) with nothing else: a test configures it all. NULL on failure. */
OSB_EXPORT SSL_CTX *osb_sslt_ctx_new(int role) {
  SSL_CTX *ctx = SSL_CTX_new(role == OSB_SERVER ? TLS_server_method() : TLS_client_method());
  if (ctx) osb_keylog_ctx(ctx);
  return ctx;
}

/** SSL_CTX_set_tlsext_max_fragment_length (MaxFragmentLenExt: 0 none, 1 512, 2 1024, 3 2048, 4 4096 bytes). Returns 1 or 0. */
OSB_EXPORT int osb_sslt_max_fragment_length(SSL_CTX *ctx, int mode) {
  return SSL_CTX_set_tlsext_max_fragment_length(ctx, (uint8_t)mode);
}
