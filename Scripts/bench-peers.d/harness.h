/* Shared timing harness for the C peers of Scripts/bench-peers.
 * Usage of every driver: DRIVER CORPUS.lpk SECONDS|passes=N
 * Reads a length-prefixed corpus (u16 big-endian length, message), then parses the whole corpus
 * again and again until SECONDS of wall time have passed (at least one pass), or exactly N times
 * (for callgrind), and prints one line:
 *   NAME: R messages/s, T ns/message, accepted A, rejected B, checksum C
 * parse_one() returns 0 when the parser accepted the message and adds what it read to *sum. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { const uint8_t *data; size_t len; } msg_t;

static int parse_one(const uint8_t *data, size_t len, uint64_t *sum);

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(const char *name, int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s CORPUS.lpk [SECONDS]\n", argv[0]); return 2; }
    double seconds = argc > 2 ? atof(argv[2]) : 2.0;
    long passes = argc > 2 && strncmp(argv[2], "passes=", 7) == 0 ? atol(argv[2] + 7) : 0;
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    fseek(f, 0, SEEK_END); long size = ftell(f); fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)size);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) { fprintf(stderr, "cannot read %s\n", argv[1]); return 2; }
    fclose(f);
    size_t cap = 1024, n = 0;
    msg_t *msgs = malloc(cap * sizeof *msgs);
    for (long i = 0; i + 2 <= size;) {
        size_t len = (size_t)buf[i] << 8 | buf[i + 1];
        if (i + 2 + (long)len > size) break;
        if (n == cap) { cap *= 2; msgs = realloc(msgs, cap * sizeof *msgs); }
        /* Each message in its own allocation, as a receive buffer would be. */
        uint8_t *m = malloc(len ? len : 1);
        memcpy(m, buf + i + 2, len);
        msgs[n].data = m; msgs[n].len = len; n++;
        i += 2 + (long)len;
    }
    if (n == 0) { fprintf(stderr, "no messages in %s\n", argv[1]); return 2; }
    uint64_t sum = 0, parsed = 0, ok = 0, bad = 0;
    double start = now(), elapsed;
    long pass = 0;
    do {
        for (size_t k = 0; k < n; k++) {
            int rc = parse_one(msgs[k].data, msgs[k].len, &sum);
            if (parsed < n) { if (rc == 0) ok++; else bad++; }
            parsed++;
        }
        elapsed = now() - start;
        pass++;
    } while (passes ? pass < passes : elapsed < seconds);
    double rate = (double)parsed / elapsed;
    printf("%s: %.0f messages/s, %.0f ns/message, accepted %llu, rejected %llu, checksum %llu\n", name, rate,
           1e9 / rate, (unsigned long long)ok, (unsigned long long)bad, (unsigned long long)sum);
    return 0;
}
