// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-mdns",
    products: [
        .library(name: "DNSWire", targets: ["DNSWire"]),
        .library(name: "MDNSCore", targets: ["MDNSCore"]),
        .library(name: "MDNSTransport", targets: ["MDNSTransport"]),
        .library(name: "MDNS", targets: ["MDNS"]),
        .executable(name: "mdns", targets: ["mdns"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
    ],
    targets: [
        // layer 0: the DNS message codec (stdlib only)
        .target(name: "DNSWire"),

        // layer 1: the sans-IO engine
        .target(name: "MDNSCore", dependencies: ["DNSWire"]),

        // layer 1: UDP multicast sockets per interface (Glibc recvmsg); knows nothing of DNS
        .target(name: "MDNSTransport", dependencies: ["DNSWire"]),

        // layer 2: the live driver: engine + transport + a real clock; the public async API
        .target(
            name: "MDNS",
            dependencies: ["MDNSCore", "MDNSTransport", "DNSWire", .product(name: "Logging", package: "swift-log")]
        ),

        // layer 2: conformance catalogue, simulated link
        .target(name: "MDNSConformance", dependencies: ["MDNSCore", "DNSWire", "PCAP", "MDNSGenerators"]),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),

        // layer 1: captures (libpcap), yields UDP datagrams; knows nothing of DNS
        .target(name: "PCAP", dependencies: ["CPcap"]),

        // layer 2: replay of captures through the codec
        .target(name: "MDNSReplay", dependencies: ["PCAP", "DNSWire", "MDNSCore"]),

        // layer 2: results documents (mdns-results/1) as one self-contained HTML page (stdlib only)
        .target(name: "MDNSReport"),

        // layer 2: seeded generators and structure-aware mutators; fuzz targets as plain functions
        .target(name: "MDNSGenerators", dependencies: ["DNSWire", "MDNSCore"]),
        .target(name: "FuzzTargets", dependencies: ["DNSWire", "MDNSCore", "PCAP"]),
        // libFuzzer executables (Scripts/fuzz); a plain build of each replays files instead
        .executableTarget(name: "FuzzDecode", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzRoundTrip", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzEngine", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzPcap", dependencies: ["FuzzTargets"]),
        // the parse benchmark's loop (mdns bench-parse) and a synchronous driver for callgrind
        .target(name: "BenchSupport", dependencies: ["DNSWire"]),
        .executableTarget(name: "BenchProbe", dependencies: ["BenchSupport", "MDNSReplay"]),
        // the spoofed-source flood of CONFORMANCE A54, one million messages in release (Scripts/test)
        .executableTarget(name: "FloodCheck", dependencies: ["MDNSConformance"]),

        // layer 3: the command
        .executableTarget(
            name: "mdns",
            dependencies: [
                "DNSWire",
                "BenchSupport",
                "PCAP",
                "MDNSReplay",
                "MDNSGenerators",
                "MDNSConformance",
                "MDNSReport",
                "MDNS",
                "MDNSCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "PCAPTests", dependencies: ["PCAP"]),
        .testTarget(name: "MDNSTransportTests", dependencies: ["MDNSTransport", "DNSWire"]),
        .testTarget(name: "MDNSTests", dependencies: ["MDNS", "MDNSCore", "MDNSTransport", "DNSWire"]),
        .testTarget(name: "MDNSCoreTests", dependencies: ["MDNSCore", "DNSWire", "MDNSConformance"]),
        .testTarget(name: "ConformanceTests", dependencies: ["MDNSConformance", "MDNSCore", "DNSWire", "PCAP"]),
        .testTarget(name: "MDNSReplayTests", dependencies: ["MDNSReplay", "PCAP", "DNSWire"]),
        .testTarget(
            name: "MDNSGeneratorsTests",
            dependencies: [
                "MDNSGenerators", "DNSWire", "FuzzTargets", "MDNSCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "MDNSReportTests", dependencies: ["MDNSReport"], exclude: ["Fixtures"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets", "MDNSGenerators", "DNSWire"]),
        .testTarget(
            name: "DNSWireTests",
            dependencies: [
                "DNSWire",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
