import DNSWire

/// Identifies a registration for `update` and `withdraw`.
public struct RegistrationID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (a: RegistrationID, b: RegistrationID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// A host name: A and AAAA records for the addresses of each interface and their reverse-mapping
/// PTRs (RFC 6762 §12, §14).
public struct HostRegistration: Hashable, Sendable {
    /// The first label, e.g. "printer" for printer.local.
    public var label: String
    public var domain: DNSName
    /// nil: every interface.
    public var interfaces: Set<InterfaceID>?
    public init(label: String, domain: DNSName = .local, interfaces: Set<InterfaceID>? = nil) {
        self.label = label; self.domain = domain; self.interfaces = interfaces
    }
}

/// A DNS-SD service instance (RFC 6763 §4–§7, §9): SRV, TXT, PTR, subtype PTRs and the
/// service-type enumeration PTR.
public struct ServiceRegistration: Hashable, Sendable {
    /// Instance label: any UTF-8, dots and spaces included (RFC 6763 §4.1).
    public var instance: String
    /// "_http._tcp"
    public var type: String { didSet { typeName = Self.typeName(type, domain) } }
    public var domain: DNSName { didSet { typeName = Self.typeName(type, domain) } }
    public var port: UInt16
    public var txt: TXT
    /// Subtype labels, e.g. "_printer" for _printer._sub._http._tcp (RFC 6763 §7.1).
    public var subtypes: [String]
    /// SRV target; nil: the engine's host name.
    public var host: DNSName?
    public var interfaces: Set<InterfaceID>?

    public init(instance: String, type: String, domain: DNSName = .local, port: UInt16, txt: TXT = .empty,
                subtypes: [String] = [], host: DNSName? = nil, interfaces: Set<InterfaceID>? = nil) {
        self.instance = instance; self.type = type; self.domain = domain; self.port = port; self.txt = txt
        self.subtypes = subtypes; self.host = host; self.interfaces = interfaces
        typeName = Self.typeName(type, domain)
    }

    /// `type` in `domain` (`_http._tcp.local.`), nil when `type` is not a name. Kept with the
    /// registration: the responder asks for it for every record it builds and every name it checks.
    public private(set) var typeName: DNSName?

    static func typeName(_ type: String, _ domain: DNSName) -> DNSName? {
        guard let t = try? DNSName(parsing: type) else { return nil }
        return try? t.appending(domain)
    }
}

/// Arbitrary records, all unique (probed, cache-flush) or all shared.
public struct RecordRegistration: Hashable, Sendable {
    public var records: [ResourceRecord]
    public var unique: Bool
    public var interfaces: Set<InterfaceID>?
    public init(records: [ResourceRecord], unique: Bool, interfaces: Set<InterfaceID>? = nil) {
        self.records = records; self.unique = unique; self.interfaces = interfaces
    }
}

public enum Registration: Hashable, Sendable {
    case host(HostRegistration)
    case service(ServiceRegistration)
    case records(RecordRegistration)

    var interfaces: Set<InterfaceID>? {
        switch self {
        case .host(let h): return h.interfaces
        case .service(let s): return s.interfaces
        case .records(let r): return r.interfaces
        }
    }
}

extension DNSName {
    /// `local.`
    public static let local = try! DNSName(labels: ["local"])
    /// RFC 6763 §9: `_services._dns-sd._udp.local.`
    public static let serviceTypeEnumeration = try! DNSName(labels: ["_services", "_dns-sd", "_udp", "local"])
}

/// How a record behaves on the link.
enum RecordKind: Hashable, Sendable {
    /// Many hosts may hold it (PTR): no probing, no cache-flush, delayed answers.
    case shared
    /// Probed before use, announced with cache-flush (§8.1).
    case unique
    /// Unique but not probed: reverse-mapping PTRs whose address is already unique on the link.
    case verified
}

struct OwnedRecord: Hashable, Sendable {
    var record: ResourceRecord
    var kind: RecordKind
    var isUnique: Bool { kind != .shared }
}
