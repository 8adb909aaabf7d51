/* The session callbacks (new, remove, get), the ClientHello callback that lets a get lookup
 * wait for an asynchronous answer, and SSL_SESSION destruction: each calls into the
 * JavaScript engine through Module.osbHooks, which turns it into an event. */
#include <string.h>
#include <emscripten.h>
#include <openssl/crypto.h>
#include "glue.h"

EM_JS(int, js_new_session, (SSL_CTX *ctx, SSL *ssl, SSL_SESSION *session), {
  return Module.osbHooks.newSession(ctx, ssl, session);
});
EM_JS(void, js_remove_session, (SSL_CTX *ctx, SSL_SESSION *session), {
  Module.osbHooks.removeSession(ctx, session);
});
EM_JS(SSL_SESSION *, js_get_session, (SSL_CTX *ctx, SSL *ssl, const unsigned char *id, int length, int *copy), {
  return Module.osbHooks.getSession(ctx, ssl, id, length, copy);
});
EM_JS(int, js_client_hello, (SSL_CTX *ctx, SSL *ssl), {
  return Module.osbHooks.clientHello(ctx, ssl);
});
EM_JS(void, js_session_freed, (SSL_SESSION *session), {
  Module.osbHooks.sessionFreed(session);
});

static int on_new_session(SSL *ssl, SSL_SESSION *session) {
  return js_new_session(SSL_get_SSL_CTX(ssl), ssl, session);
}

static void on_remove_session(SSL_CTX *ctx, SSL_SESSION *session) {
  js_remove_session(ctx, session);
}

static SSL_SESSION *on_get_session(SSL *ssl, const unsigned char *id, int length, int *copy) {
  /* The engine sets *copy: 1 keeps its reference (OpenSSL takes one more), 0 hands it to OpenSSL. */
  return js_get_session(SSL_get_SSL_CTX(ssl), ssl, id, length, copy);
}

static int on_client_hello(SSL *ssl, int *alert, void *arg) {
  (void)alert;
  (void)arg;
  return js_client_hello(SSL_get_SSL_CTX(ssl), ssl) ? SSL_CLIENT_HELLO_SUCCESS : SSL_CLIENT_HELLO_RETRY;
}

static void on_session_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp) {
  (void)ptr; (void)ad; (void)idx; (void)argl; (void)argp;
  js_session_freed((SSL_SESSION *)parent);
}

enum { OSB_CB_NEW = 1, OSB_CB_REMOVE = 2, OSB_CB_GET = 4, OSB_CB_CLIENT_HELLO = 8 };

/** Reports every SSL_SESSION destruction (an ex_data free callback, SSL_SESSION_get_ex_new_index). Returns 1 or 0. */
OSB_EXPORT int osb_watch_session_frees(void) {
  static int index = -1;
  if (index < 0) index = SSL_SESSION_get_ex_new_index(0, NULL, NULL, NULL, on_session_free);
  return index >= 0;
}

/** SSL_CTX_sess_set_new_cb, _set_remove_cb, _set_get_cb and SSL_CTX_set_client_hello_cb, each on or off by a bit of `mask` (1, 2, 4, 8). */
OSB_EXPORT void osb_ctx_set_callbacks(SSL_CTX *ctx, int mask) {
  SSL_CTX_sess_set_new_cb(ctx, mask & OSB_CB_NEW ? on_new_session : NULL);
  SSL_CTX_sess_set_remove_cb(ctx, mask & OSB_CB_REMOVE ? on_remove_session : NULL);
  SSL_CTX_sess_set_get_cb(ctx, mask & OSB_CB_GET ? on_get_session : NULL);
  SSL_CTX_set_client_hello_cb(ctx, mask & OSB_CB_CLIENT_HELLO ? on_client_hello : NULL, NULL);
}

/** SSL_CTX_sess_get_new_cb, _get_remove_cb, _get_get_cb: which are installed, as the bits of osb_ctx_set_callbacks (1, 2, 4). */
OSB_EXPORT int osb_ctx_get_callbacks(SSL_CTX *ctx) {
  return (SSL_CTX_sess_get_new_cb(ctx) ? OSB_CB_NEW : 0) | (SSL_CTX_sess_get_remove_cb(ctx) ? OSB_CB_REMOVE : 0)
    | (SSL_CTX_sess_get_get_cb(ctx) ? OSB_CB_GET : 0);
}

/** SSL_client_hello_get0_session_id: copies the legacy session id (at most 32 bytes) to `out`; returns its length. */
OSB_EXPORT int osb_client_hello_session_id(SSL *ssl, unsigned char *out) {
  const unsigned char *id = NULL;
  size_t length = SSL_client_hello_get0_session_id(ssl, &id);
  if (length > SSL_MAX_SSL_SESSION_ID_LENGTH) length = 0;
  memcpy(out, id, length);
  return (int)length;
}

/** SSL_client_hello_get0_ext: copies extension `type` (at most `capacity` bytes) to `out`; returns its length, or -1 when absent. */
OSB_EXPORT int osb_client_hello_ext(SSL *ssl, int type, unsigned char *out, int capacity) {
  const unsigned char *data = NULL;
  size_t length = 0;
  if (!SSL_client_hello_get0_ext(ssl, (unsigned int)type, &data, &length)) return -1;
  if (length > (size_t)capacity) length = (size_t)capacity;
  memcpy(out, data, length);
  return (int)length;
}
