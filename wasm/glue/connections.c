/* A client SSL and a server SSL, each reading and writing memory BIOs, and the progress of
 * their handshake (src/sandbox/driver.ts). Step by step, the TypeScript "wire" takes what one
 * side wrote and feeds it to the other, so that every record can be shown, held back or
 * changed; a whole handshake runs here, each flight reported to the wire as it crosses. */
#include <stdlib.h>
#include <emscripten.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include "glue.h"

typedef struct osb_conn {
  SSL *ssl[2];     /* by side: OSB_CLIENT, OSB_SERVER */
  BIO *in[2];      /* what the side reads */
  BIO *out[2];     /* what the side writes */
  int turn;        /* the side whose SSL_do_handshake runs next, unless it is done */
  int done[2];     /* the sides whose SSL_do_handshake returned 1 */
  int idle;        /* steps in a row in which a side wrote nothing */
} osb_conn;

/* Each flight osb_conn_run and osb_conn_transfer move, for the transcript and the trace (Module.osbHooks.flight). */
EM_JS(void, js_conn_flight, (osb_conn *conn, int side, const unsigned char *buf, int length), {
  Module.osbHooks.flight(conn, side, buf, length);
});

static SSL *side_ssl(osb_conn *conn, int side) {
  return conn->ssl[side == OSB_SERVER];
}

/** SSL_new for both sides (client from `client_ctx`, server from `server_ctx`) on memory BIOs. NULL on failure. */
OSB_EXPORT osb_conn *osb_conn_new(SSL_CTX *client_ctx, SSL_CTX *server_ctx) {
  osb_conn *conn = calloc(1, sizeof *conn);
  if (!conn) return NULL;
  SSL_CTX *ctx[2] = { client_ctx, server_ctx };
  for (int side = 0; side < 2; side++) {
    conn->ssl[side] = SSL_new(ctx[side]);
    conn->in[side] = BIO_new(BIO_s_mem());
    conn->out[side] = BIO_new(BIO_s_mem());
    if (!conn->ssl[side] || !conn->in[side] || !conn->out[side]) {
      for (int s = 0; s <= side; s++) {
        if (conn->ssl[s] && conn->in[s] && conn->out[s]) {
          SSL_set_bio(conn->ssl[s], conn->in[s], conn->out[s]);
        } else {
          BIO_free(conn->in[s]);
          BIO_free(conn->out[s]);
        }
        SSL_free(conn->ssl[s]);
      }
      free(conn);
      return NULL;
    }
    SSL_set_bio(conn->ssl[side], conn->in[side], conn->out[side]);
  }
  SSL_set_connect_state(conn->ssl[OSB_CLIENT]);
  SSL_set_accept_state(conn->ssl[OSB_SERVER]);
  return conn;
}

/** SSL_free for both sides: a side that did not send close_notify has its session removed from the cache. */
OSB_EXPORT void osb_conn_free(osb_conn *conn) {
  SSL_free(conn->ssl[OSB_CLIENT]);
  SSL_free(conn->ssl[OSB_SERVER]);
  free(conn);
}

/** SSL_set_session on the client side. Returns 1 or 0. */
OSB_EXPORT int osb_conn_set_session(osb_conn *conn, SSL_SESSION *session) {
  return SSL_set_session(conn->ssl[OSB_CLIENT], session);
}

/* What a step of the handshake came to (osb_conn_step), as src/sandbox/driver.ts names them. */
enum { OSB_STEP_CONTINUE = 0, OSB_STEP_STALLED = 1, OSB_STEP_DONE = 2, OSB_STEP_FAILED = 3, OSB_STEP_READ_FAILED = 4, OSB_STEP_WAIT = 5 };

/* A step's outcome, the side that ran and SSL_get_error's answer, in one int: outcome | side << 4 | error << 8. */
static int stepped(int outcome, int side, int error) {
  return outcome | side << 4 | error << 8;
}

/* The next step: the side whose turn it is (or its peer, once it is done) runs SSL_do_handshake,
 * leaving what it wrote for the wire; once both are done, the client reads once more (TLS 1.3
 * tickets come after Finished). `again`: the same SSL_do_handshake once more, after a wait for the
 * ClientHello callback, on the error queue as the wait left it. */
static int step(osb_conn *conn, int again) {
  SSL *client = conn->ssl[OSB_CLIENT];
  if (conn->done[OSB_CLIENT] && conn->done[OSB_SERVER]) {
    unsigned char scratch[512];
    int r = SSL_read(client, scratch, sizeof scratch);
    int e = r > 0 ? 0 : SSL_get_error(client, r);
    return e && e != SSL_ERROR_WANT_READ ? stepped(OSB_STEP_READ_FAILED, OSB_CLIENT, e) : stepped(OSB_STEP_DONE, OSB_CLIENT, 0);
  }
  int side = conn->done[conn->turn] ? 1 - conn->turn : conn->turn;
  SSL *ssl = conn->ssl[side];
  if (!again) ERR_clear_error();
  int r = SSL_do_handshake(ssl);
  int e = r == 1 ? 0 : SSL_get_error(ssl, r);
  if (e == SSL_ERROR_WANT_CLIENT_HELLO_CB) return stepped(OSB_STEP_WAIT, side, e);
  conn->turn = 1 - side;
  if (r == 1) conn->done[side] = 1;
  else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return stepped(OSB_STEP_FAILED, side, e);
  conn->idle = BIO_ctrl_pending(conn->out[side]) == 0 && !conn->done[side] ? conn->idle + 1 : 0;
  return stepped(conn->idle >= 2 ? OSB_STEP_STALLED : OSB_STEP_CONTINUE, side, 0);
}

/**
 * One step of the handshake (see step()); what the side wrote stays for the wire to take. Returns
 * the outcome (0 continue, 1 stalled, 2 done, 3 failed, 4 the client's read failed, 5 waits for
 * the ClientHello callback) | the side that ran << 4 | SSL_get_error's answer << 8.
 */
OSB_EXPORT int osb_conn_step(osb_conn *conn, int again) {
  return step(conn, again);
}

/** The handshake's progress: the side whose turn it is (0 client, 1 server) | client done << 1 | server done << 2. */
OSB_EXPORT int osb_conn_progress(osb_conn *conn) {
  return conn->turn | conn->done[OSB_CLIENT] << 1 | conn->done[OSB_SERVER] << 2;
}

/* A flight at once, so that its records cross whole; a larger one is allocated. */
static unsigned char flight_buffer[16384];

/* Moves everything `side` wrote to its peer as one flight, reported to the wire first. Returns the bytes moved. */
static int move(osb_conn *conn, int side) {
  int pending = (int)BIO_ctrl_pending(conn->out[side]);
  if (pending <= 0) return 0;
  unsigned char *buf = pending <= (int)sizeof flight_buffer ? flight_buffer : malloc(pending);
  if (!buf) return 0;
  int n = BIO_read(conn->out[side], buf, pending);
  if (n > 0) {
    js_conn_flight(conn, side, buf, n);
    BIO_write(conn->in[1 - side], buf, n);
  }
  if (buf != flight_buffer) free(buf);
  return n > 0 ? n : 0;
}

/**
 * Steps (see step()) and moves each flight to the other side as it is, until a step does not
 * simply continue (done, failed, stalled, waiting), or its index passes `last` (what it wrote then
 * stays for the wire). Returns that step's osb_conn_step answer | its index in this run << 16.
 */
OSB_EXPORT int osb_conn_run(osb_conn *conn, int again, int last) {
  for (int n = 0;; n++, again = 0) {
    int s = step(conn, again);
    if ((s & 15) != OSB_STEP_CONTINUE || n > last) return s | n << 16;
    move(conn, (s >> 4) & 1);
  }
}

/** Moves everything the side wrote to its peer as one flight (reported to the wire); returns the bytes moved. */
OSB_EXPORT int osb_conn_transfer(osb_conn *conn, int side) {
  return move(conn, side == OSB_SERVER);
}

/** SSL_shutdown on one side: 0 sent close_notify, 1 both done, or minus SSL_get_error. */
OSB_EXPORT int osb_conn_shutdown(osb_conn *conn, int side) {
  SSL *ssl = side_ssl(conn, side);
  int ret = SSL_shutdown(ssl);
  return ret >= 0 ? ret : -SSL_get_error(ssl, ret);
}

/** Bytes the side has written and the wire has not taken yet. */
OSB_EXPORT int osb_conn_pending(osb_conn *conn, int side) {
  return (int)BIO_ctrl_pending(conn->out[side == OSB_SERVER]);
}

/** Moves up to `length` written bytes of the side into `out`; returns how many. */
OSB_EXPORT int osb_conn_take(osb_conn *conn, int side, unsigned char *out, int length) {
  int n = BIO_read(conn->out[side == OSB_SERVER], out, length);
  return n > 0 ? n : 0;
}

/** Gives the side `length` bytes to read, as if they had come from the network. Returns how many were accepted. */
OSB_EXPORT int osb_conn_feed(osb_conn *conn, int side, const unsigned char *bytes, int length) {
  return BIO_write(conn->in[side == OSB_SERVER], bytes, length);
}

/** SSL_session_reused */
OSB_EXPORT int osb_conn_session_reused(osb_conn *conn, int side) {
  return SSL_session_reused(side_ssl(conn, side));
}

/** SSL_version: the negotiated protocol (0x0303 TLS 1.2, 0x0304 TLS 1.3). */
OSB_EXPORT int osb_conn_version(osb_conn *conn, int side) {
  return SSL_version(side_ssl(conn, side));
}

/** SSL_get_cipher_name: "" before a cipher is chosen. */
OSB_EXPORT const char *osb_conn_cipher_name(osb_conn *conn, int side) {
  const char *name = SSL_get_cipher_name(side_ssl(conn, side));
  return name ? name : "";
}

/** SSL_get1_session: a new reference to the side's current session, or NULL. */
OSB_EXPORT SSL_SESSION *osb_conn_get1_session(osb_conn *conn, int side) {
  return SSL_get1_session(side_ssl(conn, side));
}

/** SSL_get_session: the side's current session without a new reference, or NULL. */
OSB_EXPORT SSL_SESSION *osb_conn_get0_session(osb_conn *conn, int side) {
  return SSL_get_session(side_ssl(conn, side));
}

/** Reports (1) or stops reporting (0) both sides' messages, state changes and alerts to the trace. */
OSB_EXPORT void osb_conn_trace(osb_conn *conn, int on) {
  osb_trace_ssl(conn->ssl[OSB_CLIENT], on);
  osb_trace_ssl(conn->ssl[OSB_SERVER], on);
}

/** The SSL object of one side, as the session callbacks name it. */
OSB_EXPORT SSL *osb_conn_ssl(osb_conn *conn, int side) {
  return side_ssl(conn, side);
}
