// swift-tools-version: 6.1
// Parse and serialize benchmarks for DNSWire (package-benchmark). Run from this directory:
//   swift package benchmark
//   swift package benchmark thresholds check        # mallocs per message against Thresholds/
import PackageDescription

let package = Package(
    name: "swift-mdns-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-mdns", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Deterministic generator of realistic mDNS traffic, and the corpus file format.
        .target(
            name: "BenchCorpus",
            dependencies: [.product(name: "DNSWire", package: "swift-mdns")]
        ),
        // Writes Corpus/bench/*.lpk (run once; the output is committed).
        .executableTarget(
            name: "make-bench-corpus",
            dependencies: ["BenchCorpus", .product(name: "DNSWire", package: "swift-mdns")]
        ),
        .executableTarget(
            name: "ParseBench",
            dependencies: [
                "BenchCorpus",
                .product(name: "DNSWire", package: "swift-mdns"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ParseBench",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Engine receive throughput and mallocs per message (MDNSCore).
        .executableTarget(
            name: "EngineBench",
            dependencies: [
                "BenchCorpus",
                .product(name: "DNSWire", package: "swift-mdns"),
                .product(name: "MDNSCore", package: "swift-mdns"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EngineBench",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
