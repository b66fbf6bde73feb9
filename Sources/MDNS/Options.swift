import Logging
import MDNSCore
import MDNSTransport

/// How a driver runs.
public struct MDNSOptions: Sendable {
    /// Interfaces by name; empty: every interface that is up, multicast-capable and not loopback.
    public var interfaceNames: [String] = []
    /// `-4` / `-6`: the families used.
    public var families: [Family] = [.ipv4, .ipv6]
    /// The host's label (`NAME.local.`) for SRV targets and A/AAAA; nil: gethostname(2).
    public var hostName: String?
    /// How often interfaces and addresses are re-enumerated (changes are fed to the engine).
    public var interfacePollInterval: Duration = Interfaces.pollInterval
    /// Where interfaces come from (getifaddrs; tests substitute a list).
    public var listInterfaces: @Sendable () -> [InterfaceSnapshot] = { Interfaces.current() }
    public var engineConfiguration = Configuration(seed: UInt64.random(in: .min ... .max))
    public var querierConfiguration = QuerierConfiguration()
    /// One Logger per component ("mdns.driver", "mdns.interfaces", "mdns.engine"); the default
    /// logs nothing, so the library never prints on its own.
    public var makeLogger: @Sendable (String) -> Logger = { Logger(label: $0, factory: { _ in SwiftLogNoOpLogHandler() }) }
    public init() {}
}

/// Everything the driver can fail with.
public struct MDNSError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case noMulticastInterface, permissionDenied, addressInUse, invalidName, invalidTXT, refused, transport
    }
    public var code: Code
    public var reason: String
    public init(_ code: Code, _ reason: String) { self.code = code; self.reason = reason }

    init(_ e: TransportError) {
        switch e.code {
        case .permissionDenied: self.init(.permissionDenied, e.description)
        case .addressInUse: self.init(.addressInUse, e.description)
        case .noMulticastInterface: self.init(.noMulticastInterface, e.description)
        default: self.init(.transport, e.description)
        }
    }

    public var description: String { reason }
}
