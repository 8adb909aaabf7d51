/* OpenSSL's allocations, counted and limited. Installed by a constructor, before OpenSSL's
 * first allocation (CRYPTO_set_mem_functions refuses afterwards), every CRYPTO_malloc,
 * CRYPTO_realloc and CRYPTO_free passes through here:
 * - the count of live allocations and bytes proves that freeing a sandbox frees everything
 *   (osb_mem_release returns it after OPENSSL_cleanup: 0 unless something leaked);
 * - a soft limit refuses an allocation that would take OpenSSL's live bytes past it: OpenSSL
 *   sees a malloc failure and its call fails cleanly;
 * - a hard limit on the WebAssembly memory aborts the module once the heap grows past it,
 *   as running out of memory does, and the sandbox must be restarted. */
#include <stdlib.h>
#include <emscripten.h>
#include <emscripten/heap.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include "glue.h"

/* Each block starts with its size, padded so that the caller's part stays 16-byte aligned. */
#define HEADER 16

static double live_allocations, live_bytes, peak_bytes, refused;
static double soft_limit, hard_limit; /* 0: none */

EM_JS(void, js_out_of_memory, (double heap, double limit), {
  abort('out of memory: the WebAssembly heap grew to ' + heap + ' bytes, past the sandbox heapLimit of ' + limit);
});

static void *refuse(const char *file, int line) {
  static int raising;
  refused++;
  /* A custom allocator's failure is not put on the error queue by CRYPTO_malloc: done here,
   * as CRYPTO_malloc does for its own. The queue may allocate (3.0 makes its state with
   * OPENSSL_zalloc): a refusal while raising is not raised again. */
  if (!raising) {
    raising = 1;
    OSB_RAISE(ERR_LIB_CRYPTO, ERR_R_MALLOC_FAILURE, file, line);
    raising = 0;
  }
  return NULL;
}

static void *account(unsigned char *block, size_t num, double was) {
  if (!block) return NULL;
  *(size_t *)block = num;
  live_bytes += (double)num - was;
  if (live_bytes > peak_bytes) peak_bytes = live_bytes;
  if (hard_limit > 0 && (double)emscripten_get_heap_size() > hard_limit) {
    js_out_of_memory((double)emscripten_get_heap_size(), hard_limit);
  }
  return block + HEADER;
}

static int over_soft_limit(size_t more) {
  return soft_limit > 0 && live_bytes + (double)more > soft_limit;
}

static void *counted_malloc(size_t num, const char *file, int line) {
  if (num == 0) return NULL; /* as CRYPTO_malloc does */
  if (over_soft_limit(num)) return refuse(file, line);
  void *ptr = account(malloc(HEADER + num), num, 0);
  if (ptr) live_allocations++;
  return ptr;
}

static void counted_free(void *ptr, const char *file, int line) {
  (void)file;
  (void)line;
  if (!ptr) return;
  unsigned char *block = (unsigned char *)ptr - HEADER;
  live_bytes -= (double)*(size_t *)block;
  live_allocations--;
  free(block);
}

static void *counted_realloc(void *ptr, size_t num, const char *file, int line) {
  if (!ptr) return counted_malloc(num, file, line);
  if (num == 0) {
    counted_free(ptr, file, line);
    return NULL;
  }
  unsigned char *block = (unsigned char *)ptr - HEADER;
  size_t was = *(size_t *)block;
  if (num > was && over_soft_limit(num - was)) return refuse(file, line);
  return account(realloc(block, HEADER + num), num, (double)was);
}

__attribute__((constructor)) static void install_counting_allocator(void) {
  CRYPTO_set_mem_functions(counted_malloc, counted_realloc, counted_free);
}

/** Live OpenSSL allocations (CRYPTO_malloc not yet matched by CRYPTO_free). */
OSB_EXPORT double osb_mem_allocations(void) {
  return live_allocations;
}

/** Bytes OpenSSL holds now (the sum of its live allocations' sizes). */
OSB_EXPORT double osb_mem_bytes(void) {
  return live_bytes;
}

/** The most bytes OpenSSL held at once. */
OSB_EXPORT double osb_mem_peak(void) {
  return peak_bytes;
}

/** How many allocations the soft limit refused so far. */
OSB_EXPORT double osb_mem_refused(void) {
  return refused;
}

/** Sets the soft limit (bytes OpenSSL may hold) and the hard limit (bytes of WebAssembly memory); 0: none. */
OSB_EXPORT void osb_mem_limit(double soft, double hard) {
  soft_limit = soft;
  hard_limit = hard;
}

/** Frees OpenSSL's global state (the sandbox keys, then OPENSSL_cleanup): OpenSSL cannot be used afterwards. Returns the live allocations left: leaks. */
OSB_EXPORT double osb_mem_release(void) {
  osb_keys_free();
  osb_bio_text(NULL, 0);
  /* OPENSSL_cleanup does nothing unless the library was initialised, yet 3.0 allocates its
   * default library context without that (SSL_SESSION_get_ex_new_index alone does). An
   * option not yet set makes OPENSSL_init_crypto initialise; 0 would return at once. */
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
  OSB_CLEANUP();
  return live_allocations;
}
