import DNSWire
import Foundation
import Testing

/// Every file of the third-party captures and corpora in ../shared, fed to the decoder as one
/// message. Most are raw DNS/mDNS messages; the rest (pcap files, single resource records, name
/// fragments, manifests) are just more hostile input. Nothing may trap: each file decodes or fails
/// with a typed error inside the message, and what decodes round-trips.
@Suite("Third-party captures and corpora (../shared)", .enabled(if: SharedData.root != nil, "../shared is absent: third-party sweep skipped"))
struct ThirdPartySweepTests {
    struct Outcome {
        var decoded: [String] = []
        var failed: [(path: String, error: DNSWireError)] = []
    }

    static func candidates(_ dirs: [String]) -> [(path: String, bytes: [UInt8])] {
        guard let root = SharedData.root else { return [] }
        return dirs.flatMap { SharedData.files(under: root + "/" + $0) }.compactMap { path in
            guard let b = SharedData.read(path), b.count <= DNSLimits.maxMessageLength else { return nil }
            return (String(path.dropFirst(root.count + 1)), b)
        }
    }

    /// Decodes each file; checks the error offset or the round trip; returns what happened.
    static func sweep(_ files: [(path: String, bytes: [UInt8])]) -> Outcome {
        var outcome = Outcome()
        for (path, bytes) in files {
            switch decode(bytes) {
            case .failure(let e):
                #expect(e.offset >= 0 && e.offset <= bytes.count, "\(path): \(e)")
                outcome.failed.append((path, e))
                // Allowing trailing bytes changes nothing but the trailing-bytes verdict.
                if e.code != .trailingBytes, case .success = decode(bytes, allowTrailingBytes: true) {
                    Issue.record("\(path): \(e) but accepted when trailing bytes are allowed")
                }
            case .success(let m):
                outcome.decoded.append(path)
                roundTrip(m, path)
            }
        }
        return outcome
    }

    static func roundTrip(_ m: Message, _ path: String) {
        for compression in [MessageWriter.Compression.suffixes, .none] {
            let out = MessageEncoder(compression: compression, maxSize: DNSLimits.maxMessageLength).encode(m)
            guard out.isComplete else {
                // Only uncompressed output can outgrow the input.
                #expect(compression == .none, "\(path): compressed re-encoding did not fit")
                continue
            }
            switch decode(out.bytes) {
            case .success(let again): #expect(again == m, "\(path) (\(compression))")
            case .failure(let e): Issue.record("\(path) (\(compression)): re-encoded message fails: \(e)")
            }
        }
    }

    @Test func everyCaptureFileDecodesOrFailsTyped() throws {
        let files = Self.candidates(["captures/third-party"])
        let binFiles = files.filter { $0.path.hasSuffix(".bin") }
        #expect(binFiles.count >= 30)
        let outcome = Self.sweep(files)
        print("captures/third-party: \(files.count) files, \(binFiles.count) .bin, \(outcome.decoded.count) decode, \(outcome.failed.count) fail")
        for f in outcome.failed where f.path.hasSuffix(".bin") { print("  \(f.path): \(f.error)") }
        // The captured UDP payloads are real traffic: each .bin decodes except the ones below,
        // which python-zeroconf keeps precisely because they are broken.
        let expectedFailures: [String: DNSWireError.Code] = Self.knownBrokenCaptures
        for f in outcome.failed where f.path.hasSuffix(".bin") {
            let file = String(f.path.split(separator: "/").last!)
            #expect(expectedFailures[file] == f.error.code, "\(f.path): \(f.error)")
        }
        for (file, _) in expectedFailures {
            #expect(outcome.failed.contains { $0.path.hasSuffix("/" + file) }, "\(file) should fail")
        }
    }

    @Test func everyCorpusFileDecodesOrFailsTyped() {
        let files = Self.candidates(["corpus/third-party"])
        #expect(files.count >= 800)
        let outcome = Self.sweep(files)
        print("corpus/third-party: \(files.count) files, \(outcome.decoded.count) decode, \(outcome.failed.count) fail")
        var byDir: [String: [String: Int]] = [:]
        for f in outcome.failed {
            let dir = f.path.split(separator: "/").dropLast().joined(separator: "/")
            byDir[dir, default: [:]][f.error.code.rawValue, default: 0] += 1
        }
        for (dir, codes) in byDir.sorted(by: { $0.key < $1.key }) {
            print("  \(dir): \(codes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
        // Directories of raw messages: every file decodes except the ones listed, which fail with
        // exactly the listed code (each was checked by hand against its bytes).
        let strictDirs = ["esp-protocols-mdns-afl-in", "pdns/raw-dns-packets", "bind9/dns_message_parse.in",
                          "mdns-seeds-from-captures", "c-ares/fuzzinput"]
        for f in outcome.failed {
            let rel = String(f.path.dropFirst("corpus/third-party/".count))
            guard strictDirs.contains(where: { rel.hasPrefix($0 + "/") }), !rel.hasSuffix(".tsv") else { continue }
            // c-ares keeps OSS-Fuzz crash reproducers next to its seeds; those may fail any way.
            if rel.hasPrefix("c-ares/fuzzinput/clusterfuzz-") { continue }
            #expect(Self.knownBrokenCorpusFiles[rel] == f.error.code, "\(rel): \(f.error)")
        }
        for (rel, code) in Self.knownBrokenCorpusFiles {
            #expect(outcome.failed.contains { $0.path == "corpus/third-party/" + rel && $0.error.code == code }, "\(rel) should fail with \(code)")
        }
    }

    /// Corpus files that are not valid messages (path under corpus/third-party → expected code).
    static let knownBrokenCorpusFiles: [String: DNSWireError.Code] = [
        // BIND seeds with bytes after the last record (one has a whole 8 KiB tail).
        "bind9/dns_message_parse.in/issue-4189.pkt": .trailingBytes,
        "bind9/dns_message_parse.in/seed-608943.pkt": .trailingBytes,
        "bind9/dns_message_parse.in/seed-735918.pkt": .trailingBytes,
        // An AAAA answer with RDLENGTH 4 (RFC 3596 §2.2: 16 bytes).
        "c-ares/fuzzinput/answer_aaaa": .rdataLengthMismatch,
        // 13,360 additional records announced over 9,586 bytes.
        "c-ares/fuzzinput/multi-indir": .countExceedsData,
        // A UDP payload that still carries 4 bytes of link-layer trailer (PcapPlusPlus packet_trailer).
        "mdns-seeds-from-captures/pcapplusplus__c04325472242.bin": .trailingBytes,
        // The broken python-zeroconf captures again (see knownBrokenCaptures).
        "mdns-seeds-from-captures/python-zeroconf__432cfa47ee0a.bin": .pointerOutOfRange,
        "mdns-seeds-from-captures/python-zeroconf__c0151d7e1133.bin": .reservedLabelType,
        "mdns-seeds-from-captures/python-zeroconf__d454c6f4eb83.bin": .reservedLabelType,
        "mdns-seeds-from-captures/python-zeroconf__fdd23fa27305.bin": .truncated,
    ]

    @Test func bindMessageParseSeedsDecodeOnceTrailingBytesAreAllowed() {
        // BIND's own seed corpus for its message parser: well-formed messages of 66 RR types.
        let files = Self.candidates(["corpus/third-party/bind9/dns_message_parse.in"])
        #expect(files.count == 300)
        var decoded = 0
        for (path, bytes) in files {
            switch decode(bytes, allowTrailingBytes: true) {
            case .success(let m):
                decoded += 1
                Self.roundTrip(m, path)
            case .failure(let e):
                Issue.record("\(path): \(e)")
            }
        }
        #expect(decoded == 300)
    }

    @Test func systemdResourceRecordsDecodeInsideAOneAnswerMessage() {
        // Each file is one uncompressed resource record without a header; give it one.
        let files = Self.candidates(["corpus/third-party/systemd/test-resolve-rr"])
        #expect(files.count == 156)
        let wrapped = files.map { ($0.path, headerBytes(flags: 0x8400, an: 1) + $0.bytes) }
        let outcome = Self.sweep(wrapped)
        for f in outcome.failed { Issue.record("\(f.path): \(f.error)") }
        #expect(outcome.decoded.count == 156)
    }

    /// Capture payloads that are broken on purpose (file name → expected code).
    static let knownBrokenCaptures: [String: DNSWireError.Code] = [
        // Roborock S5e: NSEC next-name pointer to offset 80 of a 66-byte message.
        "dns_compression_all_invalid.bin": .pointerOutOfRange,
        // Home Assistant probe: five questions behind QDCOUNT 4, so the fifth is read as a record
        // whose RDLENGTH (0x8001) runs past the end.
        "dns_compression_invalid_skips_bad_name_compress_in_question.bin": .truncated,
        // eufy HomeBase2: NSEC next-name pointer into TXT data, where 'i' (0x69) is a 0x40 label type.
        "dns_compression_invalid_skips_record.bin": .reservedLabelType,
        // Sonos: NSEC next-name pointer into TXT data, running into 'h' (0x68) at 430.
        "txt_after_invalid_nsec_name_still_usable.bin": .reservedLabelType,
    ]
}
