/* A self-signed server certificate made inside WebAssembly, once per module instance and
 * key type. It is valid for a century so that the sandbox clock can move far ahead. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "glue.h"

static EVP_PKEY *keys[2];
static X509 *certs[2];

static X509 *self_signed(EVP_PKEY *key) {
  X509 *cert = X509_new();
  X509_NAME *name = X509_NAME_new();
  int ok = cert && name
    && X509_set_version(cert, 2)
    && ASN1_INTEGER_set(X509_get_serialNumber(cert), 1)
    && X509_time_adj_ex(X509_getm_notBefore(cert), -1, 0, NULL)
    && X509_time_adj_ex(X509_getm_notAfter(cert), 36500, 0, NULL)
    && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"sandbox.test", -1, -1, 0)
    && X509_set_subject_name(cert, name)
    && X509_set_issuer_name(cert, name)
    && X509_set_pubkey(cert, key)
    && X509_sign(cert, key, EVP_sha256());
  X509_NAME_free(name);
  if (!ok) {
    X509_free(cert);
    return NULL;
  }
  return cert;
}

/** Generates the server key and certificate of `key_type` now (it is otherwise made on first use). Returns 1 or 0. */
OSB_EXPORT int osb_keys_generate(int key_type) {
  if (key_type != OSB_KEY_EC_P256 && key_type != OSB_KEY_RSA_2048) return 0;
  if (certs[key_type]) return 1;
  EVP_PKEY *key = key_type == OSB_KEY_EC_P256 ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
  X509 *cert = key ? self_signed(key) : NULL;
  if (!cert) {
    EVP_PKEY_free(key);
    return 0;
  }
  keys[key_type] = key;
  certs[key_type] = cert;
  return 1;
}

X509 *osb_keys_cert(int key_type) {
  return certs[key_type];
}

EVP_PKEY *osb_keys_key(int key_type) {
  return keys[key_type];
}

void osb_keys_free(void) {
  for (int i = 0; i < 2; i++) {
    X509_free(certs[i]);
    EVP_PKEY_free(keys[i]);
    certs[i] = NULL;
    keys[i] = NULL;
  }
}

int osb_keys_install(SSL_CTX *ctx, int key_type) {
  return osb_keys_generate(key_type)
    && SSL_CTX_use_certificate(ctx, certs[key_type])
    && SSL_CTX_use_PrivateKey(ctx, keys[key_type]);
}

/** PEM text of the sandbox certificate (`what` 0) or private key (`what` 1) of `key_type`; "" on failure. */
OSB_EXPORT const char *osb_keys_pem(int key_type, int what) {
  if (!osb_keys_generate(key_type)) return "";
  BIO *bio = BIO_new(BIO_s_mem());
  return osb_bio_text(bio, bio && (what == 0 ? PEM_write_bio_X509(bio, certs[key_type])
                                             : PEM_write_bio_PrivateKey(bio, keys[key_type], NULL, NULL, 0, NULL, NULL)));
}
