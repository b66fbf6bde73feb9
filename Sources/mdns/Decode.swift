import ArgumentParser
import DNSWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode one DNS message and print it dig-style.",
        discussion: """
        The message comes as hex (an argument, or stdin when no argument is given; whitespace, \
        0x prefixes and # comments are ignored) or as a binary file (--file). A bad message prints \
        the error code, the byte offset and a hex dump marking that offset, and exits with status 1. \
        Decoding is strict: with --salvage, questions and records whose framing is intact are kept \
        and each bad one is listed with its error (exit status 2 when any was dropped); the message \
        is still rejected when its framing breaks.
        """
    )

    @Argument(help: "The message as hex. Omit to read hex from stdin.")
    var hex: String?

    @Option(name: .shortAndLong, help: "Read the raw message bytes from this file.")
    var file: String?

    @Flag(help: "Print JSON instead of dig-style text.")
    var json = false

    @Flag(help: "Accept bytes after the last record (reported, not an error).")
    var allowTrailing = false

    @Flag(help: "Keep the entries whose framing is intact, list the ones dropped (implies --allow-trailing).")
    var salvage = false

    func run() throws {
        let bytes = try input()
        var complete = true
        do throws(DNSWireError) {
            if salvage {
                let s = try SalvagedMessage(decoding: bytes)
                printSalvaged(s)
                complete = s.isComplete
            } else {
                let m = try Message(decoding: bytes, options: .init(allowTrailingBytes: allowTrailing))
                if json { print(m.jsonValue.text) } else { print(m.description, terminator: "") }
            }
        } catch {
            let e = error
            if json {
                print(JSONValue.object([("error", e.jsonValue)]).text)
            } else {
                FileIO.stderr("error: \(e.code.rawValue) at byte \(e.offset): \(e.reason)\n")
                FileIO.stderr(Hex.dump(bytes, mark: e.offset))
            }
            throw ExitCode(1)
        }
        if !complete { throw ExitCode(2) }
    }

    func printSalvaged(_ s: SalvagedMessage) {
        if json {
            print(JSONValue.object([("message", s.message.jsonValue), ("dropped", .array(s.dropped.map(\.jsonValue))),
                                    ("trailingBytes", .int(s.trailingByteCount))]).text)
        } else {
            print(s.message.description, terminator: "")
            if !s.dropped.isEmpty { print("\n;; DROPPED: \(s.dropped.count)") }
            for d in s.dropped { print(";\(d)") }
            if s.trailingByteCount > 0 { print(";; TRAILING BYTES: \(s.trailingByteCount)") }
        }
    }

    func input() throws -> [UInt8] {
        if let file {
            guard let b = FileIO.read(file) else { throw ValidationError("cannot read \(file)") }
            return b
        }
        let text = hex ?? FileIO.readStdinText()
        guard let b = Hex.parse(text) else { throw ValidationError("input is not hex (use --file for binary)") }
        return b
    }
}

enum FileIO {
    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    static func readStdinText() -> String {
        var s = ""
        while let line = readLine(strippingNewline: false) { s += line }
        return s
    }

    static func stderr(_ s: String) {
        _ = s.withCString { write(2, $0, strlen($0)) }
    }
}
