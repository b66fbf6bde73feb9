// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "swift-mdns",
    products: [
        .library(name: "DNSWire", targets: ["DNSWire"]),
        .executable(name: "mdns", targets: ["mdns"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // layer 0: the DNS message codec (stdlib only)
        .target(name: "DNSWire"),

        // layer 3: the command
        .executableTarget(
            name: "mdns",
            dependencies: [
                "DNSWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(
            name: "DNSWireTests",
            dependencies: [
                "DNSWire",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
