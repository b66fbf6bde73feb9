/* ldns: ldns_wire2pkt decodes the whole message (names decompressed into rdfs); then every
 * rr of every section and every rdf of every rr is read. */
#include "harness.h"
#include <ldns/ldns.h>

static void walk_list(ldns_rr_list *list, uint64_t *sum) {
    size_t n = ldns_rr_list_rr_count(list);
    for (size_t i = 0; i < n; i++) {
        ldns_rr *rr = ldns_rr_list_rr(list, i);
        ldns_rdf *owner = ldns_rr_owner(rr);
        *sum += ldns_rdf_size(owner) + ldns_rr_get_type(rr) + ldns_rr_get_class(rr) + ldns_rr_ttl(rr);
        size_t rdc = ldns_rr_rd_count(rr);
        for (size_t k = 0; k < rdc; k++) {
            ldns_rdf *rdf = ldns_rr_rdf(rr, k);
            size_t sz = ldns_rdf_size(rdf);
            *sum += sz + ldns_rdf_get_type(rdf);
            if (sz) *sum += ldns_rdf_data(rdf)[0];
        }
    }
}

static int parse_one(const uint8_t *data, size_t len, uint64_t *sum) {
    ldns_pkt *pkt = NULL;
    if (ldns_wire2pkt(&pkt, data, len) != LDNS_STATUS_OK) return -1;
    *sum += ldns_pkt_id(pkt);
    walk_list(ldns_pkt_question(pkt), sum);
    walk_list(ldns_pkt_answer(pkt), sum);
    walk_list(ldns_pkt_authority(pkt), sum);
    walk_list(ldns_pkt_additional(pkt), sum);
    ldns_pkt_free(pkt);
    return 0;
}

int main(int argc, char **argv) { return run("ldns", argc, argv); }
