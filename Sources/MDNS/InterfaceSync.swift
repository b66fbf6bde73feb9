import Logging
import MDNSCore
import MDNSTransport

extension MDNSDriver {
    /// Re-enumerates interfaces and feeds what changed to the engine: a new interface (or one
    /// whose addresses changed) probes and announces again (RFC 6762 §8.3); one that went away
    /// or down is removed. Polled every `options.interfacePollInterval`.
    func syncInterfaces(initial: Bool) throws(MDNSError) {
        if isShutDown { return }
        let wanted = Interfaces.eligible(options.listInterfaces(), names: options.interfaceNames)
        let changes = Interfaces.diff(Array(interfaces.values), wanted)
        if changes.isEmpty && !initial { return }
        var firstError: TransportError?
        for s in changes.removed { drop(s, reason: "gone or down") }
        for s in changes.added + changes.changed {
            let families = options.families.filter { s.families.contains($0) }
            for f in Family.allCases where !families.contains(f) { transport.close(interface: s.index, family: f) }
            for f in families {
                do { try transport.open(s, family: f) } catch { firstError = firstError ?? error
                    ilog.warning("cannot open socket", metadata: ["interface": "\(s.name)", "family": "\(f)", "error": "\(error)"])
                }
            }
            guard families.contains(where: { transport.isOpen(s.index, $0) }) else { drop(s, reason: "no usable family"); continue }
            ilog.info("interface up", metadata: ["interface": "\(s.name)", "addresses": "\(s.addresses.map(\.address))"])
            interfaces[s.index] = s
            perform(engine.addInterface(NetworkInterface(s, families: options.families), at: now))
        }
        guard initial, interfaces.isEmpty else { return }
        if let e = firstError, e.code == .permissionDenied || e.code == .addressInUse { throw MDNSError(e) }
        let named = options.interfaceNames.isEmpty ? "" : " among \(options.interfaceNames.joined(separator: ", "))"
        throw MDNSError(.noMulticastInterface, "no multicast interface with an \(options.families.map(\.rawValue).joined(separator: "/")) address is up\(named)")
    }

    private func drop(_ s: InterfaceSnapshot, reason: String) {
        guard interfaces.removeValue(forKey: s.index) != nil else { return }
        ilog.info("interface removed", metadata: ["interface": "\(s.name)", "reason": "\(reason)"])
        transport.close(interface: s.index, family: nil)
        perform(engine.removeInterface(InterfaceID(Int(s.index)), at: now))
    }

    var ilog: Logger { options.makeLogger("mdns.interfaces") }

    func interfaceName(_ id: InterfaceID) -> String {
        interfaces[UInt32(id.rawValue)]?.name ?? id.description
    }
}

/// An interface as events name it: "eth0" and the families mDNS runs on there.
public struct InterfaceLabel: Hashable, Sendable {
    public var name: String
    public var families: [Family]
    public init(name: String, families: [Family]) { self.name = name; self.families = families }
}

extension MDNSDriver {
    func interfaceLabel(_ id: InterfaceID) -> InterfaceLabel {
        let index = UInt32(id.rawValue)
        return InterfaceLabel(name: interfaceName(id), families: options.families.filter { transport.isOpen(index, $0) })
    }
}
