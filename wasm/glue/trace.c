/* What OpenSSL reports while it works: every protocol message (SSL_set_msg_callback), every
 * state change and alert (SSL_set_info_callback), and the TLS secrets for a key log
 * (SSL_CTX_set_keylog_callback). Each goes to the JavaScript engine through Module.osbHooks. */
#include <emscripten.h>
#include "glue.h"

EM_JS(void, js_message, (const SSL *ssl, int write_p, int version, int content_type, const void *buf, int length), {
  Module.osbHooks.message(ssl, write_p, version, content_type, buf, length);
});
EM_JS(void, js_info, (const SSL *ssl, int where, int ret), {
  Module.osbHooks.info(ssl, where, ret);
});
EM_JS(void, js_keylog, (const SSL *ssl, const char *line), {
  Module.osbHooks.keylog(ssl, line);
});

static void on_message(int write_p, int version, int content_type, const void *buf, size_t length, SSL *ssl, void *arg) {
  (void)arg;
  js_message(ssl, write_p, version, content_type, buf, (int)length);
}

static void on_info(const SSL *ssl, int where, int ret) {
  js_info(ssl, where, ret);
}

static void on_keylog(const SSL *ssl, const char *line) {
  js_keylog(ssl, line);
}

void osb_trace_ssl(SSL *ssl, int on) {
  SSL_set_msg_callback(ssl, on ? on_message : NULL);
  SSL_set_info_callback(ssl, on ? on_info : NULL);
}

void osb_keylog_ctx(SSL_CTX *ctx) {
  SSL_CTX_set_keylog_callback(ctx, on_keylog);
}

/** SSL_state_string_long: the handshake state in words. */
OSB_EXPORT const char *osb_ssl_state(SSL *ssl) {
  return SSL_state_string_long(ssl);
}

/** Reports (1) or stops reporting (0) one SSL's messages, state changes and alerts to the trace. */
OSB_EXPORT void osb_ssl_trace(SSL *ssl, int on) {
  osb_trace_ssl(ssl, on);
}
