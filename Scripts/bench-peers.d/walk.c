/* The lazy-view reference: a validating walk that checks the counts, steps over every name
 * (labels and one pointer, without following it: the target is only range-checked) and over
 * every rdata by RDLENGTH, with every bound checked. No decoding. */
#include "harness.h"

static int skip_name(const uint8_t *p, size_t len, size_t *pos) {
    size_t i = *pos;
    for (;;) {
        if (i >= len) return -1;
        uint8_t b = p[i];
        if (b == 0) { *pos = i + 1; return 0; }
        if ((b & 0xC0) == 0xC0) {
            if (i + 1 >= len) return -1;
            size_t target = (size_t)(b & 0x3F) << 8 | p[i + 1];
            if (target < 12 || target >= len) return -1;
            *pos = i + 2;
            return 0;
        }
        if (b & 0xC0) return -1;
        i += 1 + b;
    }
}

static int parse_one(const uint8_t *p, size_t len, uint64_t *sum) {
    if (len < 12) return -1;
    unsigned qd = p[4] << 8 | p[5], rr = (p[6] << 8 | p[7]) + (p[8] << 8 | p[9]) + (p[10] << 8 | p[11]);
    if ((size_t)qd * 5 + (size_t)rr * 11 > len - 12) return -1;
    size_t pos = 12;
    for (unsigned i = 0; i < qd; i++) {
        if (skip_name(p, len, &pos) || pos + 4 > len) return -1;
        pos += 4;
    }
    for (unsigned i = 0; i < rr; i++) {
        if (skip_name(p, len, &pos) || pos + 10 > len) return -1;
        size_t rdlen = (size_t)p[pos + 8] << 8 | p[pos + 9];
        pos += 10;
        if (rdlen > len - pos) return -1;
        pos += rdlen;
    }
    *sum += qd + rr;
    return 0;
}

int main(int argc, char **argv) { return run("C validating walk", argc, argv); }
