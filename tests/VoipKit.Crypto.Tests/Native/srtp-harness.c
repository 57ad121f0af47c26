/*
 * Reference peer for the VoipKit SRTP tests: libsrtp2 driven one line per command.
 *
 *   init <suite> <master key||salt hex> [rtcp-auth-only]  -> "ok" (creates a sender and a receiver)
 *   protect <rtp hex>        -> "ok <srtp hex>"   or "err <libsrtp status>"
 *   unprotect <srtp hex>     -> "ok <rtp hex>"    or "err <libsrtp status>"
 *   protect_rtcp <hex>, unprotect_rtcp <hex>: the same for RTCP.
 *
 * Suites: cm80, cm32, gcm128, gcm256.
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PACKET 4096

static srtp_t tx, rx;
static int have_sessions;

static int from_hex(const char *hex, unsigned char *out, int max)
{
    int n = 0;
    while (hex[0] && hex[1] && n < max) {
        unsigned int b;
        if (sscanf(hex, "%2x", &b) != 1) {
            return -1;
        }
        out[n++] = (unsigned char)b;
        hex += 2;
    }
    return n;
}

static void print_hex(const char *prefix, const unsigned char *p, int n)
{
    fputs(prefix, stdout);
    for (int i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
    putchar('\n');
}

static int set_policy(srtp_policy_t *policy, const char *suite, int rtcp_auth_only)
{
    if (strcmp(suite, "cm80") == 0) {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtcp);
    } else if (strcmp(suite, "cm32") == 0) {
        /* RFC 3711: SRTCP keeps the 80-bit tag. */
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy->rtcp);
    } else if (strcmp(suite, "gcm128") == 0) {
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy->rtcp);
    } else if (strcmp(suite, "gcm256") == 0) {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy->rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy->rtcp);
    } else {
        return -1;
    }
    if (rtcp_auth_only) {
        policy->rtcp.sec_serv = sec_serv_auth;
    }
    return 0;
}

static void cmd_init(char *args)
{
    char suite[32], keyhex[256], extra[32] = "";
    static unsigned char key[64];
    if (sscanf(args, "%31s %255s %31s", suite, keyhex, extra) < 2) {
        puts("err usage");
        return;
    }
    if (from_hex(keyhex, key, sizeof key) <= 0) {
        puts("err key");
        return;
    }
    if (have_sessions) {
        srtp_dealloc(tx);
        srtp_dealloc(rx);
        have_sessions = 0;
    }
    srtp_policy_t policy;
    memset(&policy, 0, sizeof policy);
    if (set_policy(&policy, suite, strcmp(extra, "rtcp-auth-only") == 0) != 0) {
        puts("err suite");
        return;
    }
    policy.key = key;
    policy.window_size = 128;
    policy.allow_repeat_tx = 0;
    policy.ssrc.type = ssrc_any_outbound;
    srtp_err_status_t s1 = srtp_create(&tx, &policy);
    policy.ssrc.type = ssrc_any_inbound;
    srtp_err_status_t s2 = srtp_create(&rx, &policy);
    if (s1 != srtp_err_status_ok || s2 != srtp_err_status_ok) {
        printf("err create %d %d\n", s1, s2);
        return;
    }
    have_sessions = 1;
    puts("ok");
}

static void cmd_packet(const char *cmd, char *hex)
{
    static unsigned char buf[MAX_PACKET + SRTP_MAX_TRAILER_LEN + 16];
    int len = from_hex(hex, buf, MAX_PACKET);
    if (len < 0 || !have_sessions) {
        puts("err input");
        return;
    }
    srtp_err_status_t s;
    if (strcmp(cmd, "protect") == 0) {
        s = srtp_protect(tx, buf, &len);
    } else if (strcmp(cmd, "unprotect") == 0) {
        s = srtp_unprotect(rx, buf, &len);
    } else if (strcmp(cmd, "protect_rtcp") == 0) {
        s = srtp_protect_rtcp(tx, buf, &len);
    } else if (strcmp(cmd, "unprotect_rtcp") == 0) {
        s = srtp_unprotect_rtcp(rx, buf, &len);
    } else {
        puts("err command");
        return;
    }
    if (s != srtp_err_status_ok) {
        printf("err %d\n", s);
        return;
    }
    print_hex("ok ", buf, len);
}

int main(void)
{
    static char line[MAX_PACKET * 2 + 256];
    if (srtp_init() != srtp_err_status_ok) {
        fputs("srtp_init failed\n", stderr);
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        char *space = strchr(line, ' ');
        char *args = "";
        if (space) {
            *space = 0;
            args = space + 1;
        }
        if (strcmp(line, "init") == 0) {
            cmd_init(args);
        } else {
            cmd_packet(line, args);
        }
    }
    if (have_sessions) {
        srtp_dealloc(tx);
        srtp_dealloc(rx);
    }
    return 0;
}
