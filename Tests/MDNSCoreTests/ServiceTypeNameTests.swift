import DNSWire
import MDNSCore
import Testing

// RFC 6763 §4.1: a service instance name is <Instance> . <Service> . <Domain>.
@Suite("RFC 6763 §4.1 service type in its domain")
struct ServiceTypeNameTests {
    @Test("the type name follows changes to the type and the domain")
    func typeNameFollowsTypeAndDomain() throws {
        var s = ServiceRegistration(instance: "A", type: "_http._tcp", port: 80)
        #expect(s.typeName == (try DNSName(labels: ["_http", "_tcp", "local"])))
        s.type = "_ipp._tcp"
        #expect(s.typeName == (try DNSName(labels: ["_ipp", "_tcp", "local"])))
        s.domain = try DNSName(labels: ["example"])
        #expect(s.typeName == (try DNSName(labels: ["_ipp", "_tcp", "example"])))
        s.type = "_bad..type"
        #expect(s.typeName == nil)
    }
}
