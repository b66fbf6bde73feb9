/* A straightforward C full decode doing the work of swift-mdns' FullParse.checksum: every name
 * validated (pointers inside the message past the header, at most 127 hops, 255 bytes, no
 * reserved label types, rdata names inside RDLENGTH) and expanded into an arena; every rdata
 * field of A, AAAA, PTR, CNAME, NS, SRV, TXT, HINFO, NSEC, OPT, SOA and MX read and checked to
 * fill RDLENGTH exactly; the same checksum as FullParse.checksum, so the two can be compared. */
#include "harness.h"

static uint8_t arena[65536 * 2];
static size_t arena_len;

static inline unsigned u16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static inline uint32_t u32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static inline uint64_t u64(const uint8_t *p) { return (uint64_t)u32(p) << 32 | u32(p + 4); }

/* Reads the name at *pos (its inline part must end by `bound`), appends its expanded wire form to
 * the arena and moves *pos past it. */
static int read_name(const uint8_t *m, size_t len, size_t *pos, size_t bound) {
    size_t i = *pos, limit = bound, length = 0;
    int jumped = 0, hops = 0;
    for (;;) {
        if (i >= limit) return -1;
        unsigned b = m[i];
        if (b == 0) {
            if (!jumped) *pos = i + 1;
            arena[arena_len++] = 0;
            return 0;
        }
        if (b < 0x40) {
            length += b + 1;
            if (length >= 255 || b >= limit - i) return -1;
            memcpy(arena + arena_len, m + i, b + 1);
            arena_len += b + 1;
            i += b + 1;
            continue;
        }
        if (b < 0xC0 || i + 1 >= limit) return -1;
        size_t target = (size_t)(b & 0x3F) << 8 | m[i + 1];
        if (++hops > 127 || target < 12 || target >= len) return -1;
        if (!jumped) { *pos = i + 2; jumped = 1; limit = len; }
        i = target;
    }
}

static int read_rdata(const uint8_t *m, size_t len, unsigned type, size_t pos, size_t end, uint64_t *sum) {
    const uint8_t *p = m + pos;
    size_t n = end - pos;
    switch (type) {
    case 1: if (n != 4) return -1; *sum += u32(p); return 0;
    case 28: if (n != 16) return -1; *sum += u64(p) + u64(p + 8); return 0;
    case 2: case 5: case 12:
        if (read_name(m, len, &pos, end)) return -1;
        return pos == end ? 0 : -1;
    case 33:
        if (n < 7) return -1;
        *sum += u16(p) + u16(p + 2) + u16(p + 4);
        pos += 6;
        if (read_name(m, len, &pos, end)) return -1;
        return pos == end ? 0 : -1;
    case 15:
        if (n < 3) return -1;
        *sum += u16(p);
        pos += 2;
        if (read_name(m, len, &pos, end)) return -1;
        return pos == end ? 0 : -1;
    case 6: {
        if (read_name(m, len, &pos, end) || read_name(m, len, &pos, end) || end - pos != 20) return -1;
        const uint8_t *q = m + pos;
        *sum += (uint64_t)u32(q) + u32(q + 4) + u32(q + 8) + u32(q + 12) + u32(q + 16);
        return 0;
    }
    case 16:
        for (size_t i = 0; i < n;) {
            size_t l = p[i];
            if (l + 1 > n - i) return -1;
            *sum += l;
            if (l) *sum += p[i + 1];
            i += 1 + l;
        }
        return 0;
    case 13: {
        if (n < 1 || (size_t)p[0] + 1 >= n) return -1;
        size_t cpu = p[0], os = p[cpu + 1];
        if (cpu + 2 + os != n) return -1;
        *sum += cpu + os;
        return 0;
    }
    case 47: {
        if (read_name(m, len, &pos, end)) return -1;
        size_t at = pos;
        if (at == end) return -1;
        while (at < end) {
            if (end - at < 2) return -1;
            size_t wl = m[at + 1];
            if (wl < 1 || wl > 32 || wl > end - at - 2) return -1;
            at += 2 + wl;
        }
        for (size_t i = pos; i < end; i++) *sum += m[i];
        return 0;
    }
    case 41:
        for (size_t i = 0; i < n;) {
            if (n - i < 4) return -1;
            size_t l = u16(p + i + 2);
            if (l > n - i - 4) return -1;
            *sum += ((uint64_t)p[i] << 8) + p[i + 1] + l;
            i += 4 + l;
        }
        return 0;
    default:
        *sum += n;
        return 0;
    }
}

static int parse_one(const uint8_t *m, size_t len, uint64_t *out) {
    arena_len = 0;
    if (len < 12) return -1;
    unsigned qd = u16(m + 4), an = u16(m + 6), ns = u16(m + 8), ar = u16(m + 10);
    if ((size_t)qd * 5 + ((size_t)an + ns + ar) * 11 > len - 12) return -1;
    uint64_t sum = u16(m) + u16(m + 2);
    size_t pos = 12;
    for (unsigned i = 0; i < qd; i++) {
        if (read_name(m, len, &pos, len) || len - pos < 4) return -1;
        unsigned cls = u16(m + pos + 2);
        sum += u16(m + pos) + (cls & 0x7FFF) + (cls >> 15);
        pos += 4;
    }
    for (unsigned i = 0, rr = an + ns + ar; i < rr; i++) {
        if (read_name(m, len, &pos, len) || len - pos < 10) return -1;
        unsigned type = u16(m + pos), cls = u16(m + pos + 2);
        size_t rdlen = u16(m + pos + 8);
        int opt = type == 41;
        sum += type + (opt ? cls : cls & 0x7FFF) + u32(m + pos + 4) + (!opt && (cls >> 15));
        pos += 10;
        if (rdlen > len - pos) return -1;
        if (read_rdata(m, len, type, pos, pos + rdlen, &sum)) return -1;
        pos += rdlen;
    }
    *out += sum + arena_len + (len - pos);
    return 0;
}

int main(int argc, char **argv) { return run("C full decode", argc, argv); }
