/* libknot: knot_pkt_parse decodes the message (owner and rdata names decompressed); then every
 * rrset of every section and every rdata of every rrset is read. */
#include "harness.h"
#include <libknot/libknot.h>

static int parse_one(const uint8_t *data, size_t len, uint64_t *sum) {
    uint8_t wire[65536];
    memcpy(wire, data, len);   /* knot parses in place */
    knot_pkt_t *pkt = knot_pkt_new(wire, (uint16_t)len, NULL);
    if (!pkt) return -1;
    int ret = knot_pkt_parse(pkt, 0);
    if (ret != KNOT_EOK) { knot_pkt_free(pkt); return -1; }
    if (pkt->qname_size) *sum += knot_dname_size(knot_pkt_qname(pkt)) + knot_pkt_qtype(pkt) + knot_pkt_qclass(pkt);
    for (int s = KNOT_ANSWER; s <= KNOT_ADDITIONAL; s++) {
        const knot_pktsection_t *sec = knot_pkt_section(pkt, (knot_section_t)s);
        for (uint16_t i = 0; i < sec->count; i++) {
            const knot_rrset_t *rr = knot_pkt_rr(sec, i);
            *sum += knot_dname_size(rr->owner) + rr->type + rr->rclass + rr->ttl;
            knot_rdata_t *rd = rr->rrs.rdata;
            for (uint16_t k = 0; k < rr->rrs.count; k++) {
                *sum += rd->len;
                if (rd->len) *sum += rd->data[0] + rd->data[rd->len - 1];
                rd = knot_rdataset_next(rd);
            }
        }
    }
    knot_pkt_free(pkt);
    return 0;
}

int main(int argc, char **argv) { return run("libknot", argc, argv); }
