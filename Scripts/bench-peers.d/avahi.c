/* avahi-core: the parse avahi-daemon runs on every received packet (server.c): check the header,
 * then avahi_dns_packet_consume_key for each question and avahi_dns_packet_consume_record for
 * each record, which decodes names into strings and rdata into AvahiRecord fields; every field
 * is then read. The packet API is exported by libavahi-core but its header (dns.h) is not
 * installed, so the few declarations needed are repeated here, as in avahi 0.8's dns.h.
 * Build check: the script compiles this only against avahi-core 0.8. */
#include "harness.h"
#include <avahi-core/rr.h>
#include <avahi-common/strlst.h>
#include <avahi-common/defs.h>

typedef struct AvahiDnsPacket {
    size_t size, rindex, max_size, res_size;
    void *name_table;
    uint8_t *data;
} AvahiDnsPacket;   /* 48 bytes, data pointer at offset 40 (checked against the 0.8 binary) */
#define AVAHI_DNS_PACKET_DATA(p) ((p)->data ? (p)->data : ((uint8_t *)(p)) + sizeof(AvahiDnsPacket))
#define AVAHI_DNS_PACKET_EXTRA_SIZE 48
AvahiDnsPacket *avahi_dns_packet_new(unsigned mtu);
void avahi_dns_packet_free(AvahiDnsPacket *p);
uint16_t avahi_dns_packet_get_field(AvahiDnsPacket *p, unsigned idx);
int avahi_dns_packet_check_valid_multicast(AvahiDnsPacket *p);
AvahiKey *avahi_dns_packet_consume_key(AvahiDnsPacket *p, int *ret_unicast_response);
AvahiRecord *avahi_dns_packet_consume_record(AvahiDnsPacket *p, int *ret_cache_flush);

static uint64_t slen(const char *s) { return s ? strlen(s) : 0; }

static int parse_one(const uint8_t *data, size_t len, uint64_t *sum) {
    /* As avahi_recv_dns_packet_ipv4 does: a packet sized for the datagram, data copied in. */
    AvahiDnsPacket *p = avahi_dns_packet_new((unsigned)len + AVAHI_DNS_PACKET_EXTRA_SIZE);
    memcpy(AVAHI_DNS_PACKET_DATA(p), data, len);
    p->size = len;
    int rc = 0;
    if (avahi_dns_packet_check_valid_multicast(p) < 0) { rc = -1; goto out; }
    unsigned qd = avahi_dns_packet_get_field(p, 2);
    unsigned rr = avahi_dns_packet_get_field(p, 3) + avahi_dns_packet_get_field(p, 4) + avahi_dns_packet_get_field(p, 5);
    for (unsigned i = 0; i < qd; i++) {
        int unicast = 0;
        AvahiKey *k = avahi_dns_packet_consume_key(p, &unicast);
        if (!k) { rc = -1; goto out; }
        *sum += slen(k->name) + k->type + k->clazz + (unsigned)unicast;
        avahi_key_unref(k);
    }
    for (unsigned i = 0; i < rr; i++) {
        int flush = 0;
        AvahiRecord *r = avahi_dns_packet_consume_record(p, &flush);
        if (!r) { rc = -1; goto out; }
        *sum += slen(r->key->name) + r->key->type + r->key->clazz + r->ttl + (unsigned)flush;
        switch (r->key->type) {
        case AVAHI_DNS_TYPE_PTR: case AVAHI_DNS_TYPE_NS: case AVAHI_DNS_TYPE_CNAME: *sum += slen(r->data.ptr.name); break;
        case AVAHI_DNS_TYPE_SRV: *sum += r->data.srv.priority + r->data.srv.weight + r->data.srv.port + slen(r->data.srv.name); break;
        case AVAHI_DNS_TYPE_HINFO: *sum += slen(r->data.hinfo.cpu) + slen(r->data.hinfo.os); break;
        case AVAHI_DNS_TYPE_TXT:
            for (AvahiStringList *s = r->data.txt.string_list; s; s = s->next) *sum += s->size + (s->size ? s->text[0] : 0);
            break;
        case AVAHI_DNS_TYPE_A: *sum += r->data.a.address.address; break;
        case AVAHI_DNS_TYPE_AAAA: *sum += r->data.aaaa.address.address[0] + r->data.aaaa.address.address[15]; break;
        default:
            *sum += r->data.generic.size;
            if (r->data.generic.size) *sum += ((uint8_t *)r->data.generic.data)[0];
        }
        avahi_record_unref(r);
    }
out:
    avahi_dns_packet_free(p);
    return rc;
}

int main(int argc, char **argv) { return run("avahi-core", argc, argv); }
