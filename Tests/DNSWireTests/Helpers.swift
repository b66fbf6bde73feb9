import DNSWire
import Foundation
import Testing

/// Bytes from a hex fixture: `#` starts a comment that runs to the end of the line; whitespace is
/// ignored; everything else must be pairs of hex digits.
func hex(_ text: String) -> [UInt8] {
    var digits: [UInt8] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        for c in code.utf8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digits.append(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digits.append(c - UInt8(ascii: "A") + 10)
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): continue
            default: preconditionFailure("fixture has a non-hex character '\(Unicode.Scalar(c))' in line: \(line)")
            }
        }
    }
    precondition(digits.count % 2 == 0, "fixture has an odd number of hex digits")
    return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

/// Decodes, capturing the typed error instead of throwing.
func decode(_ bytes: [UInt8], allowTrailingBytes: Bool = false) -> Result<Message, DNSWireError> {
    do throws(DNSWireError) {
        return .success(try Message(decoding: bytes, options: .init(allowTrailingBytes: allowTrailingBytes)))
    } catch {
        return .failure(error)
    }
}

/// Decodes a message that must be valid; records an issue (with the error) when it is not.
func decodeValid(_ bytes: [UInt8], allowTrailingBytes: Bool = false,
                 sourceLocation: SourceLocation = #_sourceLocation) -> Message? {
    switch decode(bytes, allowTrailingBytes: allowTrailingBytes) {
    case .success(let m): return m
    case .failure(let e):
        Issue.record("expected a valid message, got \(e)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Expects decoding to fail with exactly `code`, at exactly `offset` when one is given.
func expectDecodeError(_ bytes: [UInt8], _ code: DNSWireError.Code, at offset: Int? = nil,
                       allowTrailingBytes: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
    switch decode(bytes, allowTrailingBytes: allowTrailingBytes) {
    case .success(let m):
        Issue.record("expected \(code) but the message was accepted: \(m)", sourceLocation: sourceLocation)
    case .failure(let e):
        #expect(e.code == code, "error: \(e)", sourceLocation: sourceLocation)
        if let offset {
            #expect(e.offset == offset, "error: \(e)", sourceLocation: sourceLocation)
        }
        #expect(!e.reason.isEmpty, sourceLocation: sourceLocation)
    }
}

/// A name from presentation text, for fixtures known to be valid.
func name(_ text: String) -> DNSName {
    do { return try DNSName(parsing: text) } catch { preconditionFailure("bad fixture name \(text): \(error)") }
}

/// A 12-byte header with the given counts.
func headerBytes(id: UInt16 = 0, flags: UInt16 = 0, qd: UInt16 = 0, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0) -> [UInt8] {
    [id, flags, qd, an, ns, ar].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
}

func be16(_ v: Int) -> [UInt8] { [UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

/// A compression pointer to `offset` (RFC 1035 §4.1.4).
func pointer(_ offset: Int) -> [UInt8] {
    precondition((0...DNSLimits.maxPointerOffset).contains(offset), "a pointer cannot hold offset \(offset)")
    return [0xC0 | UInt8((offset >> 8) & 0x3F), UInt8(offset & 0xFF)]
}

/// An answer-only response whose first record carries, as opaque rdata, the name "a." followed by
/// a chain of `chainLength` distinct pointers, each pointing at the one before (the first at "a.").
/// The second record's owner name points at the last pointer of the chain, so reading it follows
/// `chainLength + 1` pointers. Returns the message and the offset of each chain pointer.
func pointerChainMessage(chainLength: Int) -> (bytes: [UInt8], chain: [Int]) {
    var b = headerBytes(flags: 0x8400, an: 2)
    let rdata = 3 + 2 * chainLength
    b += [0x00] + be16(0xFF01) + be16(1) + [0, 0, 0, 0] + be16(rdata)   // owner root, TYPE65281
    let terminal = b.count
    b += [0x01, 0x61, 0x00]                                            // "a."
    var chain: [Int] = []
    var previous = terminal
    for _ in 0..<chainLength {
        chain.append(b.count)
        b += pointer(previous)
        previous = b.count - 2
    }
    b += pointer(previous)                                             // owner of the A record
    b += be16(1) + be16(1) + [0, 0, 0, 0x78] + be16(4) + [10, 0, 0, 1]
    return (b, chain)
}

/// Labels of `count` bytes each, made of `fill`.
func label(_ count: Int, _ fill: UInt8 = UInt8(ascii: "x")) -> [UInt8] { [UInt8](repeating: fill, count: count) }

/// Third-party captures and corpora in `../shared`, next to the package root. Tests that need them
/// are disabled, with this reason, when the directory is absent.
enum SharedData {
    /// `<package root>/../shared`, resolved from this file's path, or nil when absent.
    static let root: String? = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // <root>/Tests/DNSWireTests/Helpers.swift -> <root>
        guard parts.count > 3 else { return nil }
        parts.removeLast(3)
        parts.removeLast()
        let shared = parts.joined(separator: "/") + "/shared"
        return FileManager.default.fileExists(atPath: shared) ? shared : nil
    }()

    static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// Every regular file under `directory`, recursively, sorted.
    static func files(under directory: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let path = directory + "/" + rel
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                out.append(path)
            }
        }
        return out.sorted()
    }
}

/// `m` encoded with `compression` and decoded again; nil (with the error recorded) when that fails.
func reencoded(_ m: Message, _ compression: MessageWriter.Compression = .suffixes,
               sourceLocation: SourceLocation = #_sourceLocation) -> Message? {
    decodeValid(m.encoded(compression: compression), sourceLocation: sourceLocation)
}
