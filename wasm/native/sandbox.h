/* The native side of a C program exported from the sandbox (src/scenario/to-c.ts): the same
 * certificates, clock, in-memory wire and session callbacks as the WebAssembly glue, with
 * every observation printed on stdout, one per line, so a run can be compared with WASM's. */
#ifndef OSB_NATIVE_SANDBOX_H
#define OSB_NATIVE_SANDBOX_H

#include <openssl/ssl.h>
#include "glue.h"  /* OSB_KEY_EC_P256, OSB_KEY_RSA_2048 */

/** Once, before any other call: watches SSL_SESSION destruction. */
void sandbox_start(void);
/** The sandbox certificate and key of a key type (made on first use, valid for a century). */
X509 *sandbox_certificate(int key_type);
EVP_PKEY *sandbox_private_key(int key_type);
/** Freezes the clock OpenSSL sees at `seconds` since the epoch. */
void sandbox_clock(double seconds);
/** Joins a client and a server SSL with memory BIOs: the in-memory wire. */
void sandbox_join(SSL *client, SSL *server);
/** Moves what each side wrote to the other. */
void sandbox_transfer(SSL *client, SSL *server);
/** SSL_do_handshake on both sides until both are done, then a client read (TLS 1.3 tickets); prints HANDSHAKE. */
int sandbox_handshake(SSL *client, SSL *server);
/** Prints a call's result: CALL <name> <value>. */
void sandbox_report(const char *call, double value);
/** Hex text to bytes, for ids (valid until the next call). */
const unsigned char *sandbox_hex(const char *hex);

/** The k-th session a new_session_keep_cb kept (the sandbox's handle for it). */
SSL_SESSION *sandbox_kept(int k);
/** The session the k-th session callback was given (new, remove) or answered with (get): a pointer without a reference. */
SSL_SESSION *sandbox_seen(int k);

/** What get_session_answer_cb answers with from now on, and the *copy it sets. */
void sandbox_answer(SSL_SESSION *session, int copy);

/* The session callbacks the sandbox installs, by the names its trace uses. */
int new_session_keep_cb(SSL *ssl, SSL_SESSION *session);
int new_session_decline_cb(SSL *ssl, SSL_SESSION *session);
int new_session_free_cb(SSL *ssl, SSL_SESSION *session);
void remove_session_cb(SSL_CTX *ctx, SSL_SESSION *session);
/* Answer from the kept sessions with *copy = 1 (get_session_cb) or 0 (get_session_take_cb, the store lets go), NULL, or the session given to sandbox_answer. */
SSL_SESSION *get_session_cb(SSL *ssl, const unsigned char *id, int length, int *copy);
SSL_SESSION *get_session_take_cb(SSL *ssl, const unsigned char *id, int length, int *copy);
SSL_SESSION *get_session_null_cb(SSL *ssl, const unsigned char *id, int length, int *copy);
SSL_SESSION *get_session_answer_cb(SSL *ssl, const unsigned char *id, int length, int *copy);

/** Attaches the named external store (made on first use) to the context, for its shared callbacks. */
void sandbox_use_store(SSL_CTX *ctx, const char *name);
/* The shared callbacks: the session's DER into the context's store (returns 0), forgotten from it, or decoded out of it (*copy = 0). */
int new_session_shared_cb(SSL *ssl, SSL_SESSION *session);
void remove_session_shared_cb(SSL_CTX *ctx, SSL_SESSION *session);
SSL_SESSION *get_session_shared_cb(SSL *ssl, const unsigned char *id, int length, int *copy);

#endif
