import Foundation
import Testing

/// Paths resolved from this file: the package root and ../shared next to it.
enum Paths {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let captures = packageRoot + "/Captures"
    static let thirdParty = URL(fileURLWithPath: packageRoot).deletingLastPathComponent().path + "/shared/captures/third-party"
    static var thirdPartyPresent: Bool { FileManager.default.fileExists(atPath: thirdParty) }

    /// Every .pcap / .pcapng under the third-party folder, sorted.
    static func thirdPartyCaptures() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: thirdParty) else { return [] }
        var out: [String] = []
        for case let p as String in e where p.hasSuffix(".pcap") || p.hasSuffix(".pcapng") { out.append(p) }
        return out.sorted()
    }
}

/// Runs a program; returns (status, stdout, stderr).
@discardableResult
func run(_ program: String, _ args: [String], stdin: String? = nil) throws -> (Int32, String, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes fully before waiting, so a large output cannot block the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    let errHandle = err.fileHandleForReading
    DispatchQueue.global().async { errBox.data = errHandle.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
}

/// The path of an executable on PATH, or nil.
func which(_ name: String) -> String? {
    var dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
    dirs += ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
    for dir in dirs where !dir.isEmpty {
        let p = dir + "/" + name
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

/// tshark, installed with apt when missing and possible (root).
enum Tshark {
    static let path: String? = {
        if let p = which("tshark") { return p }
        guard getuid() == 0, let apt = which("apt-get") else { return nil }
        _ = try? run("/usr/bin/env", ["DEBIAN_FRONTEND=noninteractive", apt, "install", "-y", "-q", "tshark"])
        return which("tshark")
    }()
}

/// JSON that keeps object key order and duplicate keys (tshark repeats keys such as dns.txt).
indirect enum OrderedJSON {
    case string(String), number(String), bool(Bool), null
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    subscript(_ key: String) -> OrderedJSON? {
        if case .object(let o) = self { return o.first { $0.0 == key }?.1 }
        return nil
    }

    func all(_ key: String) -> [OrderedJSON] {
        if case .object(let o) = self { return o.filter { $0.0 == key }.map(\.1) }
        return []
    }

    var string: String? {
        switch self {
        case .string(let s), .number(let s): return s
        default: return nil
        }
    }

    var members: [(String, OrderedJSON)] { if case .object(let o) = self { return o } else { return [] } }
    var elements: [OrderedJSON] { if case .array(let a) = self { return a } else { return [] } }

    struct ParseError: Error { var offset: Int }

    static func parse(_ text: String) throws -> OrderedJSON {
        var p = Parser(bytes: Array(text.utf8))
        let v = try p.value()
        return v
    }

    struct Parser {
        var bytes: [UInt8]
        var i = 0
        mutating func ws() { while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 } }
        mutating func value() throws -> OrderedJSON {
            ws()
            guard i < bytes.count else { throw ParseError(offset: i) }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var o: [(String, OrderedJSON)] = []
                ws()
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                while true {
                    ws()
                    let k = try string()
                    ws()
                    guard bytes[i] == UInt8(ascii: ":") else { throw ParseError(offset: i) }
                    i += 1
                    o.append((k, try value()))
                    ws()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                    throw ParseError(offset: i)
                }
            case UInt8(ascii: "["):
                i += 1
                var a: [OrderedJSON] = []
                ws()
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                while true {
                    a.append(try value())
                    ws()
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                    throw ParseError(offset: i)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): i += 4; return .bool(true)
            case UInt8(ascii: "f"): i += 5; return .bool(false)
            case UInt8(ascii: "n"): i += 4; return .null
            default:
                let s = i
                while i < bytes.count, !",]} \n\r\t".utf8.contains(bytes[i]) { i += 1 }
                return .number(String(decoding: bytes[s..<i], as: UTF8.self))
            }
        }
        mutating func string() throws -> String {
            guard bytes[i] == UInt8(ascii: "\"") else { throw ParseError(offset: i) }
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    let e = bytes[i + 1]
                    i += 2
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "u"):
                        var v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) ?? 0xFFFD
                        i += 4
                        if (0xD800..<0xDC00).contains(v), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                           let lo = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16) {
                            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                            i += 6
                        }
                        out.append(contentsOf: Array(String(Unicode.Scalar(v) ?? "\u{FFFD}").utf8))
                    default: out.append(e)
                    }
                    continue
                }
                out.append(c)
                i += 1
            }
            throw ParseError(offset: i)
        }
    }
}
