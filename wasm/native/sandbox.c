/* See sandbox.h. The certificates, the clock and the wire are the glue's own code (wasm/glue), built
 * natively here; link with -Wl,--wrap=time,--wrap=gettimeofday,--wrap=clock_gettime. */
#include <stdio.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include "sandbox.h"

int osb_keys_generate(int key_type);
X509 *osb_keys_cert(int key_type);
EVP_PKEY *osb_keys_key(int key_type);
void osb_clock_configure(int is_frozen, double seconds);
void osb_wire_join(SSL *client, SSL *server);
int osb_wire_transfer(SSL *client, SSL *server);
int osb_wire_handshake(SSL *client, SSL *server);

static void on_session_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp) {
  (void)parent; (void)ptr; (void)ad; (void)idx; (void)argl; (void)argp;
  printf("DESTROYED\n");
}

void sandbox_start(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  SSL_SESSION_get_ex_new_index(0, NULL, NULL, NULL, on_session_free);
}

X509 *sandbox_certificate(int key_type) {
  return osb_keys_generate(key_type) ? osb_keys_cert(key_type) : NULL;
}

EVP_PKEY *sandbox_private_key(int key_type) {
  return osb_keys_generate(key_type) ? osb_keys_key(key_type) : NULL;
}

void sandbox_clock(double seconds) {
  osb_clock_configure(1, seconds);
}

void sandbox_join(SSL *client, SSL *server) {
  osb_wire_join(client, server);
}

void sandbox_transfer(SSL *client, SSL *server) {
  osb_wire_transfer(client, server);
}

static const char *version_name(int v) {
  switch (v) {
    case TLS1_3_VERSION: return "TLSv1.3";
    case TLS1_2_VERSION: return "TLSv1.2";
    case TLS1_1_VERSION: return "TLSv1.1";
    case TLS1_VERSION: return "TLSv1";
    default: return "?";
  }
}

int sandbox_handshake(SSL *client, SSL *server) {
  if (!osb_wire_handshake(client, server)) {
    printf("HANDSHAKE FAILED\n");
    ERR_clear_error();
    return 0;
  }
  printf("HANDSHAKE %s %d\n", version_name(SSL_version(client)), SSL_session_reused(client));
  return 1;
}

void sandbox_report(const char *call, double value) {
  printf("CALL %s %.17g\n", call, value);
}

const unsigned char *sandbox_hex(const char *hex) {
  static unsigned char bytes[256];
  size_t n = strlen(hex) / 2;
  for (size_t i = 0; i < n && i < sizeof bytes; i++) sscanf(hex + 2 * i, "%2hhx", &bytes[i]);
  return bytes;
}

/* The kept sessions: the external cache the get callback answers from, as in the engine;
 * every one ever kept, in order, for the program's variables. */
static SSL_SESSION *kept[4096], *kept_all[4096];
static int kept_count, kept_total;

SSL_SESSION *sandbox_kept(int k) {
  return k < kept_total ? kept_all[k] : NULL;
}

/* Every session a callback carried, in order, for the program's names of them (sandbox_seen). */
static SSL_SESSION *seen[4096];
static int seen_count;

static void saw(SSL_SESSION *session) {
  if (seen_count < (int)(sizeof seen / sizeof seen[0])) seen[seen_count++] = session;
}

SSL_SESSION *sandbox_seen(int k) {
  return k < seen_count ? seen[k] : NULL;
}

static int same_id(SSL_SESSION *s, const unsigned char *id, unsigned int length) {
  unsigned int n;
  const unsigned char *sid = SSL_SESSION_get_id(s, &n);
  return n == length && memcmp(sid, id, n) == 0;
}

int new_session_keep_cb(SSL *ssl, SSL_SESSION *session) {
  (void)ssl;
  saw(session);
  if (kept_total < (int)(sizeof kept_all / sizeof kept_all[0])) {
    kept_all[kept_total++] = session;
    kept[kept_count++] = session;
  }
  printf("CALLBACK new_session 1\n");
  return 1;
}

int new_session_free_cb(SSL *ssl, SSL_SESSION *session) {
  (void)ssl;
  saw(session);
  printf("CALLBACK new_session 1\n");
  SSL_SESSION_free(session);
  return 1;
}

int new_session_decline_cb(SSL *ssl, SSL_SESSION *session) {
  (void)ssl;
  saw(session);
  printf("CALLBACK new_session 0\n");
  return 0;
}

void remove_session_cb(SSL_CTX *ctx, SSL_SESSION *session) {
  (void)ctx;
  saw(session);
  unsigned int n;
  const unsigned char *id = SSL_SESSION_get_id(session, &n);
  for (int i = 0; i < kept_count; i++) {
    if (same_id(kept[i], id, n)) kept[i] = kept[--kept_count]; /* forget it, keep the reference */
  }
  printf("CALLBACK remove_session\n");
}

/* Looks the id up among the kept sessions; `take` lets the store forget what it answers with. */
static SSL_SESSION *from_store(const unsigned char *id, int length, int take) {
  SSL_SESSION *found = NULL;
  for (int i = 0; i < kept_count && !found; i++) {
    if (same_id(kept[i], id, (unsigned int)length)) {
      found = kept[i];
      if (take) kept[i] = kept[--kept_count];
    }
  }
  return found;
}

static SSL_SESSION *answered(SSL_SESSION *found) {
  if (found) saw(found);
  printf("CALLBACK get_session %d\n", found != NULL);
  return found;
}

SSL_SESSION *get_session_cb(SSL *ssl, const unsigned char *id, int length, int *copy) {
  (void)ssl;
  *copy = 1;
  return answered(from_store(id, length, 0));
}

SSL_SESSION *get_session_take_cb(SSL *ssl, const unsigned char *id, int length, int *copy) {
  (void)ssl;
  *copy = 0;
  return answered(from_store(id, length, 1));
}

SSL_SESSION *get_session_null_cb(SSL *ssl, const unsigned char *id, int length, int *copy) {
  (void)ssl; (void)id; (void)length;
  *copy = 1;
  return answered(NULL);
}

static SSL_SESSION *answer;
static int answer_copy = 1;

void sandbox_answer(SSL_SESSION *session, int copy) {
  answer = session;
  answer_copy = copy;
}

SSL_SESSION *get_session_answer_cb(SSL *ssl, const unsigned char *id, int length, int *copy) {
  (void)ssl; (void)id; (void)length;
  SSL_SESSION *given = answer;
  *copy = answer_copy;
  if (answer_copy == 0) answer = NULL; /* the reference went to OpenSSL: there is none to give again */
  return answered(given);
}

/* Named external stores shared by several SSL_CTXs, as in the engine (src/sandbox/external-stores.ts):
 * each holds sessions as i2d_SSL_SESSION's DER by id; an SSL_CTX finds its store in its ex_data, as
 * nginx attaches its shared-memory cache. */
struct entry {
  unsigned char id[SSL_MAX_SSL_SESSION_ID_LENGTH];
  unsigned int id_length;
  unsigned char *der;
  int der_length;
};
struct store {
  char name[65];
  struct entry entries[256];
  int count;
};
static struct store stores[16];
static int store_count, store_index = -1;

void sandbox_use_store(SSL_CTX *ctx, const char *name) {
  struct store *found = NULL;
  for (int i = 0; i < store_count && !found; i++) if (strcmp(stores[i].name, name) == 0) found = &stores[i];
  if (!found && store_count < (int)(sizeof stores / sizeof stores[0])) {
    found = &stores[store_count++];
    snprintf(found->name, sizeof found->name, "%s", name);
  }
  if (store_index < 0) store_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
  SSL_CTX_set_ex_data(ctx, store_index, found);
}

static struct store *store_of(SSL_CTX *ctx) {
  return store_index < 0 ? NULL : SSL_CTX_get_ex_data(ctx, store_index);
}

static struct entry *store_find(struct store *store, const unsigned char *id, unsigned int length) {
  for (int i = 0; store && i < store->count; i++) {
    if (store->entries[i].id_length == length && memcmp(store->entries[i].id, id, length) == 0) return &store->entries[i];
  }
  return NULL;
}

static void store_forget(struct store *store, struct entry *entry) {
  OPENSSL_free(entry->der);
  *entry = store->entries[--store->count];
}

int new_session_shared_cb(SSL *ssl, SSL_SESSION *session) {
  saw(session);
  struct store *store = store_of(SSL_get_SSL_CTX(ssl));
  unsigned int n;
  const unsigned char *id = SSL_SESSION_get_id(session, &n);
  unsigned char *der = NULL;
  int length = i2d_SSL_SESSION(session, &der);
  if (store && length > 0) {
    struct entry *entry = store_find(store, id, n);
    if (entry) store_forget(store, entry);
    if (store->count < (int)(sizeof store->entries / sizeof store->entries[0])) {
      entry = &store->entries[store->count++];
      memcpy(entry->id, id, n);
      entry->id_length = n;
      entry->der = der;
      entry->der_length = length;
      der = NULL;
    }
  }
  OPENSSL_free(der);
  printf("CALLBACK new_session 0\n");
  return 0; /* OpenSSL keeps its reference: the store holds a copy */
}

void remove_session_shared_cb(SSL_CTX *ctx, SSL_SESSION *session) {
  saw(session);
  struct store *store = store_of(ctx);
  unsigned int n;
  const unsigned char *id = SSL_SESSION_get_id(session, &n);
  struct entry *entry = store_find(store, id, n);
  if (entry) store_forget(store, entry);
  printf("CALLBACK remove_session\n");
}

SSL_SESSION *get_session_shared_cb(SSL *ssl, const unsigned char *id, int length, int *copy) {
  struct entry *entry = store_find(store_of(SSL_get_SSL_CTX(ssl)), id, (unsigned int)length);
  const unsigned char *cursor = entry ? entry->der : NULL;
  *copy = 0; /* the decoded object's one reference goes to OpenSSL */
  return answered(entry ? d2i_SSL_SESSION(NULL, &cursor, entry->der_length) : NULL);
}
