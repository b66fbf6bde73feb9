import Glibc

/// Every failure of the transport: a code, the interface it concerns, the errno and a short reason.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// EACCES / EPERM: binding port 5353 or joining a group needs privileges here.
        case permissionDenied
        /// EADDRINUSE: another socket holds :5353 without SO_REUSEPORT.
        case addressInUse
        /// The interface disappeared (ENODEV, ENXIO) or was never there.
        case interfaceGone
        /// No interface with multicast and an address of an enabled family.
        case noMulticastInterface
        /// socket(), setsockopt() or the reader's poll set failed for another reason.
        case socketFailed
        /// sendto() failed (transient: counted by the caller, never fatal).
        case sendFailed
    }

    public var code: Code
    public var interface: String?
    public var errno: Int32
    public var reason: String

    public init(_ code: Code, interface: String? = nil, errno: Int32 = 0, reason: String) {
        self.code = code; self.interface = interface; self.errno = errno; self.reason = reason
    }

    /// Maps an errno from `operation` to a code.
    static func from(errno e: Int32, _ operation: String, interface: String?) -> TransportError {
        let code: Code
        switch e {
        case EACCES, EPERM: code = .permissionDenied
        case EADDRINUSE: code = .addressInUse
        case ENODEV, ENXIO, EADDRNOTAVAIL: code = .interfaceGone
        default: code = .socketFailed
        }
        let text = String(cString: strerror(e))
        return TransportError(code, interface: interface, errno: e, reason: "\(operation): \(text)")
    }

    public var description: String {
        let on = interface.map { " on \($0)" } ?? ""
        return "\(code.rawValue)\(on): \(reason)"
    }
}
