/* bench_pow.c: how fast the real mining loop hashes, next to plain Nettle SHA-256 on the same
 * 84 header bytes. A benchmark, not a test: it prints its figures and never fails on speed.
 *
 * Mining is measured with the chapter's own pow_run (through block_new), on blocks at 20 target
 * bits: pow_run tries the nonces 0, 1, ..., N and stops at the first that works, so a block
 * costs exactly N + 1 header hashes. The rate is the sum of those over the elapsed time. */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "proof_of_work.h"

#define BENCH_BITS 20
#define BENCH_ROUNDS 4
#define ROUND_SECONDS 0.5
#define TARGET_RATIO 0.7

typedef struct {
    guint64 hashes;
    double seconds;
    guint blocks;
} Rate;

/* Every digest lands here, so the compiler cannot drop the plain loop. */
static volatile guint8 sink;

static double mhs(const Rate *r)
{
    return (double)r->hashes / r->seconds / 1e6;
}

static double seconds_since(gint64 start)
{
    return (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
}

/* Mines blocks with the real pow_run, on top of PREV, for about SECONDS; adds to R. */
static void bench_mining(double seconds, guint8 prev[BC_HASH_LEN], Rate *r)
{
    gint64 start = g_get_monotonic_time();
    double elapsed = 0;
    do {
        g_autofree gchar *data = g_strdup_printf("bench block %u", r->blocks);
        g_autoptr(Block) block = block_new(data, prev, BENCH_BITS);
        elapsed = seconds_since(start);
        /* A benchmark of a broken miner would measure nothing: check every block. */
        if (!pow_validate(block)) {
            fprintf(stderr, "bench: pow_run produced an invalid block\n");
            exit(1);
        }
        r->hashes += block->nonce + 1;
        r->blocks++;
        memcpy(prev, block->hash, BC_HASH_LEN);
    } while (elapsed < seconds);
    r->seconds += elapsed;
}

/* Plain Nettle SHA-256 over an 84-byte header, the nonce bytes rewritten each time as mining
 * does, for about SECONDS; adds to R. */
static void bench_nettle(double seconds, Rate *r)
{
    guint64 n = r->hashes;
    guint8 header[BLOCK_HEADER_LEN], digest[SHA256_DIGEST_SIZE];
    memset(header, 0x5a, sizeof header);
    struct sha256_ctx ctx;
    gint64 start = g_get_monotonic_time();
    double elapsed = 0;
    do {
        for (guint i = 0; i < 65536; i++, n++) {
            guint64 le = GUINT64_TO_LE(n);
            memcpy(header + BLOCK_NONCE_OFFSET, &le, sizeof le);
            sha256_init(&ctx);
            sha256_update(&ctx, sizeof header, header);
            sha256_digest(&ctx, sizeof digest, digest);
            sink = digest[0];
        }
        elapsed = seconds_since(start);
    } while (elapsed < seconds);
    r->hashes = n;
    r->seconds += elapsed;
}

int main(void)
{
    Rate mining = {0}, nettle = {0}, warm_up = {0};
    guint8 prev[BC_HASH_LEN] = {0};
    bench_nettle(0.3, &warm_up); /* let the CPU reach its working clock */
    /* Alternating rounds, so a change in the machine's load touches both measurements alike. */
    for (guint round = 0; round < BENCH_ROUNDS; round++) {
        bench_mining(ROUND_SECONDS, prev, &mining);
        bench_nettle(ROUND_SECONDS, &nettle);
    }
    double ratio = mhs(&mining) / mhs(&nettle);
    printf("%d rounds of %.1f s each, alternating:\n", BENCH_ROUNDS, ROUND_SECONDS);
    printf("pow_run, %u blocks at %d bits: %" G_GUINT64_FORMAT " hashes in %.2f s = %.2f MH/s\n",
           mining.blocks, BENCH_BITS, mining.hashes, mining.seconds, mhs(&mining));
    printf("Nettle SHA-256, 84-byte header: %" G_GUINT64_FORMAT " hashes in %.2f s = %.2f MH/s\n",
           nettle.hashes, nettle.seconds, mhs(&nettle));
    printf("ratio pow_run / Nettle: %.2f (target: ratio >= %.1f)%s\n", ratio, TARGET_RATIO,
           ratio >= TARGET_RATIO ? "" : "  BELOW TARGET");
    return 0;
}
