import ArgumentParser

@main
struct MDNSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mdns",
        abstract: "mDNS / DNS-SD: browse, resolve, publish; decode, replay, generate, test and conform.",
        subcommands: [Browse.self, Resolve.self, Lookup.self, Query.self, Publish.self, Decode.self, BenchParse.self, Replay.self, Generate.self, Conform.self, ReplayEvents.self, Report.self]
    )
}
