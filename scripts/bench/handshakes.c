/* The benchmark's native peer: the handshakes of scripts/bench/wasm.ts, made the way the sandbox
 * makes them (contexts as in wasm/glue/contexts.c, the sandbox's EC P-256 certificate, memory
 * BIOs, the client reading after its Finished for TLS 1.3 tickets, a clean shutdown), in a C loop linked with
 * native OpenSSL. Usage: handshakes <case> <milliseconds>; prints handshakes per second.
 * Cases: tls13-full tls13-resumption tls12-full tls12-resumption. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "sandbox.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static SSL_CTX *context(int server, int version) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  SSL_CTX_set_min_proto_version(ctx, version);
  SSL_CTX_set_max_proto_version(ctx, version);
  SSL_CTX_set1_groups_list(ctx, "X25519:P-256"); /* GROUP in scripts/bench/cases.ts */
  if (version == TLS1_2_VERSION) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  if (server) {
    SSL_CTX_use_certificate(ctx, sandbox_certificate(OSB_KEY_EC_P256));
    SSL_CTX_use_PrivateKey(ctx, sandbox_private_key(OSB_KEY_EC_P256));
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
  }
  return ctx;
}

/* One handshake offering `session` (or none); returns the client's session, or NULL on failure. */
static SSL_SESSION *handshake(SSL_CTX *client_ctx, SSL_CTX *server_ctx, SSL_SESSION *session, int *reused) {
  SSL *client = SSL_new(client_ctx), *server = SSL_new(server_ctx);
  sandbox_join(client, server);
  if (session) SSL_set_session(client, session);
  int done[2] = { 0, 0 };
  SSL *side[2] = { client, server };
  for (int round = 0; round < 64 && !(done[0] && done[1]); round++) {
    for (int i = 0; i < 2; i++) {
      if (!done[i]) done[i] = SSL_do_handshake(side[i]) == 1;
      sandbox_transfer(client, server);
    }
  }
  char scratch[512];
  SSL_read(client, scratch, sizeof scratch); /* TLS 1.3 NewSessionTicket comes after Finished */
  ERR_clear_error();
  *reused = SSL_session_reused(server);
  SSL_SESSION *result = done[0] && done[1] ? SSL_get1_session(client) : NULL;
  /* A clean close, as the sandbox's: without it OpenSSL drops the session from the cache. */
  SSL_shutdown(client);
  sandbox_transfer(client, server);
  SSL_shutdown(server);
  sandbox_transfer(client, server);
  ERR_clear_error();
  SSL_free(client);
  SSL_free(server);
  return result;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s tls13-full|tls13-resumption|tls12-full|tls12-resumption <milliseconds>\n", argv[0]);
    return 2;
  }
  int version = strncmp(argv[1], "tls12", 5) == 0 ? TLS1_2_VERSION : TLS1_3_VERSION;
  int resume = strstr(argv[1], "resumption") != NULL;
  double budget = atof(argv[2]);
  SSL_CTX *client_ctx = context(0, version), *server_ctx = context(1, version);
  int reused;
  SSL_SESSION *first = handshake(client_ctx, server_ctx, NULL, &reused);
  if (!first) {
    fprintf(stderr, "handshake failed\n");
    return 1;
  }
  long n = 0;
  double start = now_ms(), elapsed;
  do {
    SSL_SESSION *s = handshake(client_ctx, server_ctx, resume ? first : NULL, &reused);
    if (!s || reused != resume) {
      fprintf(stderr, "handshake %ld: %s\n", n, s ? "resumption mismatch" : "failed");
      return 1;
    }
    SSL_SESSION_free(s);
    n++;
  } while ((elapsed = now_ms() - start) < budget);
  printf("%.1f\n", n / (elapsed / 1e3));
  SSL_SESSION_free(first);
  SSL_CTX_free(client_ctx);
  SSL_CTX_free(server_ctx);
  return 0;
}
