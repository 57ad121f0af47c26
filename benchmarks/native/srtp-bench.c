/*
 * libsrtp2 on the workload of VoipKit's SrtpBenchmarks: protect and unprotect of a 12-byte
 * RTP header + 160-byte payload, per suite. Prints one line per suite:
 *   <suite> protect_ns <n> unprotect_ns <n> protect_cpu_ns <n> unprotect_cpu_ns <n>
 * Each figure is the median of several rounds of PACKETS packets. Protect advances the
 * sequence number every packet; unprotect runs over a pool of fresh packets in order.
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL 16384
#define STRIDE 256
#define RTP_LEN 172
#define ROUNDS 7

static double clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Wall clock, and this thread's CPU time (steadier on a shared, loaded machine). */
static double now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
static double cpu_ns(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static srtp_t make(const char *suite, int inbound, unsigned char *key)
{
    srtp_policy_t p;
    memset(&p, 0, sizeof p);
    if (strcmp(suite, "cm80") == 0) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
    } else if (strcmp(suite, "cm32") == 0) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
    } else if (strcmp(suite, "gcm128") == 0) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
    } else {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtcp);
    }
    p.key = key;
    p.window_size = 128;
    p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    srtp_t s;
    if (srtp_create(&s, &p) != srtp_err_status_ok) {
        fprintf(stderr, "srtp_create failed for %s\n", suite);
        exit(1);
    }
    return s;
}

static void header(unsigned char *b, unsigned short seq)
{
    b[0] = 0x80;
    b[1] = 111;
    b[2] = (unsigned char)(seq >> 8);
    b[3] = (unsigned char)seq;
    b[8] = 0x12;
    b[11] = 0x34;
}

int main(void)
{
    static unsigned char key[64];
    static unsigned char pool[POOL * STRIDE];
    static int lengths[POOL];
    unsigned char buf[STRIDE];
    const char *suites[] = { "cm80", "cm32", "gcm128", "gcm256" };

    if (srtp_init() != srtp_err_status_ok) {
        return 1;
    }
    for (int i = 0; i < 32; i++) {
        key[i] = (unsigned char)(i + 1);
    }
    for (int s = 0; s < 4; s++) {
        srtp_t tx = make(suites[s], 0, key), pool_tx = make(suites[s], 0, key), rx = make(suites[s], 1, key);
        double protect[ROUNDS], unprotect[ROUNDS], protect_cpu[ROUNDS], unprotect_cpu[ROUNDS];
        unsigned short seq = 0, pool_seq = 0;
        memset(buf, 0, sizeof buf);
        for (int i = 12; i < RTP_LEN; i++) {
            buf[i] = (unsigned char)i;
        }
        for (int r = 0; r < ROUNDS; r++) {
            double t0 = now_ns(), c0 = cpu_ns();
            for (int i = 0; i < POOL; i++) {
                int len = RTP_LEN;
                header(buf, ++seq);
                if (srtp_protect(tx, buf, &len) != srtp_err_status_ok) {
                    fprintf(stderr, "protect failed\n");
                    return 1;
                }
            }
            protect[r] = (now_ns() - t0) / POOL;
            protect_cpu[r] = (cpu_ns() - c0) / POOL;

            for (int i = 0; i < POOL; i++) {
                unsigned char *p = pool + (size_t)i * STRIDE;
                memcpy(p, buf, RTP_LEN);
                header(p, ++pool_seq);
                lengths[i] = RTP_LEN;
                srtp_protect(pool_tx, p, &lengths[i]);
            }
            t0 = now_ns();
            c0 = cpu_ns();
            for (int i = 0; i < POOL; i++) {
                if (srtp_unprotect(rx, pool + (size_t)i * STRIDE, &lengths[i]) != srtp_err_status_ok) {
                    fprintf(stderr, "unprotect failed\n");
                    return 1;
                }
            }
            unprotect[r] = (now_ns() - t0) / POOL;
            unprotect_cpu[r] = (cpu_ns() - c0) / POOL;
        }
        qsort(protect, ROUNDS, sizeof(double), cmp);
        qsort(unprotect, ROUNDS, sizeof(double), cmp);
        qsort(protect_cpu, ROUNDS, sizeof(double), cmp);
        qsort(unprotect_cpu, ROUNDS, sizeof(double), cmp);
        printf("%s protect_ns %.0f unprotect_ns %.0f protect_cpu_ns %.0f unprotect_cpu_ns %.0f\n", suites[s],
               protect[ROUNDS / 2], unprotect[ROUNDS / 2], protect_cpu[ROUNDS / 2], unprotect_cpu[ROUNDS / 2]);
        srtp_dealloc(tx);
        srtp_dealloc(pool_tx);
        srtp_dealloc(rx);
    }
    return 0;
}
