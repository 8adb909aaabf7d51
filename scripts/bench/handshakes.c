/* The benchmark's C loop: the handshakes of scripts/bench/wasm.ts, made the way the sandbox
 * makes them (contexts as in wasm/glue/contexts.c, the sandbox's EC P-256 certificate, memory
 * BIOs, the client reading after its Finished for TLS 1.3 tickets, a clean shutdown).
 * Natively (linked with native OpenSSL) it is a program: handshakes <case> <milliseconds> prints
 * handshakes per second. In WebAssembly (linked into a bench-only build of the sandbox's module,
 * scripts/bench/same-module.ts) it is the export osb_bench_handshake(case), timed by the caller. Cases: tls13-full tls13-resumption tls12-full tls12-resumption (in that order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "sandbox.h"

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

static const char *const CASES[] = { "tls13-full", "tls13-resumption", "tls12-full", "tls12-resumption" };

/** One case's contexts and first session, made once and kept for every run of the case. */
struct bench {
  SSL_CTX *client, *server;
  SSL_SESSION *first;
  int resume;
};

static int bench_setup(struct bench *b, int which) {
  int version = which < 2 ? TLS1_3_VERSION : TLS1_2_VERSION;
  int reused;
  b->resume = which % 2;
  b->client = context(0, version);
  b->server = context(1, version);
  b->first = handshake(b->client, b->server, NULL, &reused);
  return b->first != NULL;
}

/* One more handshake of the case; returns 1, or 0 (with a message on stderr) when it failed or did not resume as asked. */
static int bench_handshake(struct bench *b) {
  int reused;
  SSL_SESSION *s = handshake(b->client, b->server, b->resume ? b->first : NULL, &reused);
  if (!s || reused != b->resume) fprintf(stderr, "%s\n", s ? "resumption mismatch" : "handshake failed");
  int ok = s && reused == b->resume;
  SSL_SESSION_free(s);
  return ok;
}

#ifdef __EMSCRIPTEN__
#include <emscripten.h>

/** One handshake of case `which` (an index into CASES), set up on first use; returns 1, or 0 on a failure. */
EMSCRIPTEN_KEEPALIVE int osb_bench_handshake(int which) {
  static struct bench benches[4];
  if (which < 0 || which > 3) return 0;
  if (!benches[which].first && !bench_setup(&benches[which], which)) return 0;
  return bench_handshake(&benches[which]);
}
#else
static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  int which = -1;
  for (int i = 0; argc == 3 && i < 4; i++) {
    if (strcmp(argv[1], CASES[i]) == 0) which = i;
  }
  if (which < 0) {
    fprintf(stderr, "usage: %s tls13-full|tls13-resumption|tls12-full|tls12-resumption <milliseconds>\n", argv[0]);
    return 2;
  }
  double budget = atof(argv[2]);
  struct bench b;
  if (!bench_setup(&b, which)) {
    fprintf(stderr, "handshake failed\n");
    return 1;
  }
  long n = 0;
  double start = now_ms(), elapsed;
  do {
    if (!bench_handshake(&b)) return 1;
    n++;
  } while ((elapsed = now_ms() - start) < budget);
  printf("%.1f\n", n / (elapsed / 1e3));
  SSL_SESSION_free(b.first);
  SSL_CTX_free(b.client);
  SSL_CTX_free(b.server);
  return 0;
}
#endif
