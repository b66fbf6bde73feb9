/// Why a results document could not be rendered: a code, the byte offset in the input, a reason.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Not JSON (RFC 8259).
        case syntax
        /// Nested deeper than `ReportLimits.maxDepth`.
        case depth
        /// Larger than `ReportLimits.maxInputBytes`.
        case size
        /// JSON, but not `mdns-results/1`.
        case schema
    }

    public let code: Code
    public let offset: Int
    public let reason: String

    public init(_ code: Code, offset: Int, _ reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(code.rawValue) at byte \(offset): \(reason)" }
}

public enum ReportLimits {
    /// The schema this renderer reads (RESULTS-SCHEMA: `mdns-results/1`).
    public static let schema = "mdns-results/1"
    /// Results documents nest four levels (document, targets, timeline, mark); anything far deeper is not one.
    public static let maxDepth = 32
    /// A 50-device capture's document is about 1 MB; a page must stay under 2 MB, so 64 MB is far past any real run.
    public static let maxInputBytes = 64 << 20
}
