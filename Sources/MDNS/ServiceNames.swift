import DNSWire

/// Service instance names as people type them.
public enum ServiceNames {
    /// "My Web._http._tcp.local" → the instance label "My Web" (dots allowed, RFC 6763 §4.1)
    /// followed by `_http._tcp.local.`: the type starts at the first label beginning with "_".
    /// Nil without a type, without a domain, or with a label that does not fit.
    public static func instance(_ text: String) -> DNSName? {
        let s = text.hasSuffix(".") ? String(text.dropLast()) : text
        let parts = s.split(separator: ".", omittingEmptySubsequences: false).map { String($0) }
        guard let t = parts.firstIndex(where: { $0.hasPrefix("_") }), t > 0, t + 2 < parts.count else { return nil }
        return try? DNSName(labels: [parts[0..<t].joined(separator: ".")] + parts[t...])
    }
}
