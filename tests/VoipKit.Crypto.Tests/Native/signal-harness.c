/*
 * signal-harness: a line-protocol test peer around libsignal-protocol-c 2.3.3 (Signal
 * protocol version 3), used by VoipKit's tests to prove wire compatibility of the C#
 * implementation. The protocol is described in README.md next to this file.
 *
 * LICENSING: libsignal-protocol-c is GPLv3. It is used ONLY by this test harness, which the
 * tests compile and run during a test run; it is never linked into, or shipped with, any
 * VoipKit package.
 *
 * The library ships neither a crypto provider nor stores, so this file carries its own:
 * a crypto provider on OpenSSL 3 (libcrypto) and in-memory session, prekey, signed prekey
 * and identity key stores (identity: trust on first use, a changed key is untrusted).
 *
 * Build: cc -O2 -Wall -o signal-harness signal-harness.c \
 *            $(pkg-config --cflags --libs libsignal-protocol-c) -lcrypto
 *
 * Single-threaded: the library is only called from the main loop, so no locking functions
 * are installed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <signal_protocol.h>
#include <key_helper.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>
#include <protocol.h>
#include <curve.h>
#include <ratchet.h>
#include <fingerprint.h>

/* Longest accepted command line (without the newline): 1 MiB of hex is plenty for tests. */
#define MAX_LINE (1024 * 1024)
#define MAX_TOKENS 12
#define MAX_NAME 64
#define PRE_KEY_COUNT 100
#define DEVICE_ID 1
#define FINGERPRINT_ITERATIONS 5200
#define FINGERPRINT_SCANNABLE_VERSION 1

/* Harness-level error codes below the library's range (SG_ERR_MINIMUM). */
#define ERR_CRYPTO (-10001)

/* ------------------------------------------------------------------------------------ */
/* Crypto provider on OpenSSL 3                                                          */
/* ------------------------------------------------------------------------------------ */

static int cp_random(uint8_t *data, size_t len, void *user_data)
{
    (void)user_data;
    if (len > (size_t)INT32_MAX) {
        return ERR_CRYPTO;
    }
    return RAND_bytes(data, (int)len) == 1 ? SG_SUCCESS : ERR_CRYPTO;
}

static int cp_hmac_init(void **hmac_context, const uint8_t *key, size_t key_len, void *user_data)
{
    (void)user_data;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!mac) {
        return ERR_CRYPTO;
    }
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac); /* the context keeps its own reference */
    if (!ctx) {
        return SG_ERR_NOMEM;
    }
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    /* An empty key needs a non-null pointer for OpenSSL. */
    static const uint8_t empty = 0;
    if (EVP_MAC_init(ctx, key_len ? key : &empty, key_len, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return ERR_CRYPTO;
    }
    *hmac_context = ctx;
    return SG_SUCCESS;
}

static int cp_hmac_update(void *hmac_context, const uint8_t *data, size_t data_len, void *user_data)
{
    (void)user_data;
    if (data_len == 0) {
        return SG_SUCCESS;
    }
    return EVP_MAC_update((EVP_MAC_CTX *)hmac_context, data, data_len) == 1 ? SG_SUCCESS : ERR_CRYPTO;
}

static int cp_hmac_final(void *hmac_context, signal_buffer **output, void *user_data)
{
    (void)user_data;
    uint8_t md[EVP_MAX_MD_SIZE];
    size_t md_len = 0;
    if (EVP_MAC_final((EVP_MAC_CTX *)hmac_context, md, &md_len, sizeof md) != 1) {
        return ERR_CRYPTO;
    }
    signal_buffer *buf = signal_buffer_create(md, md_len);
    OPENSSL_cleanse(md, sizeof md);
    if (!buf) {
        return SG_ERR_NOMEM;
    }
    *output = buf;
    return SG_SUCCESS;
}

static void cp_hmac_cleanup(void *hmac_context, void *user_data)
{
    (void)user_data;
    EVP_MAC_CTX_free((EVP_MAC_CTX *)hmac_context);
}

static int cp_sha512_init(void **digest_context, void *user_data)
{
    (void)user_data;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) {
        return SG_ERR_NOMEM;
    }
    if (EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return ERR_CRYPTO;
    }
    *digest_context = ctx;
    return SG_SUCCESS;
}

static int cp_sha512_update(void *digest_context, const uint8_t *data, size_t data_len, void *user_data)
{
    (void)user_data;
    return EVP_DigestUpdate((EVP_MD_CTX *)digest_context, data, data_len) == 1 ? SG_SUCCESS : ERR_CRYPTO;
}

static int cp_sha512_final(void *digest_context, signal_buffer **output, void *user_data)
{
    (void)user_data;
    EVP_MD_CTX *ctx = (EVP_MD_CTX *)digest_context;
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_DigestFinal_ex(ctx, md, &md_len) != 1) {
        return ERR_CRYPTO;
    }
    /* The API requires the context to be ready for reuse after final (fingerprints loop on it). */
    if (EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) != 1) {
        return ERR_CRYPTO;
    }
    signal_buffer *buf = signal_buffer_create(md, md_len);
    if (!buf) {
        return SG_ERR_NOMEM;
    }
    *output = buf;
    return SG_SUCCESS;
}

static void cp_sha512_cleanup(void *digest_context, void *user_data)
{
    (void)user_data;
    EVP_MD_CTX_free((EVP_MD_CTX *)digest_context);
}

static const EVP_CIPHER *aes_cipher(int cipher, size_t key_len)
{
    if (cipher == SG_CIPHER_AES_CTR_NOPADDING) {
        switch (key_len) {
        case 16: return EVP_aes_128_ctr();
        case 24: return EVP_aes_192_ctr();
        case 32: return EVP_aes_256_ctr();
        default: return NULL;
        }
    }
    if (cipher == SG_CIPHER_AES_CBC_PKCS5) {
        switch (key_len) {
        case 16: return EVP_aes_128_cbc();
        case 24: return EVP_aes_192_cbc();
        case 32: return EVP_aes_256_cbc();
        default: return NULL;
        }
    }
    return NULL;
}

/* One AES pass; padding (PKCS#5/#7) is OpenSSL's default for CBC and meaningless for CTR. */
static int aes_crypt(signal_buffer **output, int cipher, int encrypt,
        const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
        const uint8_t *input, size_t input_len)
{
    const EVP_CIPHER *evp = aes_cipher(cipher, key_len);
    if (!evp || iv_len != 16 || input_len > (size_t)INT32_MAX - 32) {
        return SG_ERR_INVAL;
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx) {
        return SG_ERR_NOMEM;
    }
    int result = ERR_CRYPTO;
    size_t cap = input_len + 16; /* room for one padding block */
    uint8_t *out = malloc(cap);
    int len1 = 0, len2 = 0;
    if (!out) {
        result = SG_ERR_NOMEM;
        goto done;
    }
    if (EVP_CipherInit_ex(ctx, evp, NULL, key, iv, encrypt) != 1) {
        goto done;
    }
    if (EVP_CipherUpdate(ctx, out, &len1, input, (int)input_len) != 1) {
        goto done;
    }
    if (EVP_CipherFinal_ex(ctx, out + len1, &len2) != 1) {
        goto done; /* e.g. bad padding on decryption */
    }
    *output = signal_buffer_create(out, (size_t)len1 + (size_t)len2);
    result = *output ? SG_SUCCESS : SG_ERR_NOMEM;
done:
    if (out) {
        OPENSSL_cleanse(out, cap);
        free(out);
    }
    EVP_CIPHER_CTX_free(ctx);
    return result;
}

static int cp_encrypt(signal_buffer **output, int cipher,
        const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
        const uint8_t *plaintext, size_t plaintext_len, void *user_data)
{
    (void)user_data;
    return aes_crypt(output, cipher, 1, key, key_len, iv, iv_len, plaintext, plaintext_len);
}

static int cp_decrypt(signal_buffer **output, int cipher,
        const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
        const uint8_t *ciphertext, size_t ciphertext_len, void *user_data)
{
    (void)user_data;
    return aes_crypt(output, cipher, 0, key, key_len, iv, iv_len, ciphertext, ciphertext_len);
}

/* ------------------------------------------------------------------------------------ */
/* In-memory stores                                                                      */
/* ------------------------------------------------------------------------------------ */

/* One stored record, keyed either by (name, device) or by a numeric id. */
typedef struct record {
    char *name;
    size_t name_len;
    int32_t device_id;
    uint32_t id;
    signal_buffer *data;
    struct record *next;
} record;

typedef struct harness {
    signal_context *ctx;
    signal_protocol_store_context *store;
    ratchet_identity_key_pair *identity;
    uint32_t registration_id;
    uint32_t next_pre_key_id;
    record *sessions;
    record *pre_keys;
    record *signed_pre_keys;
    record *identities;
} harness;

static int name_eq(const record *r, const char *name, size_t name_len)
{
    return r->name_len == name_len && memcmp(r->name, name, name_len) == 0;
}

static record **find_addr(record **head, const char *name, size_t name_len, int32_t device_id)
{
    for (record **p = head; *p; p = &(*p)->next) {
        if ((*p)->device_id == device_id && name_eq(*p, name, name_len)) {
            return p;
        }
    }
    return NULL;
}

static record **find_id(record **head, uint32_t id)
{
    for (record **p = head; *p; p = &(*p)->next) {
        if ((*p)->id == id) {
            return p;
        }
    }
    return NULL;
}

static void record_free(record *r)
{
    if (r->data) {
        signal_buffer_bzero_free(r->data);
    }
    free(r->name);
    free(r);
}

static void list_free(record **head)
{
    while (*head) {
        record *r = *head;
        *head = r->next;
        record_free(r);
    }
}

static void unlink_free(record **p)
{
    record *r = *p;
    *p = r->next;
    record_free(r);
}

/* Replaces the data of an existing record or adds a new one. */
static int put(record **head, record **existing, const char *name, size_t name_len,
        int32_t device_id, uint32_t id, const uint8_t *data, size_t len)
{
    signal_buffer *buf = signal_buffer_create(data, len);
    if (!buf) {
        return SG_ERR_NOMEM;
    }
    if (existing) {
        signal_buffer_bzero_free((*existing)->data);
        (*existing)->data = buf;
        return SG_SUCCESS;
    }
    record *r = calloc(1, sizeof *r);
    if (!r) {
        signal_buffer_free(buf);
        return SG_ERR_NOMEM;
    }
    if (name) {
        r->name = malloc(name_len ? name_len : 1);
        if (!r->name) {
            signal_buffer_free(buf);
            free(r);
            return SG_ERR_NOMEM;
        }
        memcpy(r->name, name, name_len);
        r->name_len = name_len;
    }
    r->device_id = device_id;
    r->id = id;
    r->data = buf;
    r->next = *head;
    *head = r;
    return SG_SUCCESS;
}

static int copy_out(signal_buffer **out, const record *r)
{
    *out = signal_buffer_copy(r->data);
    return *out ? SG_SUCCESS : SG_ERR_NOMEM;
}

/* Session store */

static int ss_load(signal_buffer **rec, signal_buffer **user_record, const signal_protocol_address *address, void *user_data)
{
    (void)user_record;
    harness *h = user_data;
    record **p = find_addr(&h->sessions, address->name, address->name_len, address->device_id);
    if (!p) {
        return 0;
    }
    int rc = copy_out(rec, *p);
    return rc < 0 ? rc : 1;
}

static int ss_sub_devices(signal_int_list **sessions, const char *name, size_t name_len, void *user_data)
{
    harness *h = user_data;
    signal_int_list *list = signal_int_list_alloc();
    if (!list) {
        return SG_ERR_NOMEM;
    }
    for (record *r = h->sessions; r; r = r->next) {
        if (name_eq(r, name, name_len) && r->device_id != DEVICE_ID) {
            if (signal_int_list_push_back(list, r->device_id) < 0) {
                signal_int_list_free(list);
                return SG_ERR_NOMEM;
            }
        }
    }
    *sessions = list;
    return (int)signal_int_list_size(list);
}

static int ss_store(const signal_protocol_address *address, uint8_t *rec, size_t rec_len,
        uint8_t *user_record, size_t user_record_len, void *user_data)
{
    (void)user_record;
    (void)user_record_len;
    harness *h = user_data;
    record **p = find_addr(&h->sessions, address->name, address->name_len, address->device_id);
    return put(&h->sessions, p, address->name, address->name_len, address->device_id, 0, rec, rec_len);
}

static int ss_contains(const signal_protocol_address *address, void *user_data)
{
    harness *h = user_data;
    return find_addr(&h->sessions, address->name, address->name_len, address->device_id) ? 1 : 0;
}

static int ss_delete(const signal_protocol_address *address, void *user_data)
{
    harness *h = user_data;
    record **p = find_addr(&h->sessions, address->name, address->name_len, address->device_id);
    if (!p) {
        return 0;
    }
    unlink_free(p);
    return 1;
}

static int ss_delete_all(const char *name, size_t name_len, void *user_data)
{
    harness *h = user_data;
    int n = 0;
    record **p = &h->sessions;
    while (*p) {
        if (name_eq(*p, name, name_len)) {
            unlink_free(p);
            n++;
        } else {
            p = &(*p)->next;
        }
    }
    return n;
}

/* Prekey and signed prekey stores share the id-keyed helpers. */

static int id_load(record **head, signal_buffer **rec, uint32_t id)
{
    record **p = find_id(head, id);
    return p ? copy_out(rec, *p) : SG_ERR_INVALID_KEY_ID;
}

static int id_store(record **head, uint32_t id, const uint8_t *rec, size_t len)
{
    return put(head, find_id(head, id), NULL, 0, 0, id, rec, len);
}

static int id_remove(record **head, uint32_t id)
{
    record **p = find_id(head, id);
    if (p) {
        unlink_free(p);
    }
    return SG_SUCCESS;
}

static int pk_load(signal_buffer **rec, uint32_t id, void *user_data)
{
    return id_load(&((harness *)user_data)->pre_keys, rec, id);
}

static int pk_store(uint32_t id, uint8_t *rec, size_t len, void *user_data)
{
    return id_store(&((harness *)user_data)->pre_keys, id, rec, len);
}

static int pk_contains(uint32_t id, void *user_data)
{
    return find_id(&((harness *)user_data)->pre_keys, id) ? 1 : 0;
}

static int pk_remove(uint32_t id, void *user_data)
{
    return id_remove(&((harness *)user_data)->pre_keys, id);
}

static int spk_load(signal_buffer **rec, uint32_t id, void *user_data)
{
    return id_load(&((harness *)user_data)->signed_pre_keys, rec, id);
}

static int spk_store(uint32_t id, uint8_t *rec, size_t len, void *user_data)
{
    return id_store(&((harness *)user_data)->signed_pre_keys, id, rec, len);
}

static int spk_contains(uint32_t id, void *user_data)
{
    return find_id(&((harness *)user_data)->signed_pre_keys, id) ? 1 : 0;
}

static int spk_remove(uint32_t id, void *user_data)
{
    return id_remove(&((harness *)user_data)->signed_pre_keys, id);
}

/* Identity store: trust on first use; a different key for a known address is untrusted. */

static int ik_get_pair(signal_buffer **public_data, signal_buffer **private_data, void *user_data)
{
    harness *h = user_data;
    signal_buffer *pub = NULL, *priv = NULL;
    int rc = ec_public_key_serialize(&pub, ratchet_identity_key_pair_get_public(h->identity));
    if (rc < 0) {
        return rc;
    }
    rc = ec_private_key_serialize(&priv, ratchet_identity_key_pair_get_private(h->identity));
    if (rc < 0) {
        signal_buffer_free(pub);
        return rc;
    }
    *public_data = pub;
    *private_data = priv;
    return SG_SUCCESS;
}

static int ik_get_reg_id(void *user_data, uint32_t *registration_id)
{
    *registration_id = ((harness *)user_data)->registration_id;
    return SG_SUCCESS;
}

static int ik_save(const signal_protocol_address *address, uint8_t *key_data, size_t key_len, void *user_data)
{
    harness *h = user_data;
    record **p = find_addr(&h->identities, address->name, address->name_len, address->device_id);
    if (!key_data) {
        if (p) {
            unlink_free(p);
        }
        return SG_SUCCESS;
    }
    return put(&h->identities, p, address->name, address->name_len, address->device_id, 0, key_data, key_len);
}

static int ik_is_trusted(const signal_protocol_address *address, uint8_t *key_data, size_t key_len, void *user_data)
{
    harness *h = user_data;
    record **p = find_addr(&h->identities, address->name, address->name_len, address->device_id);
    if (!p) {
        return 1;
    }
    const signal_buffer *known = (*p)->data;
    return signal_buffer_len(known) == key_len
        && memcmp(signal_buffer_const_data(known), key_data, key_len) == 0;
}

static void store_destroy(void *user_data)
{
    (void)user_data; /* the harness frees its lists itself in harness_free */
}

/* ------------------------------------------------------------------------------------ */
/* Helpers: hex, numbers, names, output                                                  */
/* ------------------------------------------------------------------------------------ */

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes hex into a fresh malloc'd buffer; returns 0 on success, -1 on bad hex. */
static int hex_decode(const char *hex, uint8_t **out, size_t *out_len)
{
    size_t n = strlen(hex);
    if (n % 2 != 0) {
        return -1;
    }
    uint8_t *buf = malloc(n / 2 ? n / 2 : 1);
    if (!buf) {
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(buf);
            return -1;
        }
        buf[i] = (uint8_t)((hi << 4) | lo);
    }
    *out = buf;
    *out_len = n / 2;
    return 0;
}

static void print_hex(const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        putchar(digits[data[i] >> 4]);
        putchar(digits[data[i] & 0x0f]);
    }
}

static void print_buffer_hex(const signal_buffer *buf)
{
    print_hex(signal_buffer_const_data(buf), signal_buffer_len(buf));
}

/* Prints the public key serialized with its 0x05 type byte. */
static int print_public_key(const ec_public_key *key)
{
    signal_buffer *buf = NULL;
    int rc = ec_public_key_serialize(&buf, key);
    if (rc < 0) {
        return rc;
    }
    print_hex(signal_buffer_const_data(buf), signal_buffer_len(buf));
    signal_buffer_free(buf);
    return SG_SUCCESS;
}

/* Parses a decimal number in [min, max]; returns 0 on success. */
static int parse_num(const char *s, long long min, long long max, long long *out)
{
    if (!*s) {
        return -1;
    }
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

/* Names are short ASCII words; they map to the address (name, DEVICE_ID). */
static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MAX_NAME) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) {
            return 0;
        }
    }
    return 1;
}

static signal_protocol_address address_of(const char *name)
{
    signal_protocol_address a = { name, strlen(name), DEVICE_ID };
    return a;
}

static void answer_error_code(int code)
{
    printf("error %d\n", code);
}

static void answer_error_word(const char *word)
{
    printf("error %s\n", word);
}

/* Decodes a 33-byte (0x05-prefixed) public key from hex. */
static int decode_public_key(harness *h, const char *hex, ec_public_key **key)
{
    uint8_t *raw = NULL;
    size_t len = 0;
    if (hex_decode(hex, &raw, &len) != 0) {
        return SG_ERR_INVAL;
    }
    int rc = len == 33 ? curve_decode_point(key, raw, len, h->ctx) : SG_ERR_INVALID_KEY;
    free(raw);
    return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Commands                                                                              */
/* ------------------------------------------------------------------------------------ */

static int harness_setup(harness *h)
{
    int rc = signal_context_create(&h->ctx, h);
    if (rc < 0) {
        return rc;
    }
    signal_crypto_provider provider = {
        .random_func = cp_random,
        .hmac_sha256_init_func = cp_hmac_init,
        .hmac_sha256_update_func = cp_hmac_update,
        .hmac_sha256_final_func = cp_hmac_final,
        .hmac_sha256_cleanup_func = cp_hmac_cleanup,
        .sha512_digest_init_func = cp_sha512_init,
        .sha512_digest_update_func = cp_sha512_update,
        .sha512_digest_final_func = cp_sha512_final,
        .sha512_digest_cleanup_func = cp_sha512_cleanup,
        .encrypt_func = cp_encrypt,
        .decrypt_func = cp_decrypt,
        .user_data = h,
    };
    if ((rc = signal_context_set_crypto_provider(h->ctx, &provider)) < 0) {
        return rc;
    }
    if ((rc = signal_protocol_store_context_create(&h->store, h->ctx)) < 0) {
        return rc;
    }
    signal_protocol_session_store ss = {
        .load_session_func = ss_load,
        .get_sub_device_sessions_func = ss_sub_devices,
        .store_session_func = ss_store,
        .contains_session_func = ss_contains,
        .delete_session_func = ss_delete,
        .delete_all_sessions_func = ss_delete_all,
        .destroy_func = store_destroy,
        .user_data = h,
    };
    signal_protocol_pre_key_store pks = {
        .load_pre_key = pk_load,
        .store_pre_key = pk_store,
        .contains_pre_key = pk_contains,
        .remove_pre_key = pk_remove,
        .destroy_func = store_destroy,
        .user_data = h,
    };
    signal_protocol_signed_pre_key_store spks = {
        .load_signed_pre_key = spk_load,
        .store_signed_pre_key = spk_store,
        .contains_signed_pre_key = spk_contains,
        .remove_signed_pre_key = spk_remove,
        .destroy_func = store_destroy,
        .user_data = h,
    };
    signal_protocol_identity_key_store iks = {
        .get_identity_key_pair = ik_get_pair,
        .get_local_registration_id = ik_get_reg_id,
        .save_identity = ik_save,
        .is_trusted_identity = ik_is_trusted,
        .destroy_func = store_destroy,
        .user_data = h,
    };
    if ((rc = signal_protocol_store_context_set_session_store(h->store, &ss)) < 0
            || (rc = signal_protocol_store_context_set_pre_key_store(h->store, &pks)) < 0
            || (rc = signal_protocol_store_context_set_signed_pre_key_store(h->store, &spks)) < 0
            || (rc = signal_protocol_store_context_set_identity_key_store(h->store, &iks)) < 0) {
        return rc;
    }
    return SG_SUCCESS;
}

static void harness_free(harness *h)
{
    if (h->store) {
        signal_protocol_store_context_destroy(h->store);
    }
    if (h->identity) {
        SIGNAL_UNREF(h->identity);
    }
    if (h->ctx) {
        signal_context_destroy(h->ctx);
    }
    list_free(&h->sessions);
    list_free(&h->pre_keys);
    list_free(&h->signed_pre_keys);
    list_free(&h->identities);
}

static int cmd_init(harness *h, char **tok, int n)
{
    long long reg;
    if (n != 2 || parse_num(tok[1], 0, UINT32_MAX, &reg) != 0) {
        answer_error_word("usage");
        return 0;
    }
    if (h->identity) {
        answer_error_word("already_initialized");
        return 0;
    }
    ratchet_identity_key_pair *identity = NULL;
    signal_protocol_key_helper_pre_key_list_node *pre_keys = NULL;
    session_signed_pre_key *spk = NULL;
    int rc = signal_protocol_key_helper_generate_identity_key_pair(&identity, h->ctx);
    if (rc < 0) {
        goto done;
    }
    if ((rc = signal_protocol_key_helper_generate_pre_keys(&pre_keys, 1, PRE_KEY_COUNT, h->ctx)) < 0) {
        goto done;
    }
    for (signal_protocol_key_helper_pre_key_list_node *node = pre_keys; node;
            node = signal_protocol_key_helper_key_list_next(node)) {
        if ((rc = signal_protocol_pre_key_store_key(h->store, signal_protocol_key_helper_key_list_element(node))) < 0) {
            goto done;
        }
    }
    if ((rc = signal_protocol_key_helper_generate_signed_pre_key(&spk, identity, 1, 0, h->ctx)) < 0) {
        goto done;
    }
    if ((rc = signal_protocol_signed_pre_key_store_key(h->store, spk)) < 0) {
        goto done;
    }
    h->identity = identity;
    identity = NULL;
    h->registration_id = (uint32_t)reg;
    h->next_pre_key_id = 1;
done:
    if (identity) {
        SIGNAL_UNREF(identity);
    }
    if (pre_keys) {
        signal_protocol_key_helper_key_list_free(pre_keys);
    }
    if (spk) {
        SIGNAL_UNREF(spk);
    }
    if (rc < 0) {
        list_free(&h->pre_keys);
        list_free(&h->signed_pre_keys);
        answer_error_code(rc);
    } else {
        printf("ok\n");
    }
    return 0;
}

static int cmd_bundle(harness *h, char **tok, int n)
{
    (void)tok;
    if (n != 1) {
        answer_error_word("usage");
        return 0;
    }
    /* Hand out the next one-time prekey still in the store (used ones are removed). */
    session_pre_key *pk = NULL;
    while (h->next_pre_key_id <= PRE_KEY_COUNT && !pk) {
        uint32_t id = h->next_pre_key_id++;
        if (signal_protocol_pre_key_contains_key(h->store, id) == 1) {
            int rc = signal_protocol_pre_key_load_key(h->store, &pk, id);
            if (rc < 0) {
                answer_error_code(rc);
                return 0;
            }
        }
    }
    if (!pk) {
        answer_error_word("no_prekeys");
        return 0;
    }
    session_signed_pre_key *spk = NULL;
    int rc = signal_protocol_signed_pre_key_load_key(h->store, &spk, 1);
    if (rc < 0) {
        SIGNAL_UNREF(pk);
        answer_error_code(rc);
        return 0;
    }
    printf("bundle %u %d %u ", h->registration_id, DEVICE_ID, session_pre_key_get_id(pk));
    print_public_key(ec_key_pair_get_public(session_pre_key_get_key_pair(pk)));
    printf(" %u ", session_signed_pre_key_get_id(spk));
    print_public_key(ec_key_pair_get_public(session_signed_pre_key_get_key_pair(spk)));
    putchar(' ');
    print_hex(session_signed_pre_key_get_signature(spk), session_signed_pre_key_get_signature_len(spk));
    putchar(' ');
    print_public_key(ratchet_identity_key_pair_get_public(h->identity));
    putchar('\n');
    SIGNAL_UNREF(pk);
    SIGNAL_UNREF(spk);
    return 0;
}

static int cmd_identity(harness *h, char **tok, int n)
{
    (void)tok;
    if (n != 1) {
        answer_error_word("usage");
        return 0;
    }
    printf("identity ");
    print_public_key(ratchet_identity_key_pair_get_public(h->identity));
    putchar('\n');
    return 0;
}

static int cmd_process_bundle(harness *h, char **tok, int n)
{
    long long reg, dev, pk_id, spk_id;
    if (n != 10 || !valid_name(tok[1])
            || parse_num(tok[2], 0, UINT32_MAX, &reg) != 0
            || parse_num(tok[3], 0, INT32_MAX, &dev) != 0
            || parse_num(tok[4], -1, UINT32_MAX, &pk_id) != 0
            || parse_num(tok[6], 0, UINT32_MAX, &spk_id) != 0) {
        answer_error_word("usage");
        return 0;
    }
    int no_pre_key = pk_id == -1;
    if (no_pre_key != (strcmp(tok[5], "-") == 0)) {
        answer_error_word("usage"); /* prekey id -1 and key "-" go together */
        return 0;
    }
    ec_public_key *pre_key = NULL, *spk = NULL, *ik = NULL;
    session_pre_key_bundle *bundle = NULL;
    session_builder *builder = NULL;
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    int rc;
    if (hex_decode(tok[8], &sig, &sig_len) != 0) {
        answer_error_word("bad_hex");
        return 0;
    }
    if ((!no_pre_key && (rc = decode_public_key(h, tok[5], &pre_key)) < 0)
            || (rc = decode_public_key(h, tok[7], &spk)) < 0
            || (rc = decode_public_key(h, tok[9], &ik)) < 0) {
        goto done;
    }
    rc = session_pre_key_bundle_create(&bundle, (uint32_t)reg, (int)dev,
            no_pre_key ? 0 : (uint32_t)pk_id, pre_key, (uint32_t)spk_id, spk, sig, sig_len, ik);
    if (rc < 0) {
        goto done;
    }
    /* The session is always kept under (name, DEVICE_ID): that is the name→address mapping. */
    signal_protocol_address address = address_of(tok[1]);
    if ((rc = session_builder_create(&builder, h->store, &address, h->ctx)) < 0) {
        goto done;
    }
    rc = session_builder_process_pre_key_bundle(builder, bundle);
done:
    if (builder) {
        session_builder_free(builder);
    }
    if (bundle) {
        SIGNAL_UNREF(bundle);
    }
    if (pre_key) {
        SIGNAL_UNREF(pre_key);
    }
    if (spk) {
        SIGNAL_UNREF(spk);
    }
    if (ik) {
        SIGNAL_UNREF(ik);
    }
    free(sig);
    if (rc < 0) {
        answer_error_code(rc);
    } else {
        printf("ok\n");
    }
    return 0;
}

static int cmd_encrypt(harness *h, char **tok, int n)
{
    if (n != 3 || !valid_name(tok[1])) {
        answer_error_word("usage");
        return 0;
    }
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    if (hex_decode(tok[2], &plain, &plain_len) != 0) {
        answer_error_word("bad_hex");
        return 0;
    }
    signal_protocol_address address = address_of(tok[1]);
    session_cipher *cipher = NULL;
    ciphertext_message *msg = NULL;
    int rc;
    if (signal_protocol_session_contains_session(h->store, &address) != 1) {
        rc = SG_ERR_NO_SESSION;
        goto done;
    }
    if ((rc = session_cipher_create(&cipher, h->store, &address, h->ctx)) < 0) {
        goto done;
    }
    if ((rc = session_cipher_encrypt(cipher, plain, plain_len, &msg)) < 0) {
        goto done;
    }
    printf("msg %d ", ciphertext_message_get_type(msg));
    print_buffer_hex(ciphertext_message_get_serialized(msg));
    putchar('\n');
done:
    if (msg) {
        SIGNAL_UNREF(msg);
    }
    if (cipher) {
        session_cipher_free(cipher);
    }
    OPENSSL_cleanse(plain, plain_len);
    free(plain);
    if (rc < 0) {
        answer_error_code(rc);
    }
    return 0;
}

static int cmd_decrypt(harness *h, char **tok, int n)
{
    long long type;
    if (n != 4 || !valid_name(tok[1]) || parse_num(tok[2], 2, 3, &type) != 0) {
        answer_error_word("usage");
        return 0;
    }
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    if (hex_decode(tok[3], &raw, &raw_len) != 0) {
        answer_error_word("bad_hex");
        return 0;
    }
    signal_protocol_address address = address_of(tok[1]);
    session_cipher *cipher = NULL;
    pre_key_signal_message *pre_key_msg = NULL;
    signal_message *msg = NULL;
    signal_buffer *plain = NULL;
    int rc;
    if ((rc = session_cipher_create(&cipher, h->store, &address, h->ctx)) < 0) {
        goto done;
    }
    if (type == 3) {
        /* For an unknown sender this builds the session (the builder processes the message). */
        if ((rc = pre_key_signal_message_deserialize(&pre_key_msg, raw, raw_len, h->ctx)) < 0) {
            goto done;
        }
        /*
         * The library saves the sender's identity key before the message's MAC is checked, so
         * a tampered first message would pin a forged identity (trust on first use) and every
         * genuine message after it would be untrusted. Undo that save when decryption fails:
         * a failed decrypt then leaves all harness state unchanged.
         */
        int had_identity = find_addr(&h->identities, address.name, address.name_len, address.device_id) != NULL;
        rc = session_cipher_decrypt_pre_key_signal_message(cipher, pre_key_msg, NULL, &plain);
        record **saved;
        if (rc < 0 && !had_identity
                && (saved = find_addr(&h->identities, address.name, address.name_len, address.device_id)) != NULL) {
            unlink_free(saved);
        }
    } else {
        if ((rc = signal_message_deserialize(&msg, raw, raw_len, h->ctx)) < 0) {
            goto done;
        }
        rc = session_cipher_decrypt_signal_message(cipher, msg, NULL, &plain);
    }
    if (rc >= 0) {
        printf("plain ");
        print_buffer_hex(plain);
        putchar('\n');
    }
done:
    if (plain) {
        signal_buffer_bzero_free(plain);
    }
    if (pre_key_msg) {
        SIGNAL_UNREF(pre_key_msg);
    }
    if (msg) {
        SIGNAL_UNREF(msg);
    }
    if (cipher) {
        session_cipher_free(cipher);
    }
    free(raw);
    if (rc < 0) {
        answer_error_code(rc);
    }
    return 0;
}

static int cmd_fingerprint(harness *h, char **tok, int n)
{
    if (n != 4) {
        answer_error_word("usage");
        return 0;
    }
    ec_public_key *remote = NULL;
    fingerprint_generator *gen = NULL;
    fingerprint *fp = NULL;
    int rc = decode_public_key(h, tok[3], &remote);
    if (rc < 0) {
        goto done;
    }
    if ((rc = fingerprint_generator_create(&gen, FINGERPRINT_ITERATIONS, FINGERPRINT_SCANNABLE_VERSION, h->ctx)) < 0) {
        goto done;
    }
    rc = fingerprint_generator_create_for(gen, tok[1], ratchet_identity_key_pair_get_public(h->identity),
            tok[2], remote, &fp);
    if (rc < 0) {
        goto done;
    }
    printf("fingerprint %s\n", displayable_fingerprint_text(fingerprint_get_displayable(fp)));
done:
    if (fp) {
        SIGNAL_UNREF(fp);
    }
    if (gen) {
        fingerprint_generator_free(gen);
    }
    if (remote) {
        SIGNAL_UNREF(remote);
    }
    if (rc < 0) {
        answer_error_code(rc);
    }
    return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Main loop                                                                             */
/* ------------------------------------------------------------------------------------ */

/*
 * Reads one line of at most MAX_LINE characters into buf (without the newline).
 * Returns 1 for a line, 0 at EOF, -1 for an over-long line (the rest of it is skipped).
 */
static int read_line(char *buf)
{
    size_t len = 0;
    int c;
    int too_long = 0;
    while ((c = getchar()) != EOF && c != '\n') {
        if (len < MAX_LINE) {
            buf[len++] = (char)c;
        } else {
            too_long = 1;
        }
    }
    if (c == EOF && len == 0 && !too_long) {
        return 0;
    }
    if (len > 0 && buf[len - 1] == '\r') {
        len--;
    }
    buf[len] = '\0';
    return too_long ? -1 : 1;
}

static int tokenize(char *line, char **tok)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (n == MAX_TOKENS) {
            return MAX_TOKENS + 1;
        }
        tok[n++] = t;
    }
    return n;
}

int main(void)
{
    harness h;
    memset(&h, 0, sizeof h);
    char *line = malloc(MAX_LINE + 1);
    if (!line) {
        fprintf(stderr, "signal-harness: out of memory\n");
        return 1;
    }
    int rc = harness_setup(&h);
    if (rc < 0) {
        fprintf(stderr, "signal-harness: setup failed (%d)\n", rc);
        harness_free(&h);
        free(line);
        return 1;
    }
    for (;;) {
        int got = read_line(line);
        if (got == 0) {
            break;
        }
        if (got < 0) {
            answer_error_word("line_too_long");
            fflush(stdout);
            continue;
        }
        char *tok[MAX_TOKENS];
        int n = tokenize(line, tok);
        if (n == 0) {
            answer_error_word("empty");
        } else if (n > MAX_TOKENS) {
            answer_error_word("usage");
        } else if (strcmp(tok[0], "quit") == 0) {
            break;
        } else if (strcmp(tok[0], "init") == 0) {
            cmd_init(&h, tok, n);
        } else if (!h.identity && (strcmp(tok[0], "bundle") == 0 || strcmp(tok[0], "identity") == 0
                || strcmp(tok[0], "process_bundle") == 0 || strcmp(tok[0], "encrypt") == 0
                || strcmp(tok[0], "decrypt") == 0 || strcmp(tok[0], "fingerprint") == 0)) {
            answer_error_word("not_initialized");
        } else if (strcmp(tok[0], "bundle") == 0) {
            cmd_bundle(&h, tok, n);
        } else if (strcmp(tok[0], "identity") == 0) {
            cmd_identity(&h, tok, n);
        } else if (strcmp(tok[0], "process_bundle") == 0) {
            cmd_process_bundle(&h, tok, n);
        } else if (strcmp(tok[0], "encrypt") == 0) {
            cmd_encrypt(&h, tok, n);
        } else if (strcmp(tok[0], "decrypt") == 0) {
            cmd_decrypt(&h, tok, n);
        } else if (strcmp(tok[0], "fingerprint") == 0) {
            cmd_fingerprint(&h, tok, n);
        } else {
            answer_error_word("unknown_command");
        }
        fflush(stdout);
    }
    harness_free(&h);
    free(line);
    return 0;
}
