import ArgumentParser

@main
struct MDNSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mdns",
        abstract: "mDNS / DNS-SD: decode, replay, generate, test and conform.",
        subcommands: [Decode.self, BenchParse.self, Replay.self, Generate.self, Conform.self]
    )
}
